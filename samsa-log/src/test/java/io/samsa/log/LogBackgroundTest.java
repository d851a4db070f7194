package io.samsa.log;

import static io.samsa.log.TestBatches.NOW;
import static io.samsa.log.TestBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.testkit.MutableClock;

/** The background threads belong to their owner: created with it, gone when it closes, leaving no file open. */
class LogBackgroundTest {

    @TempDir
    Path tmp;
    MutableClock clock = new MutableClock(NOW);

    private static List<Thread> threadsNamedAfter(String owner) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("samsa-log-") && t.getName().endsWith("-" + owner))
                .filter(Thread::isAlive).toList();
    }

    private static void awaitNoThreads(String owner) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!threadsNamedAfter(owner).isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            Thread.yield();
        }
        assertThat(threadsNamedAfter(owner)).isEmpty();
    }

    @Test
    void aLogManagersThreadsEndWithItAndPendingClosesRunAtClose() throws Exception {
        Path dataDir = tmp.resolve("data-bg");
        LogConfig config = LogConfig.DEFAULTS.withSegmentBytes(300).withRetention(-1, 0);
        FileChannel deletedSegment;
        try (LogManager m = LogManager.open(dataDir, topic -> config, clock,
                new LogManager.Settings(3_600_000L, 3_600_000L, 3_600_000L, 60_000L, 3_600_000L))) {
            Log log = m.getOrCreate("t", 0);
            for (int i = 0; i < 4; i++) {
                log.appendAsLeader(batch(2, NOW, 100), 0); // each batch rolls: the segment flusher runs
            }
            deletedSegment = log.read(0, 1, true).channel();
            assertThat(m.runRetention()).isPositive();
            assertThat(deletedSegment.isOpen()).as("kept open for file.delete.delay.ms").isTrue();
            assertThat(threadsNamedAfter("data-bg")).isNotEmpty();
        }
        assertThat(deletedSegment.isOpen()).as("closed with its owner, not a minute later").isFalse();
        awaitNoThreads("data-bg");
    }

    @Test
    void aStandaloneLogOwnsItsThreads() throws Exception {
        FileChannel deletedSegment;
        try (Log log = Log.open(tmp.resolve("solo-0"), LogConfig.DEFAULTS.withSegmentBytes(300).withRetention(-1, 0),
                clock, 0, true)) {
            for (int i = 0; i < 4; i++) {
                log.appendAsLeader(batch(2, NOW, 100), 0);
            }
            deletedSegment = log.read(0, 1, true).channel();
            assertThat(log.deleteRetainedSegments()).isPositive();
            assertThat(deletedSegment.isOpen()).isTrue();
        }
        assertThat(deletedSegment.isOpen()).isFalse();
        awaitNoThreads("solo-0");
    }
}
