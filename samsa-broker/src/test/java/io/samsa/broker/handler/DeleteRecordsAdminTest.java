package io.samsa.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DeletedRecords;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.SamsaBroker;
import io.samsa.broker.testing.Clients;
import io.samsa.log.Log;
import io.samsa.testkit.KafkaTool;

/**
 * DeleteRecords through stock kafka-clients' Admin and Kafka's own {@code kafka-delete-records} against an embedded
 * broker: the log start moves (whole segments below it go), consumers and ListOffsets start there, and Kafka's
 * errors for an offset above the high watermark and a compacted topic; a restart keeps the moved log start.
 */
class DeleteRecordsAdminTest {
    private static SamsaBroker broker;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        broker = SamsaBroker.startEmbedded(Map.of("auto.create.topics.enable", "false"));
        admin = Clients.admin(broker.bootstrapServers());
    }

    @AfterAll
    static void stop() throws Exception {
        admin.close();
        broker.close();
    }

    /** A topic of one partition holding {@code count} records, in segments of {@code perSegment} records. */
    private static TopicPartition filled(String name, int count, int perSegment, Map<String, String> configs)
            throws Exception {
        admin.createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(configs))).all().get(30, TimeUnit.SECONDS);
        Log log = broker.topics().log(name, 0);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(), Map.of())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(name, ("k" + i).getBytes(), ("v" + i).getBytes()))
                        .get(30, TimeUnit.SECONDS);
                if ((i + 1) % perSegment == 0) {
                    log.roll();
                }
            }
        }
        return new TopicPartition(name, 0);
    }

    private static long deleteBefore(TopicPartition tp, long offset) throws Exception {
        DeletedRecords d = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(offset))).lowWatermarks()
                .get(tp).get(30, TimeUnit.SECONDS);
        return d.lowWatermark();
    }

    private static long earliest(TopicPartition tp) throws Exception {
        return admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get(30, TimeUnit.SECONDS)
                .offset();
    }

    @Test
    void theLogStartMovesWholeSegmentsBelowItGoAndConsumersStartThere() throws Exception {
        TopicPartition tp = filled("purged", 100, 20, Map.of());
        Log log = broker.topics().log("purged", 0);
        assertThat(log.segmentBaseOffsets()).startsWith(0L, 20L, 40L);

        assertThat(deleteBefore(tp, 30)).isEqualTo(30);
        assertThat(log.logStartOffset()).isEqualTo(30);
        assertThat(log.segmentBaseOffsets()).as("the segment holding 30 stays, those wholly below go")
                .startsWith(20L, 40L);
        assertThat(earliest(tp)).isEqualTo(30);
        assertThat(firstFromBeginning(tp).offset()).isEqualTo(30);

        assertThat(deleteBefore(tp, 10)).as("below the log start: nothing moves").isEqualTo(30);
        assertThat(deleteBefore(tp, -1)).as("-1: up to the high watermark").isEqualTo(100);
        assertThat(earliest(tp)).isEqualTo(100);
    }

    @Test
    void kafkasErrorsForAnOffsetAboveTheHighWatermarkAndACompactedTopic() throws Exception {
        TopicPartition tp = filled("bounded", 10, 100, Map.of());
        assertFails(tp, 11, OffsetOutOfRangeException.class);
        assertThat(earliest(tp)).isZero();

        TopicPartition compacted = filled("compacted", 5, 100, Map.of("cleanup.policy", "compact"));
        assertFails(compacted, 2, PolicyViolationException.class);
        TopicPartition both = filled("compact-and-delete", 5, 100, Map.of("cleanup.policy", "compact,delete"));
        assertThat(deleteBefore(both, 2)).isEqualTo(2);
        // An unknown topic: Admin retries its metadata until the timeout, as against Kafka (ApiVersionMatrixTest
        // sees the broker's UNKNOWN_TOPIC_OR_PARTITION).
    }

    @Test
    void kafkasOwnDeleteRecordsToolWorks() throws Exception {
        TopicPartition tp = filled("tooled-purge", 10, 100, Map.of());
        Path json = Files.createTempFile("delete-records", ".json");
        try {
            Files.writeString(json, "{\"version\":1,\"partitions\":[{\"topic\":\"tooled-purge\",\"partition\":0,"
                    + "\"offset\":7}]}");
            KafkaTool.Output out = KafkaTool.run("org.apache.kafka.tools.DeleteRecordsCommand", "--bootstrap-server",
                    broker.bootstrapServers(), "--offset-json-file", json.toString());
            assertThat(out.exit()).as(out.text()).isZero();
            assertThat(out.text()).contains("low_watermark: 7");
        } finally {
            Files.deleteIfExists(json);
        }
        assertThat(earliest(tp)).isEqualTo(7);
    }

    @Test
    void theLogStartSurvivesARestart(@TempDir Path dataDir) throws Exception {
        Map<String, String> props = Map.of("listeners", "PLAINTEXT://127.0.0.1:0", "log.dirs", dataDir.toString());
        TopicPartition tp = new TopicPartition("kept-purge", 0);
        try (SamsaBroker first = SamsaBroker.start(props); Admin a = Clients.admin(first.bootstrapServers());
             KafkaProducer<byte[], byte[]> producer = Clients.producer(first.bootstrapServers(), Map.of())) {
            a.createTopics(List.of(new NewTopic(tp.topic(), 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(tp.topic(), ("v" + i).getBytes())).get(30, TimeUnit.SECONDS);
            }
            a.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(4))).all().get(30, TimeUnit.SECONDS);
        }
        try (SamsaBroker second = SamsaBroker.start(props); Admin a = Clients.admin(second.bootstrapServers())) {
            // The segment holding offsets 0-3 is still on disk: the log start comes from its checkpoint.
            assertThat(a.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp)
                    .get(30, TimeUnit.SECONDS).offset()).isEqualTo(4);
        }
    }

    private static void assertFails(TopicPartition tp, long offset, Class<? extends Throwable> error) {
        assertThatThrownBy(() -> deleteBefore(tp, offset)).as(tp + " before " + offset)
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(error);
    }

    private static ConsumerRecord<byte[], byte[]> firstFromBeginning(TopicPartition tp) {
        try (KafkaConsumer<byte[], byte[]> c = Clients.consumer(broker.bootstrapServers())) {
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            for (int i = 0; i < 60; i++) {
                List<ConsumerRecord<byte[], byte[]>> got = c.poll(Duration.ofSeconds(1)).records(tp);
                if (!got.isEmpty()) {
                    return got.get(0);
                }
            }
            throw new AssertionError("nothing read from the beginning of " + tp);
        }
    }
}
