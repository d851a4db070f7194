package io.samsa.log;

/**
 * Outcome of an append.
 * Immutable.
 *
 * @param firstOffset   offset of the first record appended (or of the original, for a duplicate)
 * @param lastOffset    offset of the last record appended
 * @param logAppendTime broker time stamped on the batches, or -1 under CreateTime
 * @param logStartOffset the log start offset after the append
 * @param recordCount   records appended (0 for a duplicate)
 * @param duplicate     true when the batch was an idempotent retry already in the log
 */
public record AppendResult(long firstOffset, long lastOffset, long logAppendTime, long logStartOffset,
                           int recordCount, boolean duplicate) {
}
