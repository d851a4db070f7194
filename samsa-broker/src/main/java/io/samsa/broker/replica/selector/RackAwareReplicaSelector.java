package io.samsa.broker.replica.selector;

import java.util.List;

/**
 * Kafka's {@code RackAwareReplicaSelector}, same rule: a consumer with a rack reads from the leader when the leader
 * is in its rack, else from the most caught-up candidate in its rack ({@link ReplicaView#MOST_CAUGHT_UP}); a
 * consumer with no rack, or with no candidate in its rack, reads from the leader. Stateless.
 */
public final class RackAwareReplicaSelector implements ReplicaSelector {

    @Override
    public ReplicaView select(String clientRack, ReplicaView leader, List<ReplicaView> candidates) {
        if (clientRack == null || clientRack.isEmpty()) {
            return leader;
        }
        if (clientRack.equals(leader.rack())) {
            return leader;
        }
        return candidates.stream()
                .filter(r -> clientRack.equals(r.rack()))
                .max(ReplicaView.MOST_CAUGHT_UP)
                .orElse(leader);
    }
}
