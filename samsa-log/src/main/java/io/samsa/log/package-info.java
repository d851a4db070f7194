/**
 * Durable storage for Samsa: one append-only, segmented log per topic-partition, laid out on disk as
 * Apache Kafka lays it out ({@code <topic>-<partition>/} holding {@code 00000000000000000000.log},
 * {@code .index}, {@code .timeindex}, {@code .txnindex} and producer-state {@code .snapshot} files, and
 * {@code partition.metadata}
 * naming the topic ID the directory belongs to). The log stores record
 * batches (magic v2) byte-for-byte as validated and offset-assigned (every record of a client's batch is
 * checked first, as Kafka's LogValidator does; compressed ones through a bounded decompressing stream),
 * finds batches by offset through a sparse memory-mapped index and by timestamp through a time index, keeps per-producer sequence state
 * so that idempotent retries are answered with their original offsets (and lists its producers,
 * {@link io.samsa.log.Log#activeProducers}, for DescribeProducers), rolls, retains and flushes
 * segments by Kafka's settings, and after an unclean stop re-validates its tail and truncates whatever
 * was torn. It knows nothing of the network or the wire protocol beyond the batch format, whose header layout
 * and decompressing streams it takes from samsa-protocol ({@code io.samsa.protocol.records}).
 *
 * <p>Transactions (Kafka's log side of them): producer state also tracks each producer's open transaction (a
 * transactional batch opens it, an end-transaction marker closes it); the last stable offset
 * ({@link io.samsa.log.Log#lastStableOffset}) is the high watermark or the first offset of the earliest transaction
 * still undecided (or decided by a marker the high watermark has not passed), whichever is smaller. A transaction
 * coordinator writes markers through {@link io.samsa.log.Log#appendControlMarkerAsLeader} (fenced by producer and
 * coordinator epochs); clients cannot write control batches. Each ABORT is recorded in the {@code .txnindex} of the
 * segment holding its marker (Kafka's format; rebuilt by the producer-state replay when its segment is recovered or
 * the file is missing or torn). A {@link io.samsa.log.FetchIsolation#TXN_COMMITTED} read stops at the last stable
 * offset and lists the aborted transactions of what it returns ({@link io.samsa.log.Log#abortedTransactions}).
 *
 * <p>Durability and faults: every rolled segment is fsynced in the background ({@link io.samsa.log.LogFlusher}),
 * so the checkpointed recovery point trails the active segment and an unclean restart re-checks only the tail;
 * a failed fsync takes the log offline (KAFKA_STORAGE_ERROR) instead of moving the recovery point past lost
 * data; a failed write (disk full) is undone and answered KAFKA_STORAGE_ERROR while the log stays online; a
 * missing or damaged index of any segment is rebuilt on start. Index mappings are released explicitly and
 * only under their index's write lock, so no reader can touch an unmapped buffer.
 *
 * <p>Compaction: a log whose cleanup.policy holds compact is cleaned by its manager's {@link io.samsa.log.LogCleaner}
 * (Kafka's log cleaner: dirtiest log first, a bounded key → latest offset map, the newest record of each key kept at
 * its original offset, tombstones kept for delete.retention.ms, never at or past the last stable offset, records
 * of aborted transactions removed and transaction markers kept, progress in {@code cleaner-offset-checkpoint});
 * cleaned segments replace the old ones through {@code .cleaned} and {@code .swap} files that
 * {@link io.samsa.log.LogLoader} completes or discards after a crash, as Kafka's loader does. Retention by time and
 * size applies only when cleanup.policy holds delete.
 *
 * <p>Replication: a leader appends with
 * {@link io.samsa.log.Log#appendAsLeader} (offsets assigned, its leader epoch stamped on every batch and recorded
 * in the {@code leader-epoch-checkpoint} cache; a replica that becomes leader records its new epoch's start at
 * once with {@link io.samsa.log.Log#assignEpochStartOffset}); a follower appends the leader's batches unchanged with
 * {@link io.samsa.log.Log#appendAsFollower} and, after a leader change, cuts its tail with
 * {@link io.samsa.log.Log#truncateTo} (or {@link io.samsa.log.Log#truncateFullyAndStartAt}) at the offset
 * {@link io.samsa.log.Log#endOffsetForEpoch} (OffsetForLeaderEpoch) gives. The high watermark lies between the log
 * start and end offsets: consumers read up to it ({@link io.samsa.log.FetchIsolation#HIGH_WATERMARK}), followers
 * up to the log end; retention never deletes past it. It only moves forward ({@code updateHighWatermark}), except
 * that truncation clamps it; on a single node each leader append moves it to the log end, and on load it starts
 * at the recovered log end (the cluster issue restores it from {@code replication-offset-checkpoint}).
 *
 * <p>Threads: every {@link io.samsa.log.Log} mutation (appends, rolls, retention, truncation, high-watermark moves)
 * runs under that log's lock on the caller's thread (request handlers, the log manager's
 * {@code samsa-log-manager-<dir>} thread, later the replica fetcher); reads are lock-free. Each
 * {@link io.samsa.log.LogManager} owns one {@link io.samsa.log.LogBackground}: a {@code samsa-log-segment-flusher-<dir>}
 * thread fsyncs rolled segments and a {@code samsa-log-deferred-close-<dir>} thread closes deleted segments' channels
 * after {@code file.delete.delay.ms}; both are created with the manager and shut down by its close (a standalone
 * log owns its own). The manager's {@code samsa-log-cleaner-<N>} threads compact; they read and write segment files
 * without a log's lock and take it only to swap cleaned segments in, and are stopped first when the manager closes.
 * No thread in this module outlives its owner.
 */
package io.samsa.log;
