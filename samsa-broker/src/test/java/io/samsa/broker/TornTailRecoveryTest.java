package io.samsa.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.samsa.broker.testing.BrokerProcess;
import io.samsa.broker.testing.Clients;

/**
 * A torn write at the tail of a partition: after the broker stops (cleanly, or by SIGKILL), the last segment
 * file is cut inside its last record batch (in the batch body, or inside the 61-byte batch header) and random
 * bytes are appended, and the clean-shutdown marker is removed so recovery runs. On restart the broker must
 * serve every record up to the last whole batch, unchanged, report that batch's base offset as the end, and
 * put new records right after it.
 */
class TornTailRecoveryTest {
    static final String TOPIC = "torn";
    static final int RECORDS = 3000;

    @TempDir
    Path dataDir;

    record Batch(long position, long baseOffset, int size) {
    }

    @ParameterizedTest(name = "{0} stop, cut {1}")
    @CsvSource({"clean, mid-batch", "kill, mid-batch", "kill, mid-header"})
    void recoversToTheLastWholeBatch(String stop, String cut) throws Exception {
        int port = BrokerProcess.freePort();
        Map<String, String> props = Map.of("internal.log.segment.bytes", "131072");
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        List<String> values = new ArrayList<>();

        try (BrokerProcess broker = BrokerProcess.start(dataDir, port, props)) {
            try (Admin admin = Clients.admin(broker.bootstrapServers())) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            }
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(),
                    Map.of("linger.ms", "5", "batch.size", "2048"))) {
                List<Future<RecordMetadata>> fs = new ArrayList<>();
                for (int i = 0; i < RECORDS; i++) {
                    String v = "torn-" + i + "-" + "t".repeat(i % 30);
                    values.add(v);
                    fs.add(producer.send(new ProducerRecord<>(TOPIC, 0, null, v.getBytes(StandardCharsets.UTF_8))));
                }
                for (int i = 0; i < RECORDS; i++) {
                    assertThat(fs.get(i).get().offset()).isEqualTo(i);
                }
            }
            if (stop.equals("clean")) {
                broker.stop();
                assertThat(broker.output()).contains("SAMSA-STOPPED");
            } else {
                broker.kill();
            }
        }

        Path partitionDir = dataDir.resolve(TOPIC + "-0");
        Path segment;
        try (Stream<Path> s = Files.list(partitionDir)) {
            segment = s.filter(p -> p.getFileName().toString().matches("\\d{20}\\.log")).sorted()
                    .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no .log file in " + partitionDir));
        }
        List<Batch> batches = batches(segment);
        assertThat(batches).as("batches in %s", segment).hasSizeGreaterThan(2);
        Batch last = batches.get(batches.size() - 1);
        long cutAt = cut.equals("mid-header") ? last.position + 30 : last.position + last.size / 2;
        byte[] garbage = new byte[777];
        new Random(42).nextBytes(garbage);
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.truncate(cutAt);
            ch.write(ByteBuffer.wrap(garbage), cutAt);
            ch.force(true);
        }
        deleteCleanShutdownMarkers();

        long expectedEnd = last.baseOffset;
        try (BrokerProcess broker = BrokerProcess.start(dataDir, port, props)) {
            String bs = broker.bootstrapServers();
            long end = Clients.endOffsets(bs, java.util.Set.of(tp)).get(tp);
            assertThat(end).as("end offset after recovery (last whole batch ends at %d)", expectedEnd)
                    .isEqualTo(expectedEnd);
            List<ConsumerRecord<byte[], byte[]>> rs = Clients.read(bs, tp, 0, end);
            assertThat(rs).hasSize((int) end);
            for (int i = 0; i < rs.size(); i++) {
                assertThat(rs.get(i).offset()).isEqualTo(i);
                assertThat(new String(rs.get(i).value(), StandardCharsets.UTF_8)).as("value at %d", i)
                        .isEqualTo(values.get(i));
            }
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bs, Map.of())) {
                for (int i = 0; i < 10; i++) {
                    long off = producer.send(new ProducerRecord<>(TOPIC, 0, null,
                            ("after-" + i).getBytes(StandardCharsets.UTF_8))).get().offset();
                    assertThat(off).as("offset of new record %d", i).isEqualTo(expectedEnd + i);
                }
            }
            List<ConsumerRecord<byte[], byte[]>> after = Clients.read(bs, tp, expectedEnd, expectedEnd + 10);
            assertThat(after).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .containsExactly("after-0", "after-1", "after-2", "after-3", "after-4", "after-5", "after-6",
                            "after-7", "after-8", "after-9");
        }
    }

    /** Walks a segment by the batch framing (baseOffset i64, batchLength i32). */
    static List<Batch> batches(Path segment) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(segment));
        List<Batch> out = new ArrayList<>();
        int pos = 0;
        while (pos + 12 <= buf.limit()) {
            long base = buf.getLong(pos);
            int len = buf.getInt(pos + 8);
            if (len <= 0 || pos + 12 + len > buf.limit()) {
                break;
            }
            out.add(new Batch(pos, base, 12 + len));
            pos += 12 + len;
        }
        assertThat(pos).as("segment %s should be whole batches before the test tears it", segment)
                .isEqualTo(buf.limit());
        return out;
    }

    private void deleteCleanShutdownMarkers() throws IOException {
        try (Stream<Path> s = Files.walk(dataDir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().equals(".kafka_cleanshutdown")).toList()) {
                Files.delete(p);
            }
        }
    }
}
