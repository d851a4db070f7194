/**
 * The group coordinator for Kafka's classic consumer-group protocol (JoinGroup, SyncGroup, Heartbeat,
 * LeaveGroup) and committed offsets; this node coordinates every group. It is a state machine with a small
 * runtime, split the way Kafka's new coordinator is:
 * <ul>
 *   <li><b>State machine.</b> Each group ({@link io.samsa.broker.group.ClassicGroup}, its
 *   {@link io.samsa.broker.group.ClassicGroupMember}s) moves through {@link io.samsa.broker.group.GroupState}
 *   (Empty, PreparingRebalance, CompletingRebalance, Stable, Dead; every transition checked). Each operation is a
 *   method of {@code JoinOperations}, {@code MembershipOperations} (sync, heartbeat, leave), {@code OffsetOperations}
 *   or {@code AdminOperations} (list, describe, delete) that returns a {@code CoordinatorResult}: the records to
 *   write, and the response. Assignors run in the clients; the coordinator only relays member metadata to the
 *   leader and the leader's assignments back.</li>
 *   <li><b>Writes.</b> Offsets, the group record and deletions change only by records: the runtime appends them
 *   to the {@code CoordinatorLog} (today {@link io.samsa.broker.group.GroupMetadataLog}, Samsa's
 *   {@code __consumer_offsets}, compacted by rewriting the live records; with replication a replicated partition
 *   whose appends complete at the high watermark), replays them into the state once committed (the same replay that
 *   loads the log at start) and only then answers. A failed write therefore has nothing to undo; the result's
 *   failure branch answers the error. Rebalance bookkeeping (who has rejoined, held answers, timers) is volatile
 *   and never written.</li>
 *   <li><b>Timers.</b> Rebalance delays and timeouts, session timeouts and offset retention are named timers of a
 *   {@code CoordinatorTimer} whose operations are state-machine operations like any other; tests use a mock timer
 *   on a mutable clock instead of sleeping.</li>
 *   <li><b>Thread.</b> The runtime runs every operation, timer and commit continuation on one thread,
 *   {@code samsa-group-coordinator}, so group state needs no locks. The public
 *   {@link io.samsa.broker.group.GroupCoordinator} is a thread-safe facade that request handler threads call; it
 *   returns futures.</li>
 * </ul>
 */
package io.samsa.broker.group;
