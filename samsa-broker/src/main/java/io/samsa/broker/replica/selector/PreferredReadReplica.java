package io.samsa.broker.replica.selector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.samsa.broker.replica.FollowerState;
import io.samsa.broker.replica.LeaderAndIsr;
import io.samsa.broker.replica.Partition;

/**
 * A leader's answer to "where should this consumer read from" (Kafka's {@code findPreferredReadReplica}): the
 * candidates are the leader and every follower that is in the ISR, has fetched up to at least the fetch offset,
 * and whose broker the consumer can reach (alive, with an endpoint on the consumer's listener); the
 * {@link ReplicaSelector} picks one. The answer is that follower's id, or {@link #NONE} when the leader itself
 * should serve the fetch (Kafka never names the leader as preferred read replica).
 *
 * <p>Stateless; called on request handler threads while the partition keeps changing: every value is read once.
 */
public final class PreferredReadReplica {
    /** The leader serves the fetch (the Fetch response's default {@code preferredReadReplica}). */
    public static final int NONE = -1;

    private PreferredReadReplica() {
    }

    /**
     * @param leader      a partition this node leads
     * @param fetchOffset the consumer's fetch offset: a follower must hold it
     * @param clientRack  the Fetch request's {@code rackId}
     * @param brokerRacks rack (null: none) of every live broker the consumer can reach, by id
     * @param nowMs       the clock the followers' catch-up times are on (wall clock)
     */
    public static int find(ReplicaSelector selector, Partition leader, long fetchOffset, String clientRack,
                           Map<Integer, String> brokerRacks, int localNodeId, long nowMs) {
        LeaderAndIsr state = leader.leaderAndIsr();
        if (state.leaderId() != localNodeId || fetchOffset < leader.logStartOffset()) {
            return NONE;
        }
        ReplicaView self = new ReplicaView(localNodeId, brokerRacks.get(localNodeId), leader.logEndOffset(), 0L);
        List<ReplicaView> candidates = new ArrayList<>();
        candidates.add(self);
        for (int id : state.isr()) {
            FollowerState f = id == localNodeId ? null : leader.followerState(id);
            if (f != null && f.logEndOffset() >= fetchOffset && brokerRacks.containsKey(id)) {
                candidates.add(new ReplicaView(id, brokerRacks.get(id), f.logEndOffset(),
                        Math.max(0, nowMs - f.lastCaughtUpTimeMs())));
            }
        }
        ReplicaView chosen = selector.select(clientRack, self, List.copyOf(candidates));
        return chosen == null || chosen.brokerId() == localNodeId ? NONE : chosen.brokerId();
    }
}
