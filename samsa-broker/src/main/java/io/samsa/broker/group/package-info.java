/**
 * The group coordinator for Kafka's classic consumer-group protocol (JoinGroup, SyncGroup, Heartbeat,
 * LeaveGroup) and committed offsets. It is a state machine with a small runtime, split the way Kafka's new
 * coordinator is:
 * <ul>
 *   <li><b>State machine.</b> Each group ({@link io.samsa.broker.group.ClassicGroup}, its
 *   {@link io.samsa.broker.group.ClassicGroupMember}s) moves through {@link io.samsa.broker.group.GroupState}
 *   (Empty, PreparingRebalance, CompletingRebalance, Stable, Dead; every transition checked). Each operation is a
 *   method of {@code JoinOperations}, {@code MembershipOperations} (sync, heartbeat, leave), {@code OffsetOperations}
 *   or {@code AdminOperations} (list, describe, delete) that returns a {@code CoordinatorResult}: the records to
 *   write, and the response. Assignors run in the clients; the coordinator only relays member metadata to the
 *   leader and the leader's assignments back.</li>
 *   <li><b>Writes.</b> Offsets, the group record and deletions change only by records: the runtime appends them
 *   to the {@code CoordinatorLog} — the group's partition of the compacted internal topic
 *   {@link io.samsa.broker.group.OffsetsTopic __consumer_offsets} ({@code ReplicatedCoordinatorLog}), appended as
 *   leader with acks=all, whose writes complete when the high watermark passes them (on a single node at once) —,
 *   replays them into the state once committed (the same replay that loads the log at start) and only then
 *   answers. A failed write therefore has nothing to undo; the result's
 *   failure branch answers the error. Rebalance bookkeeping (who has rejoined, held answers, timers) is volatile
 *   and never written.</li>
 *   <li><b>Transactional offsets.</b> TxnOffsetCommit writes a producer's offsets as its transactional batch
 *   (producer id and epoch, no sequence: a fenced epoch is refused by the log, a partition the producer did not
 *   add with AddOffsetsToTxn by the transaction verification). Replayed, they wait in
 *   {@code PendingTransactionalOffsets} until the transaction coordinator's marker for this partition, which goes
 *   through the shard's runtime like any write ({@link io.samsa.broker.group.GroupCoordinator#completeTransaction}),
 *   so it is ordered after the offsets it settles: COMMIT makes them the group's offsets, ABORT drops them. A load
 *   replays markers in log order; offsets of a transaction still open are pending again. Meanwhile OffsetFetch
 *   with {@code requireStable} answers UNSTABLE_OFFSET_COMMIT for those partitions, and retention leaves them
 *   alone.</li>
 *   <li><b>Timers.</b> Rebalance delays and timeouts, session timeouts and offset retention are named timers of a
 *   {@code CoordinatorTimer} whose operations are state-machine operations like any other; tests use a mock timer
 *   on a mutable clock instead of sleeping.</li>
 *   <li><b>Shards.</b> A {@code CoordinatorShard} is the state, operations and runtime of one coordinator log.
 *   A group lives in partition {@code abs(groupId.hashCode()) % partitions} of
 *   {@link io.samsa.broker.group.OffsetsTopic __consumer_offsets} ({@code ReplicatedShards}), and its coordinator
 *   is that partition's leader — a single node leads every partition, with one replica each. The topic is
 *   created on the first FindCoordinator for a group, as Kafka does (a single node that never sees a group never
 *   has it), with {@code cleanup.policy=compact}: the broker's log cleaner keeps the newest record of each group
 *   and each committed offset, and nothing here rewrites a log. When this broker becomes leader of a partition
 *   (the broker's {@code lifecycle.CoordinatorShardPublisher} follows the replica roles after each metadata
 *   batch; on a single node it opens the partitions once the topic exists), the shard is created and loaded by
 *   replaying the local replica's log to its end — its groups answer COORDINATOR_LOAD_IN_PROGRESS meanwhile; a
 *   single node waits for its loads at start-up —; when it stops leading (or leads at a newer epoch) the shard is
 *   unloaded: queued operations and late write completions answer NOT_COORDINATOR, timers are cancelled, held
 *   JoinGroup/SyncGroup answers are released with NOT_COORDINATOR. Groups of a partition without a shard here
 *   answer NOT_COORDINATOR, and clients look the coordinator up again. A single node's data directory from a
 *   release that kept its groups in a local log of their own ({@link io.samsa.broker.group.LegacyGroupLog}) is
 *   imported into the topic once, at start-up ({@code lifecycle.LegacyGroupLogImport}).</li>
 *   <li><b>Threads.</b> Every operation, timer and commit continuation of every shard runs on one thread,
 *   {@code samsa-group-coordinator}, so group state needs no locks (shards share the thread; loading a shard
 *   blocks it for the replay). The public {@link io.samsa.broker.group.GroupCoordinator} is a thread-safe facade
 *   that request handler threads call; it routes to the group's shard and returns futures. Shards are created and
 *   unloaded on the metadata apply thread (under {@code ReplicatedShards}' lock); write completions arrive on the
 *   thread that advanced the high watermark (or the produce purgatory's timer) and hop to the coordinator
 *   thread.</li>
 * </ul>
 */
package io.samsa.broker.group;
