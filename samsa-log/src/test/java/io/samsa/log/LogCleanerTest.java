package io.samsa.log;

import static io.samsa.log.CompactedRecords.keyed;
import static io.samsa.log.CompactedRecords.keys;
import static io.samsa.log.TestBatches.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.log.CompactedRecords.Entry;
import io.samsa.testkit.MutableClock;

class LogCleanerTest {

    static final long DELETE_RETENTION_MS = 60_000;

    @TempDir
    Path tmp;
    MutableClock clock = new MutableClock(NOW);

    static LogConfig compacted() {
        return LogConfig.builder().segmentBytes(4096).cleanupPolicy(true, false).deleteRetentionMs(DELETE_RETENTION_MS)
                .build();
    }

    LogCleaner cleaner(Log log, long dedupeBytes) {
        return new LogCleaner(tmp, () -> Map.of("t-0", log),
                new LogCleaner.Settings(true, 1, dedupeBytes, Double.MAX_VALUE, 15_000));
    }

    /** 40 keys written 10 times each, then tombstones for keys 0-9; the active segment gets the last round. */
    static void fill(Log log, Compression compression) {
        for (int round = 0; round < 10; round++) {
            for (int k = 0; k < 40; k += 5) {
                log.appendAsLeader(keyed(keys(k, k + 5), round, compression), 0);
            }
        }
        log.appendAsLeader(keyed(keys(0, 10), -1, compression), 0);
        log.roll();
        log.appendAsLeader(keyed(keys(30, 40), 99, compression), 0);
    }

    @Test
    void keepsTheNewestRecordOfEachKeyAtItsOriginalOffsetAndLeavesTheActiveSegmentAlone() throws IOException {
        for (Compression compression : List.of(Compression.NONE, Compression.gzip().build())) {
            Path dir = tmp.resolve(compression.type().name + "-0");
            try (Log log = Log.open(dir, compacted(), clock, 0, true)) {
                fill(log, compression);
                List<Entry> before = CompactedRecords.readAll(log);
                LogSegment active = log.activeSegmentForTest();
                long activeSize = active.size();
                long sizeBefore = log.sizeInBytes();
                LogCleaner.Stats stats = new LogCleaner(tmp, () -> Map.of(dir.getFileName().toString(), log),
                        LogCleaner.Settings.DEFAULTS).cleanFilthiestLog();

                assertThat(stats).isNotNull();
                assertThat(stats.endOffset()).isEqualTo(active.baseOffset());
                List<Entry> after = CompactedRecords.readAll(log);
                // Same newest record (offset, value) per key; at most one record per key below the active segment.
                assertThat(CompactedRecords.latest(after)).isEqualTo(CompactedRecords.latest(before));
                assertThat(after.stream().filter(e -> e.offset() < active.baseOffset()).map(Entry::key))
                        .doesNotHaveDuplicates().hasSize(40);
                assertThat(before).containsAll(after); // every kept record has its original offset
                assertThat(after.stream().filter(e -> e.value() == null)).hasSize(10); // tombstones kept for now
                assertThat(log.activeSegmentForTest()).isSameAs(active);
                assertThat(active.size()).isEqualTo(activeSize);
                assertThat(log.sizeInBytes()).isLessThan(sizeBefore / 3);
                assertThat(log.logEndOffset()).isEqualTo(before.get(before.size() - 1).offset() + 1);
            }
        }
    }

    @Test
    void tombstonesGoOnlyAfterDeleteRetentionMsFromTheCleaningThatKeptThem() throws IOException {
        try (Log log = Log.open(tmp.resolve("t-0"), compacted(), clock, 0, true)) {
            fill(log, Compression.NONE);
            LogCleaner cleaner = cleaner(log, 1 << 20);
            assertThat(cleaner.cleanFilthiestLog()).isNotNull();
            assertThat(cleaner.cleanFilthiestLog()).isNull(); // nothing dirty, horizon not reached
            clock.advance(DELETE_RETENTION_MS - 1);
            assertThat(cleaner.cleanFilthiestLog()).isNull();
            assertThat(CompactedRecords.readAll(log).stream().filter(e -> e.value() == null)).hasSize(10);

            clock.advance(1);
            assertThat(cleaner.cleanFilthiestLog()).isNotNull(); // the horizon passed: the tombstones go
            List<Entry> after = CompactedRecords.readAll(log);
            assertThat(after.stream().filter(e -> e.value() == null)).isEmpty();
            assertThat(CompactedRecords.latest(after)).hasSize(30).allSatisfy((k, e) ->
                    assertThat(e.value()).isEqualTo(k + (e.offset() >= log.segmentBaseOffsets().get(
                            log.segmentCount() - 1) ? "@99" : "@9")));
        }
    }

    @Test
    void aSmallDedupeBufferCleansInSeveralPassesAndTheCheckpointResumes() throws IOException {
        LogConfig config = compacted().toBuilder().minCleanableDirtyRatio(0.0).build();
        try (Log log = Log.open(tmp.resolve("t-0"), config, clock, 0, true)) {
            fill(log, Compression.NONE);
            List<Entry> before = CompactedRecords.readAll(log);
            long activeBase = log.activeSegmentForTest().baseOffset();
            LogCleaner cleaner = cleaner(log, 12L * OffsetMap.BYTES_PER_ENTRY); // 10 keys per pass
            int passes = 0;
            while (cleaner.cleanFilthiestLog() != null && passes < 100) {
                passes++;
                long resumedAt = new LogCleaner(tmp, () -> Map.of("t-0", log), LogCleaner.Settings.DEFAULTS)
                        .firstDirtyOffset("t-0");
                assertThat(resumedAt).isEqualTo(cleaner.firstDirtyOffset("t-0")); // read back from the file
            }
            assertThat(passes).isBetween(4, 99);
            assertThat(cleaner.firstDirtyOffset("t-0")).isEqualTo(activeBase);
            List<Entry> after = CompactedRecords.readAll(log);
            assertThat(CompactedRecords.latest(after)).isEqualTo(CompactedRecords.latest(before));
            assertThat(after.stream().filter(e -> e.offset() < activeBase).map(Entry::key)).doesNotHaveDuplicates();
        }
    }

    @Test
    void aDirtyRatioBelowTheMinimumWaitsUnlessMaxCompactionLagHasPassed() throws IOException {
        LogConfig config = compacted().toBuilder().minCleanableDirtyRatio(0.99).maxCompactionLagMs(3_600_000)
                .build();
        try (Log log = Log.open(tmp.resolve("t-0"), config, clock, 0, true)) {
            fill(log, Compression.NONE);
            LogCleaner cleaner = cleaner(log, 1 << 20);
            assertThat(cleaner.cleanFilthiestLog()).isNotNull(); // all dirty: ratio 1
            log.appendAsLeader(keyed(keys(0, 5), 7, Compression.NONE), 0);
            log.roll();
            assertThat(cleaner.cleanFilthiestLog()).isNull(); // a little dirt over a larger clean part
            clock.advance(3_600_000); // the first dirty batch is now max.compaction.lag.ms old
            assertThat(cleaner.cleanFilthiestLog()).isNotNull();
        }
    }

    @Test
    void minCompactionLagKeepsRecentSegmentsDirty() throws IOException {
        LogConfig config = compacted().toBuilder().minCompactionLagMs(10_000).build();
        try (Log log = Log.open(tmp.resolve("t-0"), config, clock, 0, true)) {
            fill(log, Compression.NONE); // record timestamps are around NOW
            LogCleaner cleaner = cleaner(log, 1 << 20);
            assertThat(cleaner.cleanFilthiestLog()).isNull();
            clock.advance(10_100);
            assertThat(cleaner.cleanFilthiestLog()).isNotNull();
        }
    }

    @Test
    void keepsTheLastBatchOfAProducerAsAnEmptyHeaderAndDropsKeylessRecords() throws IOException {
        LogConfig wasDelete = compacted().toBuilder().cleanupPolicy(false, true).build();
        try (Log log = Log.open(tmp.resolve("t-0"), wasDelete, clock, 0, true)) {
            log.appendAsLeader(MemoryRecords.withIdempotentRecords(Compression.NONE, 42L, (short) 0, 0,
                    new SimpleRecord(NOW, "a".getBytes(), "1".getBytes())).buffer(), 0);
            log.appendAsLeader(MemoryRecords.withRecords(Compression.NONE,
                    new SimpleRecord(NOW, null, "keyless".getBytes())).buffer(), 0);
            log.updateConfig(compacted()); // the topic became compacted: its keyless record is dropped
            log.appendAsLeader(keyed(List.of("a"), 2, Compression.NONE), 0);
            log.roll();
            log.appendAsLeader(keyed(List.of("b"), 3, Compression.NONE), 0);
            assertThat(cleaner(log, 1 << 20).cleanFilthiestLog()).isNotNull();

            List<MutableRecordBatch> batches = TestBatches.readAll(log, 0);
            assertThat(batches.get(0).producerId()).isEqualTo(42L);
            assertThat(batches.get(0).baseOffset()).isZero();
            assertThat(batches.get(0).countOrNull()).isZero(); // emptied, header kept
            assertThat(CompactedRecords.readAll(log)).extracting(Entry::key).containsExactly("a", "b");
        }
        try (Log reopened = Log.open(tmp.resolve("t-0"), compacted(), clock, 0, false)) {
            AppendResult dup = reopened.appendAsLeader(MemoryRecords.withIdempotentRecords(Compression.NONE, 42L,
                    (short) 0, 0, new SimpleRecord(NOW, "a".getBytes(), "1".getBytes())).buffer(), 0);
            assertThat(dup.duplicate()).isTrue(); // the producer's sequence state survived the cleaning
        }
    }

    @Test
    void recordsWrittenAfterATruncationBelowTheCheckpointAreCleanedToo() throws IOException {
        LogConfig config = compacted().toBuilder().minCleanableDirtyRatio(0.0).build();
        try (Log log = Log.open(tmp.resolve("t-0"), config, clock, 0, true)) {
            fill(log, Compression.NONE);
            LogCleaner cleaner = cleaner(log, 1 << 20);
            assertThat(cleaner.cleanFilthiestLog()).isNotNull();
            long checkpoint = cleaner.firstDirtyOffset("t-0");
            // A follower's truncation: the log end drops well below the checkpoint, then new records come.
            List<Entry> kept = CompactedRecords.readAll(log);
            log.truncateTo(kept.get(5).offset());
            for (int round = 100; round < 104; round++) {
                log.appendAsLeader(keyed(keys(0, 5), round, Compression.NONE), 0);
            }
            assertThat(log.logEndOffset()).isLessThanOrEqualTo(checkpoint);
            // Then new keys only, past the old checkpoint: the duplicates above lie below it.
            for (int i = 0; log.logEndOffset() <= checkpoint + 5; i++) {
                log.appendAsLeader(keyed(List.of("filler-" + i), 0, Compression.NONE), 0);
            }
            log.roll();
            log.appendAsLeader(keyed(keys(0, 1), 200, Compression.NONE), 0);
            assertThat(cleaner.cleanFilthiestLog()).isNotNull();
            long activeBase = log.activeSegmentForTest().baseOffset();
            List<Entry> after = CompactedRecords.readAll(log);
            assertThat(after.stream().filter(e -> e.offset() < activeBase).map(Entry::key)).doesNotHaveDuplicates();
            assertThat(CompactedRecords.latest(after).get("key-3").value()).isEqualTo("key-3@103");
        }
    }

    @Test
    void aCompactedLogRefusesRecordsWithoutKeyAsKafkaDoes() throws IOException {
        try (Log log = Log.open(tmp.resolve("t-0"), compacted(), clock, 0, true)) {
            assertThatThrownBy(() -> log.appendAsLeader(MemoryRecords.withRecords(Compression.NONE,
                    new SimpleRecord(NOW, "k".getBytes(), "v".getBytes()),
                    new SimpleRecord(NOW, null, "keyless".getBytes())).buffer(), 0))
                    .isInstanceOf(InvalidRecordException.class).hasMessageContaining("without key");
            assertThat(log.logEndOffset()).isZero();
        }
    }

    @Test
    void retentionDeletesNothingOfACompactOnlyLogAndDeletesForCompactDelete() throws IOException {
        LogConfig compactOnly = compacted().withRetention(1_000, -1);
        try (Log log = Log.open(tmp.resolve("t-0"), compactOnly, clock, 0, true)) {
            fill(log, Compression.NONE);
            clock.advance(10_000);
            assertThat(log.deleteRetainedSegments()).isZero();
            log.updateConfig(compactOnly.toBuilder().cleanupPolicy(true, true).build());
            assertThat(log.deleteRetainedSegments()).isPositive();
            assertThat(log.segmentCount()).isEqualTo(1);
        }
    }

    @Test
    void aDeleteOnlyLogIsNeverCleaned() throws IOException {
        try (Log log = Log.open(tmp.resolve("t-0"), compacted().toBuilder().cleanupPolicy(false, true).build(),
                clock, 0, true)) {
            fill(log, Compression.NONE);
            assertThat(cleaner(log, 1 << 20).cleanFilthiestLog()).isNull();
            assertThat(Files.exists(tmp.resolve(LogCleaner.CHECKPOINT_FILE))).isFalse();
        }
    }
}
