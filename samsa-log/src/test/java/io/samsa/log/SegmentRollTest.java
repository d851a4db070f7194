package io.samsa.log;

import static io.samsa.log.TestBatches.NOW;
import static io.samsa.log.TestBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.testkit.MutableClock;

/** When a log rolls by time: Kafka's rule (incoming max timestamp vs the first batch), not the wall clock. */
class SegmentRollTest {

    private static final long DAY = 24 * 3600_000L;

    @TempDir
    Path tmp;
    MutableClock clock = new MutableClock(NOW);

    @Test
    void backfillingEightDayOldRecordsFillsOneSegment() throws IOException {
        try (Log log = Log.open(tmp.resolve("t-0"), LogConfig.DEFAULTS, clock, 0, true)) {
            for (int i = 0; i < 300; i++) {
                log.appendAsLeader(batch(1, NOW - 8 * DAY + i), 0);
                log.maybeRollAndFlush(); // the background check must not roll by record age either
            }
            assertThat(log.segmentCount()).isEqualTo(1);
            assertThat(log.logEndOffset()).isEqualTo(300);
        }
    }

    @Test
    void rollsWhenTheIncomingTimestampIsSegmentMsPastTheFirstBatch() throws IOException {
        LogConfig config = LogConfig.DEFAULTS.withSegmentMs(DAY);
        try (Log log = Log.open(tmp.resolve("t-0"), config, clock, 0, true)) {
            log.appendAsLeader(batch(1, NOW - 10 * DAY), 0);
            log.appendAsLeader(batch(1, NOW - 10 * DAY + DAY), 0); // exactly segment.ms later: no roll yet
            assertThat(log.segmentCount()).isEqualTo(1);
            log.appendAsLeader(batch(1, NOW - 10 * DAY + DAY + 1), 0);
            assertThat(log.segmentCount()).isEqualTo(2);
            assertThat(log.segmentBaseOffsets()).containsExactly(0L, 2L);
        }
    }

    @Test
    void backgroundRollCountsWallClockTimeSinceTheSegmentWasCreated() throws IOException {
        LogConfig config = LogConfig.DEFAULTS.withSegmentMs(10_000);
        try (Log log = Log.open(tmp.resolve("t-0"), config, clock, 0, true)) {
            log.appendAsLeader(batch(1, NOW - 8 * DAY), 0);
            log.maybeRollAndFlush();
            assertThat(log.segmentCount()).isEqualTo(1);
            clock.advance(10_001);
            log.maybeRollAndFlush();
            assertThat(log.segmentCount()).isEqualTo(2);
            log.appendAsLeader(batch(1, NOW - 8 * DAY), 0);
            log.maybeRollAndFlush();
            assertThat(log.segmentCount()).isEqualTo(2);
        }
    }
}
