package io.samsa.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * One topic-partition's log: a directory of segments. Thread-safe: appends are serialised under the
 * log's lock; reads run concurrently and see only whole, fully written batches.
 *
 * <p>CONTRACT STUB — implementation in progress.
 */
public final class Log implements Closeable {

    /**
     * Opens (creating if absent) the log in {@code dir}, named {@code <topic>-<partition>}. When
     * {@code cleanShutdown} is false, every segment from {@code recoveryPoint} on is re-validated
     * (lengths, magic, CRC-32C), the first invalid batch and everything after it is truncated (and what was
     * cut is logged), indexes are rebuilt, and producer state is rebuilt from the last snapshot plus the
     * log tail.
     */
    public static Log open(Path dir, LogConfig config, Clock clock, long recoveryPoint, boolean cleanShutdown)
            throws IOException {
        throw new UnsupportedOperationException("stub");
    }

    /**
     * Validates and appends the record batches in {@code records} (a Produce request's partition data:
     * one or more v2 batches) as leader, assigning offsets from the log end offset.
     *
     * <p>Validation, each failing with the kafka-clients exception whose error code Kafka returns:
     * magic != 2 → UnsupportedForMessageFormatException; bad length or CRC, record count != lastOffsetDelta+1,
     * or trailing bytes → CorruptRecordException; a batch larger than max.message.bytes →
     * RecordTooLargeException; total over segment.bytes → RecordBatchTooLargeException; timestamps outside
     * before/after max (CreateTime) → InvalidTimestampException; unknown compression codec →
     * UnsupportedCompressionTypeException; idempotence: duplicate of one of the producer's last 5 batches →
     * returns its original offsets with {@code duplicate=true}; sequence gap → OutOfOrderSequenceException;
     * older epoch → InvalidProducerEpochException. Nothing is written unless every batch passes.
     *
     * <p>Each batch's baseOffset and partitionLeaderEpoch are rewritten in place (outside the CRC); with
     * LogAppendTime the maxTimestamp and timestamp-type bit are set and the CRC recomputed.
     */
    public AppendResult appendAsLeader(ByteBuffer records, int leaderEpoch) {
        throw new UnsupportedOperationException("stub");
    }

    /**
     * Reads whole batches starting with the one that contains {@code offset}, up to {@code maxBytes};
     * if {@code minOneBatch} the first batch is returned even when larger than maxBytes (KIP-74).
     * An offset below the log start or above the log end → OffsetOutOfRangeException; at the log end
     * → an empty slice.
     */
    public ReadResult read(long offset, int maxBytes, boolean minOneBatch) {
        throw new UnsupportedOperationException("stub");
    }

    /** The first offset whose batch max timestamp is ≥ {@code timestamp} (ListOffsets by time), or empty. */
    public Optional<TimestampAndOffset> offsetForTimestamp(long timestamp) {
        throw new UnsupportedOperationException("stub");
    }

    /** The record with the largest timestamp (ListOffsets MAX_TIMESTAMP), or empty when the log is empty. */
    public Optional<TimestampAndOffset> maxTimestamp() {
        throw new UnsupportedOperationException("stub");
    }

    public long logStartOffset() { throw new UnsupportedOperationException("stub"); }

    public long logEndOffset() { throw new UnsupportedOperationException("stub"); }

    /** Offset up to which everything is known to be on disk (fsynced). */
    public long recoveryPoint() { throw new UnsupportedOperationException("stub"); }

    public long sizeInBytes() { throw new UnsupportedOperationException("stub"); }

    public int segmentCount() { throw new UnsupportedOperationException("stub"); }

    /** Rolls when segment.ms has passed and flushes per flush.ms; called periodically by the owner. */
    public void maybeRollAndFlush() { throw new UnsupportedOperationException("stub"); }

    /** Deletes whole segments past retention.ms / retention.bytes (never the active one); returns how many. */
    public int deleteRetainedSegments() { throw new UnsupportedOperationException("stub"); }

    /** fsyncs everything appended so far and advances the recovery point. */
    public void flush() { throw new UnsupportedOperationException("stub"); }

    /** Applies new topic-level settings (e.g. after an alter-configs). */
    public void updateConfig(LogConfig config) { throw new UnsupportedOperationException("stub"); }

    public LogConfig config() { throw new UnsupportedOperationException("stub"); }

    public Path dir() { throw new UnsupportedOperationException("stub"); }

    /** Flushes, writes a producer-state snapshot, and closes files. */
    @Override
    public void close() throws IOException { throw new UnsupportedOperationException("stub"); }

    /** Closes and removes the directory. */
    public void delete() throws IOException { throw new UnsupportedOperationException("stub"); }
}
