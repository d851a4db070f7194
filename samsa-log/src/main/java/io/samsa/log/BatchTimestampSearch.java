package io.samsa.log;

import java.nio.ByteBuffer;

import org.apache.kafka.common.errors.ApiException;

import io.samsa.protocol.records.RecordBatchHeader;

/**
 * Finds a record by timestamp inside one stored batch (ListOffsets by timestamp, the time index's last step).
 * Kept in the log rather than with {@link RecordBatchHeader} because it walks the records with the log's
 * {@link RecordBytes} reader. Stateless; the caller owns the buffer.
 */
final class BatchTimestampSearch {

    private BatchTimestampSearch() {
    }

    /**
     * Scans an uncompressed batch's records for the first whose timestamp is ≥ {@code target}
     * (or, with {@code exact}, equal to it). Returns it with the batch's leader epoch, or null if none / compressed / the
     * records do not parse. Records: length varint, attributes i8, timestampDelta varlong, offsetDelta varint, ...
     *
     * <p>The batch may have been written before records were validated on append, so it is read defensively:
     * every step consumes at least one byte, at most recordCount records are read, and a malformed record (a
     * length ≤ 0, a bad varint, a field past the batch end) stops the scan with null, which callers answer at
     * batch level.
     */
    static TimestampAndOffset findRecordByTimestamp(ByteBuffer b, int p, long target, boolean exact) {
        if (RecordBatchHeader.compressionCodec(b, p) != 0) {
            return null;
        }
        long baseOffset = RecordBatchHeader.baseOffset(b, p);
        if (RecordBatchHeader.isLogAppendTime(b, p)) {
            long ts = RecordBatchHeader.maxTimestamp(b, p);
            return (exact ? ts == target : ts >= target) ? new TimestampAndOffset(ts, baseOffset, RecordBatchHeader.partitionLeaderEpoch(b, p)) : null;
        }
        long baseTs = RecordBatchHeader.baseTimestamp(b, p);
        int count = RecordBatchHeader.recordCount(b, p);
        int end = (int) Math.min(b.limit(), (long) p + RecordBatchHeader.sizeInBytes(b, p));
        if (p + RecordBatchHeader.HEADER_SIZE > end) {
            return null;
        }
        RecordBytes in = RecordBytes.inPlace(b, p + RecordBatchHeader.HEADER_SIZE, end);
        try {
            for (int i = 0; i < count && !in.atEnd(); i++) {
                int length = in.readVarint();
                if (length <= 0) {
                    return null;
                }
                long recordEnd = in.position() + length;
                in.readByte(); // attributes
                long ts = baseTs + in.readVarlong();
                long offset = baseOffset + in.readVarint();
                if (exact ? ts == target : ts >= target) {
                    return new TimestampAndOffset(ts, offset, RecordBatchHeader.partitionLeaderEpoch(b, p));
                }
                long rest = recordEnd - in.position();
                if (rest < 0) {
                    return null;
                }
                in.skip((int) rest);
            }
        } catch (ApiException e) {
            return null; // a malformed record (InvalidRecordException): answer at batch level
        }
        return null;
    }
}
