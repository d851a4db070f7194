package io.samsa.log;

import static io.samsa.log.TestBatches.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.testkit.MutableClock;

/** The log manager's cleaner threads: they compact its compacted logs, checkpoint, stop on close and resume. */
class LogManagerCleanerTest {

    @TempDir
    Path tmp;
    MutableClock clock = new MutableClock(NOW);

    LogManager open(boolean cleanerEnabled) throws IOException {
        LogManager.Settings settings = LogManager.Settings.DEFAULTS.withCleaner(
                new LogCleaner.Settings(cleanerEnabled, 1, 1 << 20, Double.MAX_VALUE, 10));
        // Ratio 0: the thread may clean while the log is being filled, and must still finish it afterwards.
        LogConfig compacted = LogCleanerTest.compacted().toBuilder().minCleanableDirtyRatio(0.0).build();
        return LogManager.open(tmp, topic -> topic.equals("compacted") ? compacted
                : LogConfig.DEFAULTS, clock, settings);
    }

    @Test
    void cleanerThreadsCompactCheckpointStopOnCloseAndResumeAfterARestart() throws Exception {
        long cleanedUpTo;
        try (LogManager m = open(true)) {
            Log compacted = m.create("compacted", 0, null);
            Log plain = m.create("plain", 0, null);
            LogCleanerTest.fill(compacted, Compression.NONE);
            LogCleanerTest.fill(plain, Compression.NONE);
            long plainSize = plain.sizeInBytes();
            long activeBase = compacted.activeSegmentForTest().baseOffset();
            await(() -> m.cleaner().firstDirtyOffset("compacted-0") == activeBase);
            assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                    .contains("samsa-log-cleaner-0");
            assertThat(plain.sizeInBytes()).isEqualTo(plainSize); // cleanup.policy=delete: not cleaned
            assertThat(m.cleaner().firstDirtyOffset("plain-0")).isEqualTo(-1);
            assertThat(m.cleaner().lastStats().bytesWritten()).isLessThan(m.cleaner().lastStats().bytesRead());
            cleanedUpTo = activeBase;
        }
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .doesNotContain("samsa-log-cleaner-0");
        assertThat(Files.readAllLines(tmp.resolve(LogCleaner.CHECKPOINT_FILE)))
                .contains("compacted 0 " + cleanedUpTo);

        try (LogManager m = open(false)) { // disabled: no thread, but the checkpoint is read back
            assertThat(m.cleaner().firstDirtyOffset("compacted-0")).isEqualTo(cleanedUpTo);
            assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                    .doesNotContain("samsa-log-cleaner-0");
            List<CompactedRecords.Entry> entries = CompactedRecords.readAll(m.log("compacted", 0));
            assertThat(entries.stream().filter(e -> e.offset() < cleanedUpTo).map(CompactedRecords.Entry::key))
                    .doesNotHaveDuplicates();
        }
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the cleaner thread did not clean within a minute");
            }
            Thread.sleep(10);
        }
    }
}
