/**
 * The group coordinator for Kafka's classic consumer-group protocol (JoinGroup, SyncGroup, Heartbeat,
 * LeaveGroup) and committed offsets. This node coordinates every group. Each group is a state machine
 * ({@link io.samsa.broker.group.GroupState}: Empty, PreparingRebalance, CompletingRebalance, Stable, Dead)
 * driven by {@link io.samsa.broker.group.GroupCoordinator} on one thread, which also runs the timers
 * (rebalance delays and timeouts, session timeouts, offset retention), so group state needs no locks.
 * Assignors run in the clients; the coordinator only relays member metadata to the leader and the
 * leader's assignments back. Offset commits and group metadata are appended to an internal log
 * ({@link io.samsa.broker.group.GroupMetadataLog}, Samsa's {@code __consumer_offsets}) before they are
 * acknowledged, and replayed on start; the log is compacted by rewriting the live records.
 */
package io.samsa.broker.group;
