package io.samsa.clients.consumer.state;

/**
 * One assigned partition. {@code position} is the next offset the application gets; {@code fetchOffset} the next
 * offset to ask the broker for, ahead of {@code position} by what is buffered or in flight. {@code epoch} changes
 * whenever the position is set from outside (seek, reset), so older fetched data can be dropped; the owner hands
 * out epochs from one counter, so a partition assigned again never reuses its previous state's epochs.
 * Guarded by the owning {@link SubscriptionState}'s lock.
 */
public final class PartitionState {
    /** No position yet: waiting for a committed offset or a reset. */
    public static final long UNKNOWN = -1L;

    long position = UNKNOWN;
    long fetchOffset = UNKNOWN;
    int epoch;
    boolean paused;
    ResetStrategy resetPending;
    boolean resetInFlight;
    boolean fetchInFlight;
    int bufferedFetches;
    long highWatermark = -1;
    long lastStableOffset = -1;
    long logStartOffset = -1;
    int leaderEpoch = -1;

    PartitionState(int epoch) {
        this.epoch = epoch;
    }

    public long position() {
        return position;
    }

    public long fetchOffset() {
        return fetchOffset;
    }

    public int epoch() {
        return epoch;
    }

    public boolean paused() {
        return paused;
    }

    public ResetStrategy resetPending() {
        return resetPending;
    }

    public long highWatermark() {
        return highWatermark;
    }

    public long lastStableOffset() {
        return lastStableOffset;
    }

    public int leaderEpoch() {
        return leaderEpoch;
    }

    public boolean hasPosition() {
        return position != UNKNOWN;
    }

    void seek(long offset, int newEpoch) {
        position = offset;
        fetchOffset = offset;
        epoch = newEpoch;
        bufferedFetches = 0; // buffered data of the old epoch is dropped as the application reaches it
        resetPending = null;
        resetInFlight = false;
    }
}
