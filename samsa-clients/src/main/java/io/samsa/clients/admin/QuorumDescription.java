package io.samsa.clients.admin;

import java.util.List;

/**
 * The metadata quorum as DescribeQuorum tells it: the leader (the active controller), its epoch, the high
 * watermark (the last committed metadata offset) and, per voter and observer, how far its log reaches and when
 * it last fetched and was last caught up (-1: unknown).
 */
public record QuorumDescription(int leaderId, int leaderEpoch, long highWatermark, List<Replica> voters,
                                List<Replica> observers) {
    public QuorumDescription {
        voters = List.copyOf(voters);
        observers = List.copyOf(observers);
    }

    /** The leader's log end offset (the high watermark when the leader is not among the voters listed). */
    public long leaderLogEndOffset() {
        return voters.stream().filter(v -> v.id() == leaderId).mapToLong(Replica::logEndOffset).findFirst()
                .orElse(highWatermark);
    }

    /** How many metadata records {@code replica} is behind the leader, as kafka-metadata-quorum counts it. */
    public long lag(Replica replica) {
        return Math.max(0, leaderLogEndOffset() - replica.logEndOffset());
    }

    public record Replica(int id, long logEndOffset, long lastFetchTimestampMs, long lastCaughtUpTimestampMs) {
    }
}
