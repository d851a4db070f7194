package io.samsa.bench.compare;

import java.util.OptionalLong;

/**
 * When a compaction has ended, seen from outside: fed the partition's size on disk at each poll, it says the
 * cleaning is over once the size has fallen and then held still — for {@code settleNanos} when it is down to the
 * expected compacted size, or for {@code stallNanos} when it is not (a broker that stops above it). The end is the
 * poll that first saw the final size, so the cleaning time is known to one poll interval. Used by one thread.
 */
final class CleaningProgress {
    private final long sizeBefore;
    private final long target;
    private final long settleNanos;
    private final long stallNanos;
    private long lastSize;
    private long lastChangeNanos;
    private boolean fallen;

    /** {@code sizeBefore}: the size when cleaning was allowed; {@code target}: the most a compacted log should be. */
    CleaningProgress(long sizeBefore, long target, long startNanos, long settleNanos, long stallNanos) {
        this.sizeBefore = sizeBefore;
        this.target = target;
        this.settleNanos = settleNanos;
        this.stallNanos = stallNanos;
        this.lastSize = sizeBefore;
        this.lastChangeNanos = startNanos;
    }

    /** One poll; returns the end time (the poll that first saw the final size) once the cleaning is over. */
    OptionalLong observe(long nanos, long size) {
        if (size != lastSize) {
            lastSize = size;
            lastChangeNanos = nanos;
            fallen |= size < sizeBefore;
            return OptionalLong.empty();
        }
        long still = nanos - lastChangeNanos;
        if (fallen && (still >= stallNanos || (reachedTarget() && still >= settleNanos))) {
            return OptionalLong.of(lastChangeNanos);
        }
        return OptionalLong.empty();
    }

    boolean reachedTarget() {
        return lastSize <= target;
    }

    long size() {
        return lastSize;
    }
}
