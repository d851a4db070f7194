package io.samsa.log;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the log cleaner has done since start, for the metrics endpoint: Kafka's LogCleaner and LogCleanerManager
 * metrics ({@code max-clean-time-secs}, {@code cleaner-recopy-percent}, {@code time-since-last-run-ms}) plus
 * running totals, which Prometheus turns into rates. Written by the cleaner threads,
 * read by the metrics thread; each value is consistent on its own, not with the others.
 */
public final class CleanerStats {
    private final LongAdder cleanings = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();
    private final LongAdder cleaningNanos = new LongAdder();
    private final AtomicLong lastRunEndMs = new AtomicLong(System.currentTimeMillis());
    private volatile LogCleaner.Stats last;

    void cleaned(LogCleaner.Stats s, long nanos) {
        cleanings.increment();
        bytesRead.add(s.bytesRead());
        bytesWritten.add(s.bytesWritten());
        cleaningNanos.add(nanos);
        last = s;
    }

    void failed() {
        failures.increment();
    }

    /** A round ended, whether it cleaned a log, found none dirty enough, or failed. */
    void roundEnded(long nowMs) {
        lastRunEndMs.set(nowMs);
    }

    /** Logs cleaned since start. */
    public long cleanings() { return cleanings.sum(); }

    /** Rounds that failed with an error (the cleaner goes on after log.cleaner.backoff.ms). */
    public long failures() { return failures.sum(); }

    /** Bytes of segments read by cleanings since start. */
    public long bytesRead() { return bytesRead.sum(); }

    /** Bytes of cleaned segments written since start. */
    public long bytesWritten() { return bytesWritten.sum(); }

    /** Time spent cleaning since start, summed over threads. */
    public double cleaningSeconds() { return cleaningNanos.sum() / 1e9; }

    /** The last cleaning's duration (Kafka's max-clean-time-secs, over the last run), 0 before the first. */
    public double lastCleanSeconds() {
        LogCleaner.Stats s = last;
        return s == null ? 0 : s.durationMs() / 1000.0;
    }

    /** Bytes written per byte read in the last cleaning (Kafka's cleaner-recopy-percent / 100), 0 before it. */
    public double lastRecopyRatio() {
        LogCleaner.Stats s = last;
        return s == null || s.bytesRead() == 0 ? 0 : (double) s.bytesWritten() / s.bytesRead();
    }

    /** Time since a cleaner round last ended (Kafka's time-since-last-run-ms), from start before the first. */
    public long msSinceLastRun(long nowMs) { return Math.max(0, nowMs - lastRunEndMs.get()); }
}
