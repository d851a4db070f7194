package io.samsa.testkit;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that only moves when a test moves it: time-based behaviour (segment rolls, retention, session and
 * rebalance timeouts) is driven step by step instead of by sleeping. Thread-safe (the code under test may read
 * it on its own threads).
 */
public final class MutableClock extends Clock {
    private final AtomicLong millis;

    /** Starts at {@code startMs} (epoch millis). */
    public MutableClock(long startMs) {
        millis = new AtomicLong(startMs);
    }

    /** Starts at the current wall-clock time (for code that compares with real timestamps, e.g. in files). */
    public MutableClock() {
        this(System.currentTimeMillis());
    }

    /** Moves the clock forward by {@code ms}. */
    public void advance(long ms) {
        if (ms < 0) {
            throw new IllegalArgumentException("A clock does not go back: " + ms);
        }
        millis.addAndGet(ms);
    }

    /** Moves the clock to {@code ms}, which must not be earlier than now. */
    public void setMillis(long ms) {
        advance(ms - millis.get());
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
