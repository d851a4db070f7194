package io.samsa.log;

import static io.samsa.log.TestBatches.NOW;
import static io.samsa.log.TestBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.testkit.MutableClock;

/** Recovery point after rolls, the offline state after a failed fsync, and exception-safe appends. */
class LogDurabilityTest {

    @TempDir
    Path tmp;
    MutableClock clock = new MutableClock(NOW);

    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // liveness bound only
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void everyRollFlushesTheRolledSegmentsAsynchronouslyAndAdvancesTheRecoveryPoint() throws Exception {
        try (Log log = Log.open(tmp.resolve("t-0"), LogConfig.DEFAULTS.withSegmentBytes(2000), clock, 0, true)) {
            for (int i = 0; i < 100; i++) {
                log.appendAsLeader(batch(2, NOW, 50), 0);
            }
            long activeBase = log.segmentBaseOffsets().get(log.segmentCount() - 1);
            assertThat(activeBase).isPositive();
            await("recovery point reaches the active segment's base " + activeBase,
                    () -> log.recoveryPoint() == activeBase);
        }
    }

    @Test
    void aFailedFsyncTakesTheLogOfflineAndTheRecoveryPointStays() throws Exception {
        Log log = Log.open(tmp.resolve("t-0"), LogConfig.DEFAULTS, clock, 0, true);
        log.appendAsLeader(batch(3, NOW), 0);
        log.flush();
        assertThat(log.recoveryPoint()).isEqualTo(3);
        log.appendAsLeader(batch(3, NOW), 0);
        LogSegment active = log.activeSegmentForTest();
        active.channel().close(); // the next force() fails as an fsync error would

        assertThatThrownBy(log::flush).isInstanceOf(KafkaStorageException.class);
        assertThat(log.isOffline()).isTrue();
        assertThat(log.recoveryPoint()).isEqualTo(3);
        assertThatThrownBy(() -> log.appendAsLeader(batch(1, NOW), 0)).isInstanceOf(KafkaStorageException.class);
        assertThatThrownBy(() -> log.read(0, 1000, true)).isInstanceOf(KafkaStorageException.class);
        assertThatThrownBy(() -> log.offsetForTimestamp(NOW)).isInstanceOf(KafkaStorageException.class);
        log.flush(); // no longer moves anything
        assertThat(log.recoveryPoint()).isEqualTo(3);
        assertThatThrownBy(log::close).isInstanceOf(IOException.class); // so no clean-shutdown marker
    }

    @Test
    void anAppendThatFailsAfterTheWriteLeavesNoBytesBehind() throws Exception {
        Path dir = tmp.resolve("t-0");
        try (Log log = Log.open(dir, LogConfig.DEFAULTS.withIndexIntervalBytes(0), clock, 0, true)) {
            log.appendAsLeader(batch(2, NOW), 0);
            LogSegment active = log.activeSegmentForTest();
            int sizeBefore = active.size();
            int entriesBefore = 1;
            // A well-formed batch followed by a header that claims more bytes than exist: the write succeeds,
            // indexing the second header fails with a non-I/O exception.
            ByteBuffer good = batch(2, NOW);
            good.putLong(0, 2);
            ByteBuffer bad = ByteBuffer.allocate(good.remaining() + 12);
            bad.put(good.duplicate()).putLong(2).putInt(Integer.MAX_VALUE).flip();
            assertThatThrownBy(() -> active.append(bad)).isInstanceOf(RuntimeException.class);
            assertThat(active.channel().size()).isEqualTo(sizeBefore);
            assertThat(active.size()).isEqualTo(sizeBefore);
            assertThat(active.nextOffset()).isEqualTo(2);
            assertThat(active.hasStaleTail()).isFalse();
            assertThat(entriesBefore).isPositive();
            assertThat(log.appendAsLeader(batch(1, NOW), 0).firstOffset()).isEqualTo(2);
        }
        try (Log log = Log.open(dir, LogConfig.DEFAULTS, clock, 3, true)) {
            assertThat(log.logEndOffset()).isEqualTo(3);
            assertThat(TestBatches.readAll(log, 0)).hasSize(2);
        }
    }

    @Test
    void readsOfASegmentDeletedUnderThemStillWork() throws Exception {
        try (Log log = Log.open(tmp.resolve("t-0"), LogConfig.DEFAULTS.withSegmentBytes(2000)
                .withIndexIntervalBytes(100).withRetention(-1, 0), clock, 0, true)) {
            for (int i = 0; i < 60; i++) {
                log.appendAsLeader(batch(2, NOW + i, 50), 0);
            }
            ReadResult before = log.read(10, 1000, true);
            assertThat(log.deleteRetainedSegments()).isPositive();
            // The channel is still open for the delete delay and the index is unmapped: bytes are still readable.
            assertThat(TestBatches.batches(before)).isNotEmpty();
            assertThat(Files.exists(tmp.resolve("t-0").resolve(LogFiles.name(0, LogFiles.INDEX_SUFFIX)))).isFalse();
        }
    }
}
