package io.samsa.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is committed comes back identical after a restart, from the log, from a snapshot plus tail, or torn. */
class LocalMetadataLogTest {
    @TempDir
    Path dir;

    private static void writeSome(MetadataTestSupport m) {
        m.create("a", 3, Map.of("retention.ms", "1000"));
        m.create("b", 1, Map.of());
        m.controller.createPartitions("a", 5, false).toCompletableFuture().join();
        m.controller.allocateProducerIds(1).toCompletableFuture().join();
        m.controller.deleteTopic("b").toCompletableFuture().join();
        m.create("b", 2, Map.of("cleanup.policy", "delete"));
        m.controller.write(List.of(new BrokerRegistrationRecord(1, Uuid.randomUuid(),
                List.of(new BrokerRegistrationRecord.Endpoint("PLAINTEXT", "PLAINTEXT", "localhost", 9092)), null)))
                .toCompletableFuture().join();
    }

    @Test
    void replayGivesTheSameImage() throws Exception {
        MetadataImage before;
        try (MetadataTestSupport m = new MetadataTestSupport(dir)) {
            writeSome(m);
            before = m.state.image();
        }
        assertThat(before.topics().get("a").partitionCount()).isEqualTo(5);
        assertThat(before.topics().get("b").partitionCount()).isEqualTo(2);
        assertThat(before.configs().topic("b")).isEqualTo(Map.of("cleanup.policy", "delete"));
        assertThat(before.nextProducerId()).isEqualTo(1000);
        assertThat(before.topics().totalPartitions()).isEqualTo(7);
        try (MetadataTestSupport m = new MetadataTestSupport(dir)) {
            assertThat(m.state.image()).isEqualTo(before);
            assertThat(Files.exists(dir.resolve(LocalMetadataLog.SNAPSHOT_FILE))).isFalse();
        }
    }

    @Test
    void snapshotPlusTailGivesTheSameImage() throws Exception {
        MetadataImage before;
        try (MetadataTestSupport m = new MetadataTestSupport(dir, 200, 20_000)) {
            writeSome(m);
            m.create("after-snapshot", 1, Map.of()); // small: stays in the tail
            before = m.state.image();
        }
        assertThat(dir.resolve(LocalMetadataLog.SNAPSHOT_FILE)).exists();
        assertThat(Files.size(dir.resolve(LocalMetadataLog.LOG_FILE))).isLessThan(200);
        try (MetadataTestSupport m = new MetadataTestSupport(dir, 200, 20_000)) {
            assertThat(m.state.image()).isEqualTo(before);
            m.create("c", 1, Map.of());
        }
        try (MetadataTestSupport m = new MetadataTestSupport(dir, 200, 20_000)) {
            assertThat(m.state.image().topics().get("c")).isNotNull();
            assertThat(m.state.image().topics().get("a")).isEqualTo(before.topics().get("a"));
        }
    }

    @Test
    void aLogStillCoveredByTheSnapshotIsSkipped() throws Exception {
        // A crash after the snapshot was written but before the log was replaced.
        MetadataImage before;
        byte[] fullLog;
        try (MetadataTestSupport m = new MetadataTestSupport(dir)) {
            writeSome(m);
            before = m.state.image();
            fullLog = Files.readAllBytes(dir.resolve(LocalMetadataLog.LOG_FILE));
        }
        try (MetadataTestSupport m = new MetadataTestSupport(dir, 1, 20_000)) {
            m.controller.allocateProducerIds(1).toCompletableFuture().join(); // triggers the snapshot
            before = m.state.image();
        }
        Files.write(dir.resolve(LocalMetadataLog.LOG_FILE), fullLog);
        try (MetadataTestSupport m = new MetadataTestSupport(dir)) {
            assertThat(m.state.image()).isEqualTo(before);
        }
    }

    @Test
    void aTornLastBatchIsDroppedOnLoad() throws Exception {
        MetadataImage before;
        try (MetadataTestSupport m = new MetadataTestSupport(dir)) {
            writeSome(m);
            before = m.state.image();
        }
        Path logFile = dir.resolve(LocalMetadataLog.LOG_FILE);
        long goodSize = Files.size(logFile);
        ByteBuffer frame = MetadataFrames.encode(List.of(new TopicRecord("torn", Uuid.randomUuid())), 99);
        try (FileChannel ch = FileChannel.open(logFile, StandardOpenOption.APPEND)) {
            ch.write(frame.limit(frame.limit() - 3)); // killed mid-write: the last 3 bytes never made it
        }
        try (MetadataTestSupport m = new MetadataTestSupport(dir)) {
            assertThat(m.state.image()).isEqualTo(before);
            assertThat(Files.size(logFile)).isEqualTo(goodSize);
            m.create("next", 1, Map.of()); // appends after the truncation point
        }
        try (MetadataTestSupport m = new MetadataTestSupport(dir)) {
            assertThat(m.state.image().topics().get("next")).isNotNull();
            assertThat(m.state.image().topics().get("torn")).isNull();
        }
    }

    @Test
    void aCorruptLastBatchIsDroppedOnLoad() throws Exception {
        MetadataImage before;
        try (MetadataTestSupport m = new MetadataTestSupport(dir)) {
            writeSome(m);
            before = m.state.image();
            m.create("flipped", 1, Map.of());
        }
        Path logFile = dir.resolve(LocalMetadataLog.LOG_FILE);
        byte[] bytes = Files.readAllBytes(logFile);
        bytes[bytes.length - 2] ^= 0x55; // a bit flip in the last batch: its CRC fails
        Files.write(logFile, bytes);
        try (MetadataTestSupport m = new MetadataTestSupport(dir)) {
            assertThat(m.state.image()).isEqualTo(before);
        }
    }
}
