package io.samsa.log;

import static io.samsa.log.TestBatches.NOW;
import static io.samsa.log.TestBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.log.CompactedRecords.Entry;
import io.samsa.testkit.MutableClock;

/**
 * After a clean shutdown every segment's offset and time indexes are trusted, as in Kafka: nothing is rebuilt on
 * the next start (a rebuild per empty or compacted-away segment made a broker's start-up several times slower).
 * An index that really fails the sanity checks is still rebuilt.
 */
class CleanRestartTrustsIndexesTest {

    @TempDir
    Path tmp;
    MutableClock clock = new MutableClock(NOW);

    /**
     * Loads {@code dir} as a clean start does and returns the segments whose indexes it had to rebuild; then closes
     * the segments as a log does (trimming the active one's preallocated indexes).
     */
    private static NavigableSet<Long> indexRebuildsOnCleanStart(Path dir, LogConfig config) throws IOException {
        TreeMap<Long, LogSegment> segments = new TreeMap<>();
        NavigableSet<Long> rebuilt = LogLoader.load(dir, config, NOW, 0, true, segments).indexRebuilds();
        for (LogSegment s : segments.values()) {
            s.close();
        }
        return rebuilt;
    }

    private static Path segmentFile(Path dir, long base, String suffix) {
        return dir.resolve(LogFiles.name(base, suffix));
    }

    @Test
    void emptyAndSmallLogsOfALogManagerAreTrustedAfterItsCleanClose() throws IOException {
        LogConfig config = LogConfig.DEFAULTS.withSegmentBytes(1000);
        try (LogManager m = LogManager.open(tmp, topic -> config, clock)) {
            m.getOrCreate("empty", 0);
            Log small = m.getOrCreate("small", 0);
            for (int i = 0; i < 3; i++) {
                small.appendAsLeader(batch(1, NOW + i), 0);
            }
            Log rolled = m.getOrCreate("rolled", 0);
            for (int i = 0; i < 40; i++) {
                rolled.appendAsLeader(batch(2, NOW + i, 60), 0);
            }
            assertThat(rolled.segmentCount()).isGreaterThan(3);
        }
        assertThat(tmp.resolve(LogManager.CLEAN_SHUTDOWN_FILE)).exists();
        // An index without entries is an empty file, as Kafka leaves it (not one zeroed entry).
        assertThat(segmentFile(tmp.resolve("empty-0"), 0, LogFiles.INDEX_SUFFIX)).isEmptyFile();
        assertThat(segmentFile(tmp.resolve("empty-0"), 0, LogFiles.TIME_INDEX_SUFFIX)).isEmptyFile();
        for (String name : List.of("empty-0", "small-0", "rolled-0")) {
            assertThat(indexRebuildsOnCleanStart(tmp.resolve(name), config)).as(name).isEmpty();
        }
    }

    @Test
    void segmentsTheCleanerEmptiedAreTrustedOnACleanReopen() throws IOException {
        LogConfig config = LogCleanerTest.compacted().toBuilder().minCleanableDirtyRatio(0.0).build();
        Path dir = tmp.resolve("t-0");
        List<Entry> before;
        try (Log log = Log.open(dir, config, clock, 0, true)) {
            LogCleanerTest.fill(log, Compression.NONE);
            assertThat(new LogCleaner(tmp, () -> Map.of("t-0", log), LogCleaner.Settings.DEFAULTS)
                    .cleanFilthiestLog()).isNotNull();
            before = CompactedRecords.readAll(log);
            // Every record of the first segments was superseded later: the cleaning left them empty.
            assertThat(log.segments.firstEntry().getValue().size()).isZero();
        }

        assertThat(indexRebuildsOnCleanStart(dir, config)).isEmpty();
        try (Log log = Log.open(dir, config, clock, 0, true)) {
            assertThat(CompactedRecords.readAll(log)).isEqualTo(before);
        }
    }

    @Test
    void anEmptySegmentWhoseIndexHoldsAnEntryIsStillRebuiltAndThenTrusted() throws IOException {
        Path dir = tmp.resolve("t-0");
        try (Log log = Log.open(dir, LogConfig.DEFAULTS, clock, 0, true)) {
            assertThat(log.logEndOffset()).isZero();
        }
        // One zeroed entry (position 0) in the index of an empty log file, as earlier versions left on close.
        Files.write(segmentFile(dir, 0, LogFiles.INDEX_SUFFIX), new byte[OffsetIndex.ENTRY_SIZE]);

        assertThat(indexRebuildsOnCleanStart(dir, LogConfig.DEFAULTS)).containsExactly(0L);
        try (Log log = Log.open(dir, LogConfig.DEFAULTS, clock, 0, true)) {
            log.appendAsLeader(batch(1, NOW), 0);
        }
        assertThat(indexRebuildsOnCleanStart(dir, LogConfig.DEFAULTS)).isEmpty();
    }
}
