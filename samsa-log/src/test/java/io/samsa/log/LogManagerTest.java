package io.samsa.log;

import static io.samsa.log.TestBatches.NOW;
import static io.samsa.log.TestBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.testkit.MutableClock;

class LogManagerTest {

    @TempDir
    Path tmp;
    MutableClock clock = new MutableClock(NOW);

    private LogManager open() throws IOException {
        return LogManager.open(tmp, topic -> LogConfig.DEFAULTS.withSegmentBytes(1000), clock);
    }

    @Test
    void aReplicatedLogResumesAtItsCheckpointedHighWatermarkNotItsLogEnd() throws IOException {
        try (LogManager m = open()) {
            Log log = m.getOrCreate("replicated", 0);
            log.setHighWatermarkFollowsLogEnd(false);
            log.appendAsLeader(batch(5, NOW), 0);
            log.updateHighWatermark(3); // the followers have 3 of the 5
            log.appendAsLeader(batch(2, NOW), 0);
            m.getOrCreate("single", 0).appendAsLeader(batch(4, NOW), 0);
        }
        assertThat(Files.readString(tmp.resolve(LogCheckpoints.HIGH_WATERMARK_CHECKPOINT)))
                .contains("replicated 0 3").contains("single 0 4");
        try (LogManager m = open()) {
            Log single = m.log("single", 0);
            assertThat(single.highWatermark()).as("a single node's log: everything is committed").isEqualTo(4);
            Log replicated = m.log("replicated", 0);
            replicated.setHighWatermarkFollowsLogEnd(false);
            assertThat(replicated.highWatermark()).isEqualTo(3);
            assertThat(replicated.logEndOffset()).isEqualTo(7);
        }
    }

    @Test
    void reopensLogsAndWritesKafkaCheckpoints() throws IOException {
        try (LogManager m = open()) {
            m.getOrCreate("my-topic", 0).appendAsLeader(batch(3, NOW), 0);
            m.getOrCreate("my-topic", 1).appendAsLeader(batch(5, NOW), 0);
            m.getOrCreate("other", 0);
            assertThat(m.getOrCreate("my-topic", 0)).isSameAs(m.log("my-topic", 0));
        }
        assertThat(tmp.resolve(".kafka_cleanshutdown")).exists();
        List<String> lines = Files.readAllLines(tmp.resolve("recovery-point-offset-checkpoint"), StandardCharsets.UTF_8);
        assertThat(lines).containsExactly("0", "3", "my-topic 0 3", "my-topic 1 5", "other 0 0");
        assertThat(Files.readAllLines(tmp.resolve("log-start-offset-checkpoint"))).contains("my-topic 1 0");

        Files.createDirectories(tmp.resolve("__samsa_meta"));
        Files.writeString(tmp.resolve("meta.properties"), "x=y");
        try (LogManager m = open()) {
            assertThat(tmp.resolve(".kafka_cleanshutdown")).doesNotExist();
            assertThat(m.logs()).containsOnlyKeys("my-topic-0", "my-topic-1", "other-0");
            assertThat(m.log("my-topic", 1).logEndOffset()).isEqualTo(5);
            assertThat(TestBatches.readAll(m.log("my-topic", 0), 0)).hasSize(1);
        }
    }

    @Test
    void uncleanStopIsRecoveredFromTheCheckpointedRecoveryPoint() throws IOException {
        LogManager crashed = open();
        Log log = crashed.getOrCreate("t", 0);
        for (int i = 0; i < 10; i++) {
            log.appendAsLeader(batch(2, NOW, 40), 0);
        }
        crashed.checkpoint();
        long activeBase = log.segmentBaseOffsets().get(log.segmentCount() - 1);
        Files.write(log.dir().resolve(String.format("%020d.log", activeBase)), new byte[100],
                java.nio.file.StandardOpenOption.APPEND);
        // no close(): no clean-shutdown marker
        try (LogManager m = open()) {
            assertThat(m.log("t", 0).logEndOffset()).isEqualTo(20);
            assertThat(TestBatches.readAll(m.log("t", 0), m.log("t", 0).logStartOffset())).isNotEmpty();
        }
    }

    @Test
    void deleteTopicRemovesItsPartitionsOnly() throws IOException {
        try (LogManager m = open()) {
            m.getOrCreate("a-b", 0).appendAsLeader(batch(1, NOW), 0);
            m.getOrCreate("a-b", 1);
            m.getOrCreate("a", 0);
            m.deleteTopic("a-b");
            assertThat(m.logs()).containsOnlyKeys("a-0");
            assertThat(tmp.resolve("a-b-0")).doesNotExist();
            assertThat(tmp.resolve("a-b-1")).doesNotExist();
            assertThat(Files.readAllLines(tmp.resolve("recovery-point-offset-checkpoint"))).containsExactly("0", "1", "a 0 0");
        }
        // A directory left by a deletion cut short is cleaned on open.
        Path leftover = tmp.resolve("gone-0.0123456789abcdef0123456789abcdef-delete");
        Files.createDirectories(leftover);
        Files.writeString(leftover.resolve("00000000000000000000.log"), "junk");
        try (LogManager m = open()) {
            assertThat(m.logs()).containsOnlyKeys("a-0");
        }
        assertThat(leftover).doesNotExist();
    }

    @Test
    void retentionRunAdvancesTheLogStartOffsetCheckpoint() throws IOException {
        try (LogManager m = LogManager.open(tmp,
                topic -> LogConfig.DEFAULTS.withSegmentBytes(1000).withRetention(-1, 1500), clock)) {
            Log log = m.getOrCreate("r", 0);
            for (int i = 0; i < 30; i++) {
                log.appendAsLeader(batch(2, NOW, 50), 0);
            }
            assertThat(m.runRetention()).isPositive();
            long lso = log.logStartOffset();
            assertThat(lso).isPositive();
            assertThat(Files.readAllLines(tmp.resolve("log-start-offset-checkpoint"))).contains("r 0 " + lso);
        }
        try (LogManager m = open()) {
            assertThat(m.log("r", 0).logStartOffset()).isEqualTo(
                    Long.parseLong(Files.readAllLines(tmp.resolve("log-start-offset-checkpoint")).get(2).split(" ")[2]));
        }
    }

    @Test
    void directoryNamesSplitOnTheLastDash() {
        assertThat(LogDirName.parse("my-topic-12")).isEqualTo(new LogDirName("my-topic", 12));
        assertThat(LogDirName.parse("__samsa_meta")).isNull();
        assertThat(LogDirName.parse("x-0.abc-delete")).isNull();
        assertThat(LogDirName.parse("topic-")).isNull();
        assertThat(LogDirName.parse(".hidden-0")).isEqualTo(new LogDirName(".hidden", 0));
        assertThat(LogDirName.parse(".hidden-0.0123456789abcdef0123456789abcdef-stray")).isNull();
    }

    @Test
    void aDeletedDotTopicIsGoneAndComesBackEmpty() throws IOException {
        try (LogManager m = open()) {
            m.create(".x", 0, "id-1").appendAsLeader(batch(10, NOW), 0);
            m.deleteTopic(".x");
            assertThat(m.logs()).isEmpty();
            assertThat(tmp.resolve(".x-0")).doesNotExist();
            assertThat(m.create(".x", 0, "id-2").logEndOffset()).isZero();
        }
        try (LogManager m = open()) {
            assertThat(m.log(".x", 0).logEndOffset()).isZero();
            assertThat(m.topicId(".x-0")).isEqualTo("id-2");
        }
    }

    @Test
    void directoriesAreTiedToTheirTopicIdAndNeverAdopted() throws IOException {
        try (LogManager m = open()) {
            m.create("t", 0, "id-1").appendAsLeader(batch(3, NOW), 0);
            assertThatThrownBy(() -> m.create("t", 0, "id-2")).isInstanceOf(IllegalStateException.class);
            assertThat(m.log("t", 0).logEndOffset()).isEqualTo(3);
        }
        assertThat(Files.readString(tmp.resolve("t-0").resolve("partition.metadata")))
                .isEqualTo("version: 0\ntopic_id: id-1\n");
        try (LogManager m = open()) {
            assertThat(m.topicId("t-0")).isEqualTo("id-1");
            Path stray = m.quarantineStray("t-0");
            assertThat(stray.getFileName().toString()).startsWith("t-0.").endsWith("-stray");
            assertThat(m.logs()).isEmpty();
        }
        try (LogManager m = open()) {
            assertThat(m.logs()).as("a -stray directory is not loaded").isEmpty();
        }
    }

    /** A fetch that read from a log just before its topic was deleted can still send its bytes. */
    @Test
    void deletionRenamesAtOnceAndClosesFilesOnlyAfterTheDelay() throws IOException {
        try (LogManager m = LogManager.open(tmp, topic -> LogConfig.DEFAULTS, clock,
                new LogManager.Settings(300_000L, 1_000L, 60_000L, 60_000L, 5_000L))) {
            m.create("d", 0, "id").appendAsLeader(batch(5, NOW), 0);
            ReadResult inFlight = m.log("d", 0).read(0, 1 << 20, true);
            m.deleteTopic("d");
            assertThat(tmp.resolve("d-0")).doesNotExist();
            try (var dirs = Files.list(tmp)) {
                assertThat(dirs.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("d-0.")
                        && n.endsWith("-delete"));
            }
            assertThat(TestBatches.bytes(inFlight)).isNotEmpty();
        }
    }
}
