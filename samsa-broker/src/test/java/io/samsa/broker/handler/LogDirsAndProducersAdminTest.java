package io.samsa.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.samsa.broker.SamsaBroker;
import io.samsa.broker.testing.Clients;
import io.samsa.testkit.KafkaTool;

/**
 * DescribeLogDirs and DescribeProducers through stock kafka-clients' Admin (and Kafka's own
 * {@code kafka-log-dirs --describe}) against an embedded broker: the data directory with each partition's size
 * and lag and the volume's space; the idempotent producers a partition's log holds state for.
 */
class LogDirsAndProducersAdminTest {
    private static SamsaBroker broker;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        broker = SamsaBroker.startEmbedded(Map.of("auto.create.topics.enable", "false"));
        admin = Clients.admin(broker.bootstrapServers());
        admin.createTopics(List.of(new NewTopic("dirs", 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(),
                Map.of("enable.idempotence", "true", "acks", "all"))) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>("dirs", 0, null, ("v" + i).getBytes())).get(30, TimeUnit.SECONDS);
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        admin.close();
        broker.close();
    }

    @Test
    void theDataDirectoryIsDescribedWithEachPartitionsSizeAndLag() throws Exception {
        int node = broker.config().nodeId();
        Map<String, LogDirDescription> dirs = admin.describeLogDirs(List.of(node)).allDescriptions()
                .get(30, TimeUnit.SECONDS).get(node);
        String path = broker.config().dataDir().toAbsolutePath().toString();
        assertThat(dirs).containsOnlyKeys(path);
        LogDirDescription dir = dirs.get(path);
        assertThat(dir.error()).isNull();
        ReplicaInfo written = dir.replicaInfos().get(new TopicPartition("dirs", 0));
        ReplicaInfo empty = dir.replicaInfos().get(new TopicPartition("dirs", 1));
        assertThat(written.size()).isEqualTo(broker.topics().log("dirs", 0).sizeInBytes()).isPositive();
        assertThat(empty.size()).isZero();
        assertThat(written.offsetLag()).isZero();
        assertThat(written.isFuture()).isFalse();
        assertThat(dir.totalBytes().getAsLong()).isPositive();
        assertThat(dir.usableBytes().getAsLong()).isBetween(0L, dir.totalBytes().getAsLong());
    }

    @Test
    void kafkasOwnLogDirsToolDescribesThem() throws Exception {
        KafkaTool.Output out = KafkaTool.run("org.apache.kafka.tools.LogDirsCommand", "--bootstrap-server",
                broker.bootstrapServers(), "--describe", "--topic-list", "dirs");
        assertThat(out.exit()).as(out.text()).isZero();
        assertThat(out.text()).contains("\"partition\":\"dirs-0\"", "\"partition\":\"dirs-1\"",
                "\"isFuture\":false", broker.config().dataDir().toAbsolutePath().toString());
    }

    @Test
    void theIdempotentProducersOfAPartitionAreDescribed() throws Exception {
        TopicPartition tp = new TopicPartition("dirs", 0);
        List<ProducerState> producers = admin.describeProducers(List.of(tp)).partitionResult(tp)
                .get(30, TimeUnit.SECONDS).activeProducers();
        assertThat(producers).hasSize(1);
        ProducerState p = producers.get(0);
        assertThat(p.producerId()).isNotNegative();
        assertThat(p.producerEpoch()).isZero();
        assertThat(p.lastSequence()).isEqualTo(2);
        assertThat(p.lastTimestamp()).isPositive();
        assertThat(p.coordinatorEpoch()).isEmpty();
        assertThat(p.currentTransactionStartOffset()).isEmpty();

        TopicPartition quiet = new TopicPartition("dirs", 1);
        assertThat(admin.describeProducers(List.of(quiet)).partitionResult(quiet).get(30, TimeUnit.SECONDS)
                .activeProducers()).isEmpty();
    }
}
