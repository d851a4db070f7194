/**
 * Record batches (magic v2) as Samsa handles them, in Samsa's own types: the header layout and its field
 * accessors ({@link io.samsa.protocol.records.RecordBatchHeader}, used by the log, the broker and the producer),
 * the one batch encoder ({@link io.samsa.protocol.records.RecordBatchWriter}, the producer's hot path, with
 * {@link io.samsa.protocol.records.BatchCompressor}), bounded decompression for validating produced batches
 * ({@link io.samsa.protocol.records.BatchDecompressor}), a produced batch converted to a topic's codec
 * ({@link io.samsa.protocol.records.BatchRecompressor}), and reading fetched or stored batches record by record
 * ({@link io.samsa.protocol.records.RecordsView}, {@link io.samsa.protocol.records.RecordCursor}), and the log
 * cleaner's scan and rewrite of stored batches ({@link io.samsa.protocol.records.CompactionRecords}), and transaction
 * markers, built and read ({@link io.samsa.protocol.records.ControlRecords}). The codecs and
 * the record parser behind them are kafka-clients' (so Samsa reads and writes exactly what Kafka clients do);
 * their internal types never appear in this package's public signatures.
 */
package io.samsa.protocol.records;
