package io.samsa.log;

/**
 * Bounds the log cleaner's I/O to {@code log.cleaner.io.max.bytes.per.second} (Kafka's Throttler): every cleaner
 * thread shares one instance; a caller sleeps whenever the bytes read and written since the period began run ahead
 * of the rate, so a burst is throttled at once (the period restarts every second, so an idle spell is not saved
 * up). Thread-safe; a rate of {@link Double#MAX_VALUE} (Kafka's default) or more than 1e15 never sleeps.
 */
final class Throttler {

    private static final long PERIOD_NANOS = 1_000_000_000L;

    private final double bytesPerSecond;
    private long periodStartNanos = System.nanoTime();
    private double bytesInPeriod;

    Throttler(double bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    /** Counts {@code bytes} of cleaner I/O, sleeping as long as needed to keep the rate. */
    void acquire(long bytes) {
        if (bytesPerSecond >= 1e15) {
            return;
        }
        long sleepNanos;
        synchronized (this) {
            long now = System.nanoTime();
            bytesInPeriod += bytes;
            long elapsed = now - periodStartNanos;
            long due = (long) (bytesInPeriod / bytesPerSecond * 1e9);
            sleepNanos = Math.max(0, due - elapsed);
            if (elapsed + sleepNanos >= PERIOD_NANOS) {
                periodStartNanos = now + sleepNanos;
                bytesInPeriod = 0;
            }
        }
        if (sleepNanos > 1_000_000L) {
            try {
                Thread.sleep(sleepNanos / 1_000_000L, (int) (sleepNanos % 1_000_000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
