package io.samsa.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

/** When bench/compaction calls a compaction over, and the end time it takes; and the probe's quantiles. */
class CleaningProgressTest {
    private static final long MS = 1_000_000;

    @Test
    void endsAtThePollThatFirstSawTheCompactedSizeOnceItHeldForTheSettleTime() {
        CleaningProgress p = new CleaningProgress(100, 20, 0, 1000 * MS, 15_000 * MS);
        assertThat(p.observe(200 * MS, 100)).isEmpty(); // not started yet: waiting is not the end
        assertThat(p.observe(1400 * MS, 100)).isEmpty();
        assertThat(p.observe(1600 * MS, 60)).isEmpty();
        assertThat(p.observe(1800 * MS, 15)).isEmpty();
        assertThat(p.observe(2600 * MS, 15)).isEmpty();
        assertThat(p.observe(2800 * MS, 15)).isEqualTo(OptionalLong.of(1800 * MS));
        assertThat(p.reachedTarget()).isTrue();
        assertThat(p.size()).isEqualTo(15);
    }

    @Test
    void aSizeThatStopsAboveTheTargetEndsOnlyAfterTheStallTime() {
        CleaningProgress p = new CleaningProgress(100, 20, 0, 1000 * MS, 15_000 * MS);
        assertThat(p.observe(200 * MS, 50)).isEmpty();
        assertThat(p.observe(5000 * MS, 50)).isEmpty(); // above target: maybe another pass is coming
        assertThat(p.observe(15_200 * MS, 50)).isEqualTo(OptionalLong.of(200 * MS));
        assertThat(p.reachedTarget()).isFalse();
    }

    @Test
    void aSizeThatNeverFallsNeverEnds() {
        CleaningProgress p = new CleaningProgress(100, 20, 0, 1000 * MS, 15_000 * MS);
        assertThat(p.observe(60_000 * MS, 100)).isEmpty();
    }

    @Test
    void quantilesAreNearestRank() {
        double[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThat(LatencyProbe.quantile(sorted, 0.5)).isEqualTo(5);
        assertThat(LatencyProbe.quantile(sorted, 0.99)).isEqualTo(10);
        assertThat(LatencyProbe.quantile(sorted, 1.0)).isEqualTo(10);
        assertThat(LatencyProbe.quantile(new double[0], 0.99)).isNaN();
    }
}
