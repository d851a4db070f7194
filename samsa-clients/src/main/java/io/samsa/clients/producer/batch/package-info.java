/**
 * The producer's accumulator: records are written straight into pooled heap buffers as record-batch v2
 * (samsa-protocol's {@link io.samsa.protocol.records.RecordBatchWriter}), one open batch per partition
 * ({@link io.samsa.clients.producer.batch.RecordAccumulator}), memory bounded by
 * {@link io.samsa.clients.producer.batch.BufferPool} ({@code buffer.memory}, {@code max.block.ms}).
 * A {@link io.samsa.clients.producer.batch.ProducerBatch} owns its records' futures and callbacks. The
 * per-partition queues stay inside the accumulator: application threads append, and the sender thread asks, as in
 * Kafka, which leaders are {@code ready} (expiring batches past {@code delivery.timeout.ms} on the way) and
 * {@code drain}s batches for the leaders it can send to. Thread-safe (a lock per partition queue).
 */
package io.samsa.clients.producer.batch;
