package io.samsa.log;

import static io.samsa.log.TestBatches.NOW;
import static io.samsa.log.TestBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.testkit.MutableClock;

class RetentionAndFlushTest {

    @TempDir
    Path tmp;
    MutableClock clock = new MutableClock(NOW);

    @Test
    void retentionByTimeDeletesOldSegmentsButNeverTheActiveOne() throws IOException {
        LogConfig config = LogConfig.DEFAULTS.withSegmentBytes(1000).withRetention(60_000, -1);
        try (Log log = Log.open(tmp.resolve("t-0"), config, clock, 0, true)) {
            for (int i = 0; i < 20; i++) {
                log.appendAsLeader(batch(3, NOW, 50), 0);
            }
            clock.advance(30_000);
            for (int i = 0; i < 20; i++) {
                log.appendAsLeader(batch(3, NOW + 30_000, 50), 0);
            }
            int before = log.segmentCount();
            assertThat(log.deleteRetainedSegments()).isZero();
            clock.advance(40_000); // the first 20 batches are now 70 s old, the rest 40 s
            int deleted = log.deleteRetainedSegments();
            assertThat(deleted).isPositive();
            assertThat(log.segmentCount()).isEqualTo(before - deleted);
            assertThat(log.logStartOffset()).isEqualTo(log.segmentBaseOffsets().get(0)).isLessThanOrEqualTo(60);
            assertThatThrownBy(() -> log.read(0, 100, true)).isInstanceOf(OffsetOutOfRangeException.class);
            assertThat(TestBatches.readAll(log, log.logStartOffset())).isNotEmpty();
            clock.advance(1_000_000);
            log.deleteRetainedSegments();
            assertThat(log.segmentCount()).isEqualTo(1);
            assertThat(log.logStartOffset()).isEqualTo(log.segmentBaseOffsets().get(0));
            assertThat(log.logEndOffset()).isEqualTo(120);
        }
    }

    @Test
    void retentionByBytesKeepsTheLogUnderTheLimit() throws IOException {
        LogConfig config = LogConfig.DEFAULTS.withSegmentBytes(1000).withRetention(-1, 3000);
        try (Log log = Log.open(tmp.resolve("t-0"), config, clock, 0, true)) {
            for (int i = 0; i < 50; i++) {
                log.appendAsLeader(batch(3, NOW, 50), 0);
            }
            long before = log.sizeInBytes();
            assertThat(before).isGreaterThan(3000);
            log.deleteRetainedSegments();
            // Kafka semantics: a segment goes only if the log stays at or above retention.bytes without it.
            assertThat(log.sizeInBytes()).isGreaterThanOrEqualTo(3000).isLessThan(3000 + 1000);
            assertThat(log.logStartOffset()).isPositive();
            assertThat(TestBatches.readAll(log, log.logStartOffset()).get(0).baseOffset())
                    .isEqualTo(log.logStartOffset());
        }
    }

    @Test
    void segmentMsRollsAndFlushMessagesFlushes() throws IOException {
        LogConfig config = LogConfig.DEFAULTS.withSegmentMs(10_000).withFlushIntervalMessages(5);
        try (Log log = Log.open(tmp.resolve("t-0"), config, clock, 0, true)) {
            log.appendAsLeader(batch(3, NOW), 0);
            assertThat(log.recoveryPoint()).isZero();
            log.appendAsLeader(batch(3, NOW), 0);
            assertThat(log.recoveryPoint()).isEqualTo(6);
            clock.advance(10_003); // segment age counts from the first batch's max timestamp (NOW + 2)
            log.maybeRollAndFlush();
            assertThat(log.segmentCount()).isEqualTo(2);
            log.maybeRollAndFlush();
            assertThat(log.segmentCount()).isEqualTo(2); // an empty active segment is not rolled
        }
    }

    @Test
    void flushMsFlushesFromTheBackgroundCheck() throws IOException {
        LogConfig config = LogConfig.DEFAULTS.withFlushIntervalMs(1000);
        try (Log log = Log.open(tmp.resolve("t-0"), config, clock, 0, true)) {
            log.appendAsLeader(batch(3, NOW), 0);
            log.maybeRollAndFlush();
            assertThat(log.recoveryPoint()).isZero();
            clock.advance(1000);
            log.maybeRollAndFlush();
            assertThat(log.recoveryPoint()).isEqualTo(3);
        }
    }
}
