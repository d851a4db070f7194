/**
 * Durable storage for Samsa: one append-only, segmented log per topic-partition, laid out on disk as
 * Apache Kafka lays it out ({@code <topic>-<partition>/} holding {@code 00000000000000000000.log},
 * {@code .index}, {@code .timeindex} and producer-state {@code .snapshot} files, and {@code partition.metadata}
 * naming the topic ID the directory belongs to). The log stores record
 * batches (magic v2) byte-for-byte as validated and offset-assigned, finds batches by offset through a
 * sparse memory-mapped index and by timestamp through a time index, keeps per-producer sequence state
 * so that idempotent retries are answered with their original offsets, rolls, retains and flushes
 * segments by Kafka's settings, and after an unclean stop re-validates its tail and truncates whatever
 * was torn. It knows nothing of the network or the wire protocol beyond the batch format.
 */
package io.samsa.log;
