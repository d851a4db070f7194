package io.samsa.log;

import static io.samsa.protocol.records.RecordBatchHeader.HEADER_SIZE;
import static io.samsa.protocol.records.RecordBatchHeader.LOG_OVERHEAD;
import static io.samsa.protocol.records.RecordBatchHeader.MAGIC_V2;
import static io.samsa.protocol.records.RecordBatchHeader.MIN_BATCH_LENGTH;

import java.io.IOException;
import java.nio.ByteBuffer;

import io.samsa.protocol.records.RecordBatchHeader;

/**
 * How a {@link LogSegment} learns its state at start-up (called by {@link LogLoader} on the loading thread,
 * before the segment is shared): trusting its indexes after a clean shutdown, or re-validating every batch and
 * rebuilding the indexes after an unclean one or when an index is missing or damaged.
 */
final class SegmentLoading {

    private SegmentLoading() {
    }

    /**
     * Trusts the indexes (clean shutdown): checks them, then scans batch headers from the last index entry
     * to find the next offset. Returns false when anything looks wrong, so that the caller recovers.
     */
    static boolean loadTrusted(LogSegment seg) throws IOException {
        if (!seg.offsetIndex.isSane(seg.size) || !seg.timeIndex.isSane()) {
            return false;
        }
        long lastTs = seg.timeIndex.lastTimestamp();
        if (lastTs != Long.MIN_VALUE) {
            seg.maxTimestamp = lastTs;
            seg.offsetOfMaxTimestamp = seg.timeIndex.lookup(lastTs + 1);
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        int pos = seg.offsetIndex.entries() == 0 ? 0 : seg.offsetIndex.lookup(Long.MAX_VALUE - seg.baseOffset());
        long next = seg.baseOffset();
        if (pos > 0) {
            if (!seg.readHeader(pos, header) || header.remaining() < HEADER_SIZE) {
                return false;
            }
            next = RecordBatchHeader.baseOffset(header, 0);
        }
        seg.bytesSinceLastIndexEntry = 0;
        while (pos < seg.size) {
            if (!seg.readHeader(pos, header) || header.remaining() < HEADER_SIZE
                    || RecordBatchHeader.magic(header, 0) != MAGIC_V2
                    || RecordBatchHeader.batchLength(header, 0) < MIN_BATCH_LENGTH) {
                return false;
            }
            int batchSize = RecordBatchHeader.sizeInBytes(header, 0);
            if (pos + (long) batchSize > seg.size) {
                return false;
            }
            noteBatch(seg, header, pos);
            next = RecordBatchHeader.lastOffset(header, 0) + 1;
            pos += batchSize;
            seg.bytesSinceLastIndexEntry += batchSize;
        }
        seg.nextOffset = next;
        if (seg.size > 0) {
            ByteBuffer first = ByteBuffer.allocate(HEADER_SIZE);
            if (seg.readHeader(0, first) && first.remaining() >= HEADER_SIZE) {
                seg.firstBatchTimestamp = RecordBatchHeader.maxTimestamp(first, 0);
            }
        }
        return true;
    }

    private static void noteBatch(LogSegment seg, ByteBuffer header, int pos) {
        long ts = RecordBatchHeader.maxTimestamp(header, 0);
        if (ts > seg.maxTimestamp) {
            seg.maxTimestamp = ts;
            seg.offsetOfMaxTimestamp = RecordBatchHeader.lastOffset(header, 0);
        }
        if (pos == 0) {
            seg.firstBatchTimestamp = ts;
        }
    }

    /**
     * Re-validates every batch (length, magic, CRC-32C, offsets increasing and not below the base), rebuilds
     * both indexes from the valid ones and truncates the file at the first invalid batch.
     */
    static LogSegment.RecoveryResult recover(LogSegment seg) throws IOException {
        seg.offsetIndex.reset(); // re-grows the mapping: a missing or short index file has room for the rebuild
        seg.timeIndex.reset();
        seg.txnIndex.reset(); // rebuilt by the producer-state replay (LogLoader#loadProducerState)
        boolean controlBatches = false;
        seg.maxTimestamp = RecordBatchHeader.NO_TIMESTAMP;
        seg.offsetOfMaxTimestamp = -1;
        seg.firstBatchTimestamp = RecordBatchHeader.NO_TIMESTAMP;
        seg.bytesSinceLastIndexEntry = 0;
        long fileSize = seg.channel.size();
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        int pos = 0;
        int batches = 0;
        long expectedNext = seg.baseOffset();
        String reason = null;
        while (pos < fileSize) {
            if (!seg.readHeader(pos, header) || header.remaining() < HEADER_SIZE) {
                reason = "torn batch header";
                break;
            }
            int length = RecordBatchHeader.batchLength(header, 0);
            if (length < MIN_BATCH_LENGTH) {
                reason = "invalid batch length " + length;
                break;
            }
            if (RecordBatchHeader.magic(header, 0) != MAGIC_V2) {
                reason = "invalid magic " + RecordBatchHeader.magic(header, 0);
                break;
            }
            long batchSize = (long) length + LOG_OVERHEAD;
            if (pos + batchSize > fileSize) {
                reason = "torn batch body (" + batchSize + " bytes declared, " + (fileSize - pos) + " present)";
                break;
            }
            long base = RecordBatchHeader.baseOffset(header, 0);
            long last = RecordBatchHeader.lastOffset(header, 0);
            if (base < expectedNext || last < base || last - seg.baseOffset() > Integer.MAX_VALUE) {
                reason = "non-monotonic offsets (base " + base + ", expected ≥ " + expectedNext + ")";
                break;
            }
            ByteBuffer batch = seg.readFully(pos, (int) batchSize);
            if (!RecordBatchHeader.isCrcValid(batch, 0)) {
                reason = "CRC mismatch at offset " + base;
                break;
            }
            long ts = RecordBatchHeader.maxTimestamp(header, 0);
            if (ts > seg.maxTimestamp) {
                seg.maxTimestamp = ts;
                seg.offsetOfMaxTimestamp = last;
            }
            if (pos == 0) {
                seg.firstBatchTimestamp = ts;
            }
            controlBatches |= RecordBatchHeader.isControl(header, 0);
            if (seg.bytesSinceLastIndexEntry > seg.indexIntervalBytes) {
                seg.offsetIndex.append(last, pos);
                seg.timeIndex.maybeAppend(seg.maxTimestamp, seg.offsetOfMaxTimestamp);
                seg.bytesSinceLastIndexEntry = 0;
            }
            seg.bytesSinceLastIndexEntry += (int) batchSize;
            pos += (int) batchSize;
            batches++;
            expectedNext = last + 1;
        }
        long truncated = fileSize - pos;
        if (truncated > 0) {
            seg.channel.truncate(pos);
        }
        seg.size = pos;
        seg.nextOffset = expectedNext;
        return new LogSegment.RecoveryResult(pos, truncated, batches, reason, controlBatches);
    }
}
