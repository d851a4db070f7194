package io.samsa.log;

import static io.samsa.log.TestBatches.NOW;
import static io.samsa.log.TestBatches.batch;
import static io.samsa.log.TestBatches.batches;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.testkit.MutableClock;

/** The high watermark: single-node default, explicit updates, bounded reads, and retention stopping at it. */
class HighWatermarkTest {

    @TempDir
    Path tmp;
    MutableClock clock = new MutableClock(NOW);

    @Test
    void onASingleNodeEveryLeaderAppendMovesTheHighWatermarkToTheLogEnd() throws IOException {
        try (Log log = Log.open(tmp.resolve("t-0"), LogConfig.DEFAULTS, clock, 0, true)) {
            assertThat(log.highWatermark()).isZero();
            log.appendAsLeader(batch(3, NOW), 0);
            assertThat(log.highWatermark()).isEqualTo(3).isEqualTo(log.logEndOffset());
            ReadResult r = log.read(0, 1 << 20, true, FetchIsolation.HIGH_WATERMARK);
            assertThat(r.highWatermark()).isEqualTo(3);
            assertThat(r.logEndOffset()).isEqualTo(3);
            assertThat(batches(r)).hasSize(1);
        }
        try (Log log = Log.open(tmp.resolve("t-0"), LogConfig.DEFAULTS, clock, 3, true)) {
            assertThat(log.highWatermark()).as("initialised to the recovered log end").isEqualTo(3);
        }
    }

    @Test
    void updatesAreMonotonicAndClampedToTheLog() throws IOException {
        try (Log log = Log.open(tmp.resolve("t-0"), LogConfig.DEFAULTS, clock, 0, true)) {
            log.setHighWatermarkFollowsLogEnd(false);
            log.appendAsLeader(batch(5, NOW), 0);
            assertThat(log.highWatermark()).isZero();
            assertThat(log.updateHighWatermark(3)).isEqualTo(3);
            assertThat(log.updateHighWatermark(2)).as("never moves back").isEqualTo(3);
            assertThat(log.updateHighWatermark(99)).as("clamped to the log end").isEqualTo(5);
            assertThat(log.highWatermark()).isEqualTo(5);
        }
    }

    @Test
    void consumerReadsStopAtTheHighWatermarkFollowerReadsAtTheLogEnd() throws IOException {
        try (Log log = Log.open(tmp.resolve("t-0"), LogConfig.DEFAULTS, clock, 0, true)) {
            log.setHighWatermarkFollowsLogEnd(false);
            log.appendAsLeader(batch(2, NOW), 0); // 0-1
            log.appendAsLeader(batch(3, NOW), 0); // 2-4
            log.appendAsLeader(batch(1, NOW), 0); // 5
            log.updateHighWatermark(5);

            ReadResult consumer = log.read(0, 1 << 20, true, FetchIsolation.HIGH_WATERMARK);
            assertThat(batches(consumer)).extracting(MutableRecordBatch::lastOffset).containsExactly(1L, 4L);
            assertThat(consumer.highWatermark()).isEqualTo(5);
            assertThat(consumer.logEndOffset()).isEqualTo(6);
            ReadResult atHighWatermark = log.read(5, 1 << 20, true, FetchIsolation.HIGH_WATERMARK);
            assertThat(atHighWatermark.sizeInBytes()).as("at the HW, below the log end: empty, not out of range")
                    .isZero();

            ReadResult follower = log.read(0, 1 << 20, true, FetchIsolation.LOG_END);
            assertThat(batches(follower)).extracting(MutableRecordBatch::lastOffset).containsExactly(1L, 4L, 5L);
            assertThat(batches(log.read(0, 1 << 20, true))).as("the three-argument read is a LOG_END read")
                    .hasSize(3);
        }
    }

    @Test
    void retentionAndLogStartMovesNeverPassTheHighWatermark() throws IOException {
        LogConfig config = LogConfig.DEFAULTS.withSegmentBytes(300).withRetention(-1, 0);
        try (Log log = Log.open(tmp.resolve("t-0"), config, clock, 0, true)) {
            log.setFileDeleteDelayMs(0);
            log.setHighWatermarkFollowsLogEnd(false);
            for (int i = 0; i < 6; i++) {
                log.appendAsLeader(batch(2, NOW, 100), 0);
            }
            assertThat(log.segmentCount()).isGreaterThan(3);
            assertThat(log.deleteRetainedSegments()).as("nothing is committed yet").isZero();
            log.maybeIncrementLogStartOffset(4);
            assertThat(log.logStartOffset()).as("a log start past the HW is refused").isZero();

            long thirdSegment = log.segmentBaseOffsets().get(2);
            log.updateHighWatermark(thirdSegment);
            assertThat(log.deleteRetainedSegments()).isEqualTo(2);
            assertThat(log.logStartOffset()).isEqualTo(thirdSegment);
            assertThat(log.highWatermark()).isGreaterThanOrEqualTo(log.logStartOffset());
        }
    }
}
