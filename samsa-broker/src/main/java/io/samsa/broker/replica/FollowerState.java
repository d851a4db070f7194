package io.samsa.broker.replica;

/**
 * What a leader knows of one follower replica from its fetches (Kafka's {@code ReplicaState}): its log end offset
 * (the fetch offset: everything below it is on the follower; -1 until it fetches in this leader epoch), when it
 * last fetched, the leader's log end at that fetch, and the last time it was caught up.
 *
 * <p>Caught up, Kafka's rule: a fetch at or beyond the leader's log end <em>as of that fetch</em> means the follower
 * was caught up at the fetch time; a fetch that reached the leader's log end as of the <em>previous</em> fetch means
 * it was caught up at the previous fetch time. So a follower that keeps up with a steadily written leader (always
 * one fetch behind the newest append) counts as caught up, and one that falls behind stops being so.
 *
 * <p>Immutable; the partition replaces it atomically.
 */
public record FollowerState(long logEndOffset, long lastFetchTimeMs, long lastFetchLeaderLogEndOffset,
                            long lastCaughtUpTimeMs) {

    /** Log end offset of a follower not heard from in this leader epoch. */
    public static final long UNKNOWN_OFFSET = -1L;

    /**
     * A follower at the start of a leader epoch: offsets unknown; one in the ISR counts as caught up now, so it gets
     * a full {@code replica.lag.time.max.ms} to fetch before it is shrunk out (as Kafka resets it).
     */
    static FollowerState reset(long nowMs, boolean inIsr) {
        return new FollowerState(UNKNOWN_OFFSET, 0L, UNKNOWN_OFFSET, inIsr ? nowMs : 0L);
    }

    /** The state after a fetch from {@code fetchOffset} at {@code nowMs}, when the leader's log ended at {@code leaderEnd}. */
    FollowerState afterFetch(long fetchOffset, long nowMs, long leaderEnd) {
        long caughtUp = lastCaughtUpTimeMs;
        if (fetchOffset >= leaderEnd) {
            caughtUp = Math.max(caughtUp, nowMs);
        } else if (fetchOffset >= lastFetchLeaderLogEndOffset && lastFetchLeaderLogEndOffset >= 0) {
            caughtUp = Math.max(caughtUp, lastFetchTimeMs);
        }
        return new FollowerState(fetchOffset, nowMs, leaderEnd, caughtUp);
    }

    /** Whether an ISR member still counts as in sync: it has the leader's log end, or caught up within the lag time. */
    boolean isCaughtUp(long leaderEnd, long nowMs, long maxLagMs) {
        return logEndOffset == leaderEnd || nowMs - lastCaughtUpTimeMs <= maxLagMs;
    }

    /**
     * Whether a follower outside the ISR may join it: it has everything below the high watermark, and everything the
     * leader wrote before this leader epoch (so it cannot hold a tail the leader's epoch will overwrite).
     */
    boolean canJoinIsr(long highWatermark, long leaderEpochStartOffset) {
        return logEndOffset >= highWatermark && logEndOffset >= leaderEpochStartOffset;
    }
}
