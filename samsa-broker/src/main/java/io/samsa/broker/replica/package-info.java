/**
 * Partitions as replicas, Kafka's ISR protocol. {@code Partition}: role, leader, leader epoch, replicas, ISR, high
 * watermark, log; it becomes leader or follower from the metadata ({@code makeLeader}/{@code makeFollower}, newer
 * epochs only), and as leader keeps each follower's fetch state ({@code FollowerState}: log end offset, last
 * caught-up time), moves the high watermark to the smallest log end over the maximal ISR, and asks the controller
 * ({@code AlterPartitionSender}) to add a caught-up follower to the ISR or drop one lagging more than
 * {@code replica.lag.time.max.ms}. {@code ReplicaManager}: the hosted partitions, which handlers ask "am I the
 * leader of this partition, at which epoch", append through as leader (in the topic's {@code compression.type},
 * {@code TopicCompression}) and read through for fetches (consumers up
 * to the high watermark, follower replicas up to the log end); it applies the metadata's partition states
 * ({@code applyPartitionState}/{@code removePartition}) and starts and stops the replica fetchers
 * ({@code replica.fetcher}). DeleteRecords moves a led partition's log start ({@code deleteRecordsOnLeader}, up to
 * the high watermark); a follower's log start follows the leader's from each fetch response
 * ({@code updateFollowerOffsets}). {@code ReplicationSettings}: Kafka's {@code replica.*} settings. Consumers may read
 * from followers too (KIP-392): a follower serves them up to the high watermark the leader told it, and which
 * replica a leader sends a consumer to is {@code replica.selector}'s. On a single node
 * every partition is led by this node at epoch 0 with ISR = {itself}, so the high watermark reaches the log end
 * within each append and nothing here runs a thread. A transactional batch is verified before it is appended
 * (KIP-890: {@code ReplicaManager.verifyTransaction} asks a {@code TransactionVerifier} — the local coordinator, or
 * in a cluster {@code lifecycle.TxnVerificationSender} — unless the log has the producer's transaction open
 * already; {@code VerificationErrors} turns the coordinator's answer into the producer's).
 *
 * <p>Threads: request handler threads call the partitions (appends, reads, follower fetch states, which may
 * propose an ISR expansion); the metadata publisher's thread applies states; {@code samsa-isr-check} (every
 * {@code replica.lag.time.max.ms / 2}, once replication started) proposes ISR shrinks; the controller channel's
 * thread completes ISR changes; {@code samsa-replica-fetcher-<leaderId>} appends and truncates as a follower.
 * Offset advances and state changes are reported to a {@code PartitionListener} on the thread that made them,
 * which is how the purgatories ({@code io.samsa.broker.purgatory}) wake.
 */
package io.samsa.broker.replica;
