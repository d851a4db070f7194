package io.samsa.metadata.quorum;

import java.util.List;

/**
 * The metadata quorum as its leader sees it, in the terms of Kafka's DescribeQuorum: the leader, its epoch (Raft
 * term), the high watermark (commit index) and, per voter and observer, how far its log reaches and when it
 * last fetched and was last caught up (-1: unknown).
 */
public record QuorumStatus(int leaderId, long leaderEpoch, long highWatermark, List<ReplicaState> voters,
                           List<ReplicaState> observers) {
    public QuorumStatus {
        voters = List.copyOf(voters);
        observers = List.copyOf(observers);
    }

    public record ReplicaState(int replicaId, long logEndOffset, long lastFetchTimestampMs,
                               long lastCaughtUpTimestampMs) {
    }
}
