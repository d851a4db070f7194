package io.samsa.broker.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.testing.BrokerProcess;
import io.samsa.broker.testing.Clients;

/**
 * Backfilling old data: single-record produces whose CreateTime is 8 days old (past the default segment.ms of
 * 7 days) must fill segments as Kafka does (the roll compares the incoming timestamp with the segment's first
 * batch), not roll one segment per produce. Counted from outside as {@code .log} files in the partition
 * directory; then a clean restart must start and serve every record. Records: {@code -Dsamsa.backfill.records}.
 */
class OldTimestampBackfillTest {
    private static final String TOPIC = "backfill";
    private static final int RECORDS = Integer.getInteger("samsa.backfill.records", 300);
    private static final long EIGHT_DAYS_MS = Duration.ofDays(8).toMillis();

    @TempDir
    Path dataDir;

    @Test
    void eightDayOldRecordsDoNotRollASegmentPerProduce() throws Exception {
        int port = BrokerProcess.freePort();
        int metricsPort = BrokerProcess.freePort();
        Map<String, String> props = Map.of("metrics.port", Integer.toString(metricsPort));
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        long oldTs = System.currentTimeMillis() - EIGHT_DAYS_MS;
        try (BrokerProcess broker = BrokerProcess.start(dataDir, port, props)) {
            try (Admin admin = Clients.admin(broker.bootstrapServers())) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            }
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(),
                    Map.of("linger.ms", "0"))) {
                for (int i = 0; i < RECORDS; i++) {
                    byte[] v = ("old-" + i).getBytes(StandardCharsets.UTF_8);
                    // One produce request per record: wait for each answer before the next send.
                    long offset = producer.send(new ProducerRecord<>(TOPIC, 0, oldTs + i, null, v)).get().offset();
                    assertThat(offset).isEqualTo(i);
                }
            }
            Path dir = PartitionFiles.partitionDir(dataDir, TOPIC, 0);
            assertThat(PartitionFiles.files(dir, ".log")).as("segments after %d old-timestamp produces", RECORDS)
                    .hasSizeLessThanOrEqualTo(2);
            broker.stop();
            assertThat(broker.output()).contains("SAMSA-STOPPED");
        }
        try (BrokerProcess broker = BrokerProcess.start(dataDir, port, props)) {
            List<ConsumerRecord<byte[], byte[]>> rs = Clients.read(broker.bootstrapServers(), tp, 0, RECORDS);
            assertThat(rs).hasSize(RECORDS);
            for (int i = 0; i < RECORDS; i++) {
                assertThat(new String(rs.get(i).value(), StandardCharsets.UTF_8)).isEqualTo("old-" + i);
                assertThat(rs.get(i).timestamp()).isEqualTo(oldTs + i);
            }
            broker.health(3, metricsPort).assertHealthy("after an old-timestamp backfill and a restart", 0);
        }
    }
}
