package io.samsa.broker.quota;

/**
 * A rate per second over the last {@code windowNum} samples of {@code windowMs} each, computed as Kafka's
 * {@code Rate} over a {@code WindowedSum} does, so that throttle times match Kafka's: a sample is started when the
 * current one is a full window old; samples without an event for {@code windowNum} windows are reset; the rate
 * divides the sum of all samples by the time since the oldest sample started, but by no less than
 * {@code windowNum - 1} full windows (so a client's first burst is not measured over a few milliseconds).
 * One slot more than {@code windowNum} is kept, for the sample that overlaps the start of the window.
 *
 * <p>Not thread-safe: the owning {@link ClientQuotaManager} synchronizes on it.
 */
final class SampledRate {
    private final int windowNum;
    private final long windowMs;
    private final double[] values;
    private final long[] startMs;
    private final long[] lastEventMs;
    /** Slots in use: they are created one by one, as Kafka adds samples to its list. */
    private int used;
    private int current;
    private long lastRecordMs;

    SampledRate(QuotaConfig config) {
        this.windowNum = config.windowNum();
        this.windowMs = config.windowMs();
        int slots = windowNum + 1;
        values = new double[slots];
        startMs = new long[slots];
        lastEventMs = new long[slots];
    }

    /** Adds {@code value} (negative to take back a recorded one) at {@code nowMs}. */
    void record(double value, long nowMs) {
        if (used == 0) {
            reset(0, nowMs);
            used = 1;
        }
        if (nowMs - startMs[current] >= windowMs) {
            current = (current + 1) % values.length;
            if (current >= used) {
                used++;
            }
            reset(current, nowMs);
        }
        values[current] += value;
        lastEventMs[current] = nowMs;
        lastRecordMs = nowMs;
    }

    /** The rate per second at {@code nowMs}. */
    double measure(long nowMs) {
        purgeObsolete(nowMs);
        double total = 0;
        for (int i = 0; i < used; i++) {
            total += values[i];
        }
        return total / (windowSizeMs(nowMs) / 1000.0);
    }

    /** The time the rate divides by: since the oldest sample started, at least {@code windowNum - 1} windows. */
    long windowSizeMs(long nowMs) {
        purgeObsolete(nowMs);
        if (used == 0) {
            reset(0, nowMs);
            used = 1;
        }
        long oldest = startMs[0];
        for (int i = 1; i < used; i++) {
            oldest = Math.min(oldest, startMs[i]);
        }
        long elapsed = nowMs - oldest;
        long fullWindows = elapsed / windowMs;
        if (fullWindows < windowNum - 1) {
            elapsed += (windowNum - 1 - fullWindows) * windowMs;
        }
        return Math.max(elapsed, 1);
    }

    /** When the last value was recorded; for dropping the rates of idle clients. */
    long lastRecordMs() {
        return lastRecordMs;
    }

    private void purgeObsolete(long nowMs) {
        long expireAge = windowNum * windowMs;
        for (int i = 0; i < used; i++) {
            if (nowMs - lastEventMs[i] >= expireAge) {
                reset(i, nowMs);
            }
        }
    }

    private void reset(int slot, long nowMs) {
        values[slot] = 0;
        startMs[slot] = nowMs;
        lastEventMs[slot] = nowMs;
    }
}
