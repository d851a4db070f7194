package io.samsa.broker.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.SamsaBroker;
import io.samsa.broker.testing.Clients;

/**
 * A single node keeps its groups where a cluster does, in the compacted internal topic {@code __consumer_offsets}:
 * created (with one replica) by the first FindCoordinator of a stock client, not at start-up; committed offsets
 * survive a restart; the broker's log cleaner compacts the topic, so commit after commit of the same partition
 * shrinks it on disk while the newest offset stays; and no producer can append to it.
 */
class SingleNodeOffsetsTopicTest {
    static final String TOPIC = "payments";
    static final String OFFSETS = "__consumer_offsets";

    @TempDir
    Path dir;

    private SamsaBroker start(Map<String, String> extra) throws Exception {
        Map<String, String> props = new HashMap<>(Map.of("listeners", "PLAINTEXT://127.0.0.1:0",
                "log.dirs", dir.toString(), "group.initial.rebalance.delay.ms", "0"));
        props.putAll(extra);
        return SamsaBroker.start(props);
    }

    private static Properties consumerProps(SamsaBroker broker, String group) {
        return GroupTestSupport.consumerProps(broker.bootstrapServers(), group, group + "-client");
    }

    @Test
    void aGroupCreatesTheCompactedOffsetsTopicWithOneReplicaAndItsOffsetsSurviveARestart() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = Map.of(
                new TopicPartition(TOPIC, 0), new OffsetAndMetadata(7, "seven"),
                new TopicPartition(TOPIC, 1), new OffsetAndMetadata(11, "eleven"));
        try (SamsaBroker broker = start(Map.of("offsets.topic.replication.factor", "3"));
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            GroupTestSupport.createTopic(broker.bootstrapServers(), TOPIC, 2);
            // Nothing has asked for a group yet: no internal topic (a start-up creates none).
            assertThat(admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get()).containsOnly(TOPIC);

            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps(broker, "billing"))) {
                consumer.subscribe(List.of(TOPIC));
                GroupTestSupport.await("an assignment", Duration.ofSeconds(30), () -> {
                    consumer.poll(Duration.ofMillis(100));
                    return consumer.assignment().size() == 2;
                }, consumer::assignment);
                consumer.commitSync(committed);
            }

            assertThat(admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get())
                    .containsExactlyInAnyOrder(TOPIC, OFFSETS);
            assertThat(admin.listTopics().names().get()).containsOnly(TOPIC);
            TopicDescription d = admin.describeTopics(List.of(OFFSETS)).allTopicNames().get().get(OFFSETS);
            assertThat(d.isInternal()).isTrue();
            assertThat(d.partitions()).hasSize(50); // offsets.topic.num.partitions' default
            assertThat(d.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(1));
            Config config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, OFFSETS)))
                    .all().get().values().iterator().next();
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(config.get("segment.bytes").value()).isEqualTo("104857600");
        }
        try (SamsaBroker broker = start(Map.of());
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            assertThat(admin.listConsumerGroupOffsets("billing").partitionsToOffsetAndMetadata().get())
                    .isEqualTo(committed);
        }
    }

    @Test
    void theLogCleanerCompactsTheGroupsPartitionAndTheNewestOffsetStays() throws Exception {
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        int commits = 1500;
        try (SamsaBroker broker = start(Map.of("offsets.topic.num.partitions", "1",
                "offsets.topic.segment.bytes", "1048576", "log.cleaner.backoff.ms", "50"));
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            GroupTestSupport.createTopic(broker.bootstrapServers(), TOPIC, 1);
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps(broker, "ledger"))) {
                consumer.assign(List.of(tp));
                consumer.commitSync(Map.of(tp, new OffsetAndMetadata(0)));
                // The topic exists now (offsets.topic.segment.bytes is at Kafka 4's floor of 1 MiB): small segments
                // and an eager cleaner, so that a few thousand commits make several segments to clean.
                ConfigResource offsets = new ConfigResource(ConfigResource.Type.TOPIC, OFFSETS);
                assertThat(admin.describeConfigs(List.of(offsets)).all().get().get(offsets).get("segment.bytes")
                        .value()).isEqualTo("1048576");
                admin.incrementalAlterConfigs(Map.of(offsets, List.of(
                        new AlterConfigOp(new ConfigEntry("internal.segment.bytes", "4096"), AlterConfigOp.OpType.SET),
                        new AlterConfigOp(new ConfigEntry("min.cleanable.dirty.ratio", "0.01"),
                                AlterConfigOp.OpType.SET)))).all().get();
                for (int i = 1; i <= commits; i++) {
                    consumer.commitSync(Map.of(tp, new OffsetAndMetadata(i, "m" + i)));
                }
            }
            // Each commit is a batch of about 100 bytes: well over 100 KB were written to __consumer_offsets-0.
            GroupTestSupport.await("the cleaner to shrink " + OFFSETS + "-0 below 32 KB", Duration.ofSeconds(60),
                    () -> offsetsLogSize(admin, broker) < 32 * 1024, () -> offsetsLogSize(admin, broker));
            assertThat(admin.listConsumerGroupOffsets("ledger").partitionsToOffsetAndMetadata().get().get(tp))
                    .isEqualTo(new OffsetAndMetadata(commits, "m" + commits));
            assertThat(broker.topics().log(OFFSETS, 0).logStartOffset()).isZero(); // cleaned, not truncated
        }
        try (SamsaBroker broker = start(Map.of("offsets.topic.num.partitions", "1"));
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            // Loaded from the compacted log.
            assertThat(admin.listConsumerGroupOffsets("ledger").partitionsToOffsetAndMetadata().get().get(tp))
                    .isEqualTo(new OffsetAndMetadata(commits, "m" + commits));
        }
    }

    @Test
    void aProducerCannotAppendToTheOffsetsTopic() throws Exception {
        try (SamsaBroker broker = start(Map.of("offsets.topic.num.partitions", "1"));
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.listConsumerGroupOffsets("any").partitionsToOffsetAndMetadata().get(); // creates the topic
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
                // A record the coordinator could not read back: Kafka lets no client but its own tools append there.
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(OFFSETS, 0, new byte[] {0, 9},
                        new byte[] {1})).get()).hasCauseInstanceOf(InvalidTopicException.class);
            }
            assertThat(broker.topics().log(OFFSETS, 0).logEndOffset()).isZero();
        }
    }

    /** The size on disk of __consumer_offsets-0, as DescribeLogDirs reports it. */
    private static long offsetsLogSize(Admin admin, SamsaBroker broker) {
        try {
            Map<String, LogDirDescription> dirs = admin.describeLogDirs(List.of(broker.config().nodeId()))
                    .allDescriptions().get().get(broker.config().nodeId());
            Collection<LogDirDescription> all = dirs.values();
            for (LogDirDescription d : all) {
                ReplicaInfo info = d.replicaInfos().get(new TopicPartition(OFFSETS, 0));
                if (info != null) {
                    return info.size();
                }
            }
            throw new AssertionError("No " + OFFSETS + "-0 in " + dirs);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
