package io.samsa.broker.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.testing.BrokerProcess;
import io.samsa.broker.testing.Clients;

/**
 * Damaged index files of the first (long inactive) segment after a clean stop: its {@code .index} deleted, then
 * its {@code .timeindex} deleted, then each truncated to 8 bytes. Every time the broker must start, rebuild what
 * is missing, serve every offset, and answer {@code offsetsForTimes} exactly (timestamps strictly increase, so
 * the record with timestamp t_i is at offset i). Segments are made small with the test-only
 * {@code internal.log.segment.bytes}.
 */
class IndexRebuildOnStartTest {
    private static final String TOPIC = "rebuild";
    private static final int RECORDS = Integer.getInteger("samsa.rebuild.records", 3000);
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    @TempDir
    Path dataDir;

    private final List<String> values = new ArrayList<>();
    private long firstTimestamp;

    @Test
    void missingOrTruncatedIndexesOfAnOldSegmentAreRebuilt() throws Exception {
        int port = BrokerProcess.freePort();
        int metricsPort = BrokerProcess.freePort();
        Map<String, String> props = Map.of("internal.log.segment.bytes", "65536",
                "metrics.port", Integer.toString(metricsPort));
        try (BrokerProcess broker = BrokerProcess.start(dataDir, port, props)) {
            produce(broker.bootstrapServers());
            broker.stop();
        }
        Path dir = PartitionFiles.partitionDir(dataDir, TOPIC, 0);
        assertThat(PartitionFiles.files(dir, ".log")).as("segments written").hasSizeGreaterThanOrEqualTo(4);
        Path index = PartitionFiles.files(dir, ".index").get(0);
        Path timeIndex = PartitionFiles.files(dir, ".timeindex").get(0);

        damageAndCheck(port, props, metricsPort, "first .index deleted", () -> Files.delete(index));
        damageAndCheck(port, props, metricsPort, "first .timeindex deleted", () -> Files.delete(timeIndex));
        damageAndCheck(port, props, metricsPort, "first .index cut to 8 bytes", () -> truncate(index, 8));
        damageAndCheck(port, props, metricsPort, "first .timeindex cut to 8 bytes", () -> truncate(timeIndex, 8));
    }

    interface Damage {
        void apply() throws Exception;
    }

    private void damageAndCheck(int port, Map<String, String> props, int metricsPort, String what, Damage damage)
            throws Exception {
        damage.apply();
        try (BrokerProcess broker = BrokerProcess.start(dataDir, port, props)) {
            String bs = broker.bootstrapServers();
            List<ConsumerRecord<byte[], byte[]>> rs = Clients.read(bs, TP, 0, RECORDS);
            assertThat(rs).as("records after: %s", what).hasSize(RECORDS);
            for (int i = 0; i < RECORDS; i++) {
                assertThat(rs.get(i).offset()).isEqualTo(i);
                assertThat(new String(rs.get(i).value(), StandardCharsets.UTF_8)).as("%s: value at %d", what, i)
                        .isEqualTo(values.get(i));
            }
            try (KafkaConsumer<byte[], byte[]> c = Clients.consumer(bs)) {
                for (int i = 0; i < RECORDS; i += 37) {
                    Map<TopicPartition, Long> q = new HashMap<>();
                    q.put(TP, firstTimestamp + 10L * i);
                    OffsetAndTimestamp found = c.offsetsForTimes(q, Duration.ofSeconds(30)).get(TP);
                    assertThat(found).as("%s: offsetsForTimes(t_%d)", what, i).isNotNull();
                    assertThat(found.offset()).as("%s: offsetsForTimes(t_%d)", what, i).isEqualTo(i);
                }
            }
            broker.health(3, metricsPort).assertHealthy("restart with " + what, 0);
            broker.stop();
            assertThat(broker.output()).contains("SAMSA-STOPPED");
        }
    }

    private void produce(String bs) throws Exception {
        try (Admin admin = Clients.admin(bs)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        }
        firstTimestamp = System.currentTimeMillis() - Duration.ofMinutes(30).toMillis();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bs,
                Map.of("linger.ms", "2", "batch.size", "2048"))) {
            List<Future<RecordMetadata>> fs = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                String v = "rebuild-" + i + "-" + "r".repeat(100 + i % 50);
                values.add(v);
                fs.add(producer.send(new ProducerRecord<>(TOPIC, 0, firstTimestamp + 10L * i, null,
                        v.getBytes(StandardCharsets.UTF_8))));
            }
            for (int i = 0; i < RECORDS; i++) {
                assertThat(fs.get(i).get().offset()).isEqualTo(i);
            }
        }
    }

    private static void truncate(Path file, long size) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }
}
