package io.samsa.log;

import static io.samsa.log.CompactedRecords.keyed;
import static io.samsa.log.CompactedRecords.keys;
import static io.samsa.log.TestBatches.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.samsa.log.CompactedRecords.Entry;
import io.samsa.testkit.MutableClock;

/** A kill -9 at every step of a cleaned segment's swap, then a restart; and reads racing cleanings. */
class LogCleanerCrashTest {

    /** Where the crash leaves the files: a step of {@link SegmentSwap#replace}, or between two renames of one. */
    enum CrashPoint {
        CLEANED_WRITTEN(SegmentSwap.Step.CLEANED_WRITTEN, null, null),
        INDEXES_RENAMED_TO_SWAP(SegmentSwap.Step.CLEANED_WRITTEN, SegmentSwap.CLEANED_SUFFIX, SegmentSwap.SWAP_SUFFIX),
        SWAP_RENAMED(SegmentSwap.Step.SWAP_RENAMED, null, null),
        OLD_DELETED(SegmentSwap.Step.OLD_DELETED, null, null),
        INDEXES_RENAMED_INTO_PLACE(SegmentSwap.Step.OLD_DELETED, SegmentSwap.SWAP_SUFFIX, "");

        final SegmentSwap.Step step;
        final String indexFrom;
        final String indexTo;

        CrashPoint(SegmentSwap.Step step, String indexFrom, String indexTo) {
            this.step = step;
            this.indexFrom = indexFrom;
            this.indexTo = indexTo;
        }
    }

    @TempDir
    Path tmp;
    MutableClock clock = new MutableClock(NOW);
    LogBackground background = LogBackground.create("test");

    @AfterEach
    void tearDown() {
        SegmentSwap.crashAfterForTest = null;
        background.close();
    }

    static LogConfig config() {
        return LogConfig.builder().segmentBytes(4096).indexIntervalBytes(256).cleanupPolicy(true, false).build();
    }

    @ParameterizedTest
    @EnumSource(CrashPoint.class)
    void aCrashAtAnyStepOfTheSwapLosesNothing(CrashPoint point) throws IOException {
        Path dir = tmp.resolve("t-0");
        Log log = Log.open(dir, config(), clock, 0, true, background);
        LogCleanerTest.fill(log, Compression.NONE);
        log.flush();
        List<Entry> before = CompactedRecords.readAll(log);
        long end = log.logEndOffset();
        LogCleaner cleaner = new LogCleaner(tmp, () -> Map.of("t-0", log), LogCleaner.Settings.DEFAULTS);
        SegmentSwap.crashAfterForTest = point.step;
        assertThatThrownBy(cleaner::cleanFilthiestLog).isInstanceOf(SegmentSwap.SimulatedCrash.class);
        SegmentSwap.crashAfterForTest = null;
        String expectedLeftover = point.step == SegmentSwap.Step.CLEANED_WRITTEN ? ".log.cleaned" : ".log.swap";
        assertThat(names(dir)).anyMatch(n -> n.endsWith(expectedLeftover));
        if (point.indexFrom != null) {
            renameIndexes(dir, point.indexFrom, point.indexTo);
        }
        log.closeForDeletion(0); // kill -9: nothing more is written, the files stay as they are

        try (Log reopened = Log.open(dir, config(), clock, 0, false, background)) {
            assertThat(names(dir)).noneMatch(n -> n.endsWith(".cleaned") || n.endsWith(".swap"));
            List<Entry> after = CompactedRecords.readAll(reopened);
            assertThat(CompactedRecords.latest(after)).isEqualTo(CompactedRecords.latest(before));
            assertThat(before).containsAll(after);
            assertThat(reopened.logEndOffset()).isEqualTo(end);
            if (point.step != SegmentSwap.Step.CLEANED_WRITTEN) {
                assertThat(after.size()).isLessThan(before.size()); // the committed swap was completed
            }
            // And the next cleaning (after the restart) finishes the job.
            LogCleaner again = new LogCleaner(tmp, () -> Map.of("t-0", reopened), LogCleaner.Settings.DEFAULTS);
            while (again.cleanFilthiestLog() != null) {
                // clean until nothing is dirty enough
            }
            List<Entry> cleaned = CompactedRecords.readAll(reopened);
            assertThat(CompactedRecords.latest(cleaned)).isEqualTo(CompactedRecords.latest(before));
            long activeBase = reopened.segmentBaseOffsets().get(reopened.segmentCount() - 1);
            assertThat(cleaned.stream().filter(e -> e.offset() < activeBase).map(Entry::key)).doesNotHaveDuplicates();
        }
    }

    @Test
    void aReadTakenBeforeTheSwapStillSendsTheOldBytesAfterIt() throws IOException {
        try (Log log = Log.open(tmp.resolve("t-0"), config(), clock, 0, true, background)) {
            LogCleanerTest.fill(log, Compression.NONE);
            ReadResult inFlight = log.read(0, 1 << 20, true);
            byte[] before = TestBatches.bytes(inFlight);
            LogCleaner cleaner = new LogCleaner(tmp, () -> Map.of("t-0", log), LogCleaner.Settings.DEFAULTS);
            assertThat(cleaner.cleanFilthiestLog()).isNotNull();
            assertThat(TestBatches.bytes(inFlight)).isEqualTo(before); // the old file: unlinked, still open
            assertThat(TestBatches.bytes(log.read(0, 1 << 20, true))).isNotEqualTo(before);
        }
    }

    @Test
    void readersInFlightKeepReadingWholeValidBatchesWhileSegmentsAreSwapped() throws Exception {
        LogConfig config = config().toBuilder().minCleanableDirtyRatio(0.01).build();
        try (Log log = Log.open(tmp.resolve("t-0"), config, clock, 0, true, background)) {
            LogCleaner cleaner = new LogCleaner(tmp, () -> Map.of("t-0", log), LogCleaner.Settings.DEFAULTS);
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicInteger fullReads = new AtomicInteger();
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                Thread t = new Thread(() -> {
                    try {
                        while (!done.get()) {
                            readToTheEnd(log);
                            fullReads.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "reader-" + r);
                t.start();
                readers.add(t);
            }
            int cleanings = 0;
            for (int round = 0; round < 36 && failure.get() == null; round++) {
                log.appendAsLeader(keyed(keys(0, 20), round, Compression.NONE), 0);
                log.appendAsLeader(keyed(keys(20, 40), round, Compression.gzip().build()), 0);
                if (round % 3 == 2) {
                    log.roll();
                    if (cleaner.cleanFilthiestLog() != null) {
                        cleanings++;
                    }
                }
            }
            done.set(true);
            for (Thread t : readers) {
                t.join();
            }
            assertThat(failure.get()).isNull();
            assertThat(cleanings).isGreaterThanOrEqualTo(6);
            assertThat(fullReads.get()).isPositive();
            assertThat(CompactedRecords.latest(CompactedRecords.readAll(log)).values())
                    .allSatisfy(e -> assertThat(e.value()).endsWith("@35"));
        }
    }

    /** Reads from the log start to the end: every batch valid (CRC), offsets strictly increasing. */
    private static void readToTheEnd(Log log) throws IOException {
        long next = log.logStartOffset();
        long end = log.logEndOffset();
        long last = -1;
        while (next < end) {
            List<MutableRecordBatch> got = TestBatches.batches(log.read(next, 2048, true));
            if (got.isEmpty()) {
                throw new AssertionError("no batch at " + next + " below the end " + end);
            }
            for (MutableRecordBatch b : got) {
                if (b.baseOffset() <= last) {
                    throw new AssertionError("offsets went back: " + b.baseOffset() + " after " + last);
                }
                last = b.lastOffset();
            }
            next = last + 1;
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    private static void renameIndexes(Path dir, String from, String to) throws IOException {
        for (String name : names(dir)) {
            if ((name.contains(".index") || name.contains(".timeindex")) && name.endsWith(from)) {
                Files.move(dir.resolve(name), dir.resolve(name.substring(0, name.length() - from.length()) + to),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
