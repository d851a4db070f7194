/**
 * The producer's accumulator: records are written straight into pooled heap buffers as record-batch v2
 * (samsa-protocol's {@link io.samsa.protocol.records.RecordBatchWriter}), one open batch per partition
 * ({@link io.samsa.clients.producer.batch.RecordAccumulator}), memory bounded by
 * {@link io.samsa.clients.producer.batch.BufferPool} ({@code buffer.memory}, {@code max.block.ms}).
 * A {@link io.samsa.clients.producer.batch.ProducerBatch} owns its records' futures and callbacks.
 */
package io.samsa.clients.producer.batch;
