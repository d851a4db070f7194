/**
 * Fetch from follower (KIP-392): which replica a consumer should read a partition from. {@code ReplicaSelector} is
 * the rule ({@code replica.selector.class}: none, the leader, or {@code RackAwareReplicaSelector} — a caught-up
 * replica in the consumer's rack), {@code ReplicaView} what it sees of each candidate, and
 * {@code PreferredReadReplica} how a leader builds the candidates from its partition state (the leader and the
 * in-sync followers that hold the fetch offset) and turns the choice into a Fetch response's
 * {@code preferredReadReplica}. Stateless; called on request handler threads.
 */
package io.samsa.broker.replica.selector;
