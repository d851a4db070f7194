package io.samsa.broker.replica.selector;

import java.util.List;

/**
 * The rule that picks the replica a consumer reads a partition from (Kafka's {@code ReplicaSelector}, KIP-392),
 * given the consumer's rack ({@code client.rack}, sent as the Fetch {@code rackId}; null or empty: none), the
 * leader, and the candidates (the leader and its in-sync followers that hold the fetch offset). Returns the leader
 * or one of the candidates. Implementations are stateless and thread-safe.
 */
@FunctionalInterface
public interface ReplicaSelector {

    /** Always the leader (Kafka's {@code LeaderSelector}). */
    ReplicaSelector LEADER = (clientRack, leader, candidates) -> leader;

    ReplicaView select(String clientRack, ReplicaView leader, List<ReplicaView> candidates);
}
