/**
 * Durable storage for Samsa: one append-only, segmented log per topic-partition, laid out on disk as
 * Apache Kafka lays it out ({@code <topic>-<partition>/} holding {@code 00000000000000000000.log},
 * {@code .index}, {@code .timeindex} and producer-state {@code .snapshot} files, and {@code partition.metadata}
 * naming the topic ID the directory belongs to). The log stores record
 * batches (magic v2) byte-for-byte as validated and offset-assigned (every record of a client's batch is
 * checked first, as Kafka's LogValidator does; compressed ones through a bounded decompressing stream),
 * finds batches by offset through a sparse memory-mapped index and by timestamp through a time index, keeps per-producer sequence state
 * so that idempotent retries are answered with their original offsets, rolls, retains and flushes
 * segments by Kafka's settings, and after an unclean stop re-validates its tail and truncates whatever
 * was torn. It knows nothing of the network or the wire protocol beyond the batch format, whose header layout
 * and decompressing streams it takes from samsa-protocol ({@code io.samsa.protocol.records}).
 *
 * <p>Durability and faults: every rolled segment is fsynced in the background ({@link io.samsa.log.LogFlusher}),
 * so the checkpointed recovery point trails the active segment and an unclean restart re-checks only the tail;
 * a failed fsync takes the log offline (KAFKA_STORAGE_ERROR) instead of moving the recovery point past lost
 * data; a failed write (disk full) is undone and answered KAFKA_STORAGE_ERROR while the log stays online; a
 * missing or damaged index of any segment is rebuilt on start. Index mappings are released explicitly and
 * only under their index's write lock, so no reader can touch an unmapped buffer.
 *
 * <p>Threads: appends, rolls and retention run under each log's lock (caller threads and the log manager's
 * background thread); reads are lock-free; one shared thread flushes rolled segments; a daemon thread closes
 * deleted segments' channels after {@code file.delete.delay.ms}.
 */
package io.samsa.log;
