package io.samsa.log;

import static io.samsa.log.CompactedRecords.keyed;
import static io.samsa.log.CompactedRecords.keyedTransactional;
import static io.samsa.log.CompactedRecords.keys;
import static io.samsa.log.TestBatches.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.samsa.log.CompactedRecords.Entry;
import io.samsa.testkit.MutableClock;

/** The log cleaner on a compacted topic written by transactions (Kafka's cleaner rules for them). */
class TransactionCompactionTest {

    static final long A = 1000;
    static final long B = 2000;
    static final short EPOCH = 0;

    @TempDir
    Path tmp;
    MutableClock clock = new MutableClock(NOW);

    @AfterEach
    void noCrashHook() {
        SegmentSwap.crashAfterForTest = null;
    }

    private Log open() throws IOException {
        return Log.open(tmp.resolve("t-0"), LogCleanerTest.compacted().toBuilder().minCleanableDirtyRatio(0.0)
                .build(), clock, 0, true);
    }

    private LogCleaner cleaner(Log log) {
        return new LogCleaner(tmp, () -> Map.of("t-0", log), LogCleaner.Settings.DEFAULTS);
    }

    private static List<Long> controlBatchOffsets(Log log) throws IOException {
        return TestBatches.readAll(log, log.logStartOffset()).stream().filter(MutableRecordBatch::isControlBatch)
                .map(MutableRecordBatch::baseOffset).toList();
    }

    @Test
    void anAbortedTransactionsNewerValuesNeitherShadowTheCommittedOnesNorSurviveCleaning() throws IOException {
        try (Log log = open()) {
            log.appendAsLeader(keyed(keys(0, 5), 1, Compression.NONE), 0);            // 0-4 committed
            log.appendAsLeader(keyedTransactional(A, EPOCH, 0, keys(0, 5), 2), 0);    // 5-9 aborted
            log.appendControlMarkerAsLeader(A, EPOCH, false, 0, 0);                  // 10
            log.appendAsLeader(keyedTransactional(B, EPOCH, 0, keys(0, 3), 3), 0);    // 11-13 committed
            log.appendControlMarkerAsLeader(B, EPOCH, true, 0, 0);                   // 14
            log.roll();
            log.appendAsLeader(keyed(keys(99, 100), 4, Compression.NONE), 0);        // 15, active

            assertThat(cleaner(log).cleanFilthiestLog()).isNotNull();

            List<Entry> after = CompactedRecords.readAll(log);
            assertThat(after).containsExactly(
                    new Entry(3, "key-3", "key-3@1"), new Entry(4, "key-4", "key-4@1"),
                    new Entry(11, "key-0", "key-0@3"), new Entry(12, "key-1", "key-1@3"),
                    new Entry(13, "key-2", "key-2@3"), new Entry(15, "key-99", "key-99@4"));
            assertThat(controlBatchOffsets(log)).containsExactly(10L, 14L); // markers stay
            // The cleaned segment keeps the abort in its index, and read_committed still reads correctly.
            assertThat(log.abortedTransactions(0, 16)).containsExactly(new AbortedTxn(A, 5, 10, 11));
            assertThat(log.lastStableOffset()).isEqualTo(16);
        }
    }

    @Test
    void nothingAtOrPastTheFirstUnstableOffsetIsCleaned() throws IOException {
        try (Log log = open()) {
            log.appendAsLeader(keyed(keys(0, 5), 1, Compression.NONE), 0);            // 0-4
            log.appendAsLeader(keyed(keys(0, 5), 2, Compression.NONE), 0);            // 5-9
            log.appendAsLeader(keyedTransactional(B, EPOCH, 0, keys(10, 12), 1), 0);  // 10-11, open
            log.appendAsLeader(keyed(keys(0, 5), 3, Compression.NONE), 0);            // 12-16
            log.roll();
            log.appendAsLeader(keyed(keys(99, 100), 4, Compression.NONE), 0);        // 17, active
            assertThat(log.lastStableOffset()).isEqualTo(10);

            LogCleaner cleaner = cleaner(log);
            LogCleaner.Stats stats = cleaner.cleanFilthiestLog();

            assertThat(stats).isNotNull();
            assertThat(stats.endOffset()).isEqualTo(10);
            List<Entry> after = CompactedRecords.readAll(log);
            // Round 1 is shadowed by round 2 inside the cleanable range; round 2 is not shadowed by round 3,
            // which lies past the first unstable offset, as does everything from 10 on.
            assertThat(after.stream().map(Entry::offset)).containsExactly(5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L,
                    14L, 15L, 16L, 17L);

            // Once B commits, the rest can be cleaned.
            log.appendControlMarkerAsLeader(B, EPOCH, true, 0, 0);                   // 18
            log.roll();
            log.appendAsLeader(keyed(keys(99, 100), 5, Compression.NONE), 0);        // 19, active
            assertThat(cleaner.cleanFilthiestLog()).isNotNull();
            assertThat(CompactedRecords.readAll(log).stream().map(Entry::offset)).containsExactly(10L, 11L, 12L,
                    13L, 14L, 15L, 16L, 17L, 19L);
        }
    }

    @ParameterizedTest
    @EnumSource(SegmentSwap.Step.class)
    void aCrashDuringTheSwapKeepsTheAbortedTransactionsIndexed(SegmentSwap.Step step) throws IOException {
        Log log = open();
        log.appendAsLeader(keyed(keys(0, 5), 1, Compression.NONE), 0);            // 0-4
        log.appendAsLeader(keyedTransactional(A, EPOCH, 0, keys(0, 5), 2), 0);    // 5-9
        log.appendControlMarkerAsLeader(A, EPOCH, false, 0, 0);                  // 10
        log.appendAsLeader(keyed(keys(0, 2), 3, Compression.NONE), 0);            // 11-12
        log.roll();
        log.appendAsLeader(keyed(keys(99, 100), 4, Compression.NONE), 0);        // 13, active
        log.flush();
        List<AbortedTxn> aborted = log.abortedTransactions(0, 14);
        assertThat(aborted).containsExactly(new AbortedTxn(A, 5, 10, 11));
        SegmentSwap.crashAfterForTest = step;
        assertThatThrownBy(cleaner(log)::cleanFilthiestLog).isInstanceOf(SegmentSwap.SimulatedCrash.class);
        SegmentSwap.crashAfterForTest = null;
        log.closeForDeletion(0); // kill -9

        try (Log reopened = Log.open(tmp.resolve("t-0"), LogCleanerTest.compacted(), clock, 0, false)) {
            assertThat(reopened.abortedTransactions(0, 14)).isEqualTo(aborted);
            // What a read_committed consumer sees: the aborted records (5-9) are either still there or cleaned away.
            List<Entry> visible = CompactedRecords.readAll(reopened).stream()
                    .filter(e -> e.offset() < 5 || e.offset() > 9).toList();
            assertThat(CompactedRecords.latest(visible).values()).extracting(Entry::value)
                    .containsExactly("key-0@3", "key-1@3", "key-2@1", "key-3@1", "key-4@1", "key-99@4");
        }
    }
}
