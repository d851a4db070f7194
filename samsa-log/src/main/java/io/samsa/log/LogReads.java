package io.samsa.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;

import io.samsa.protocol.records.RecordBatchHeader;

/**
 * The read side of a {@link Log}: fetch reads and timestamp lookups over its segments, bounded by the log end
 * (or high watermark) the caller captured ({@link Log.EndOffset}), so they never see a batch still being written. Stateless and
 * lock-free; called from any reader thread.
 */
final class LogReads {

    private LogReads() {
    }

    /**
     * Reads whole batches starting with the one that contains {@code offset}, up to {@code maxBytes}, never past
     * {@code bound} (the log end, or the high watermark's or last stable offset's place for a consumer read); if
     * {@code minOneBatch} the first batch is returned even when larger than maxBytes (KIP-74). An offset below the
     * log start or above the log end → OffsetOutOfRangeException; at or past the bound (but not past the log end)
     * → an empty slice. With {@code withAborted} (read_committed) the result lists the aborted transactions
     * overlapping [offset, end of the returned batches).
     */
    static ReadResult read(Path dir, NavigableMap<Long, LogSegment> segments, Log.EndOffset e, Log.EndOffset bound,
                           long lso, long hw, long lastStable, long offset, int maxBytes, boolean minOneBatch,
                           boolean withAborted) {
        if (offset < lso || offset > e.offset()) {
            throw new OffsetOutOfRangeException("Offset " + offset + " is out of range for " + dir.getFileName()
                    + ": log start " + lso + ", log end " + e.offset());
        }
        try {
            Map.Entry<Long, LogSegment> entry = segments.floorEntry(offset);
            if (offset >= bound.offset() || entry == null) {
                LogSegment seg = entry != null ? entry.getValue() : segments.lastEntry().getValue();
                return new ReadResult(seg.channel(), bound.segmentBaseOffset() == seg.baseOffset() ? bound.position()
                        : seg.size(), 0, lso, hw, e.offset(), lastStable, List.of());
            }
            while (entry != null) {
                LogSegment seg = entry.getValue();
                boolean boundSegment = seg.baseOffset() == bound.segmentBaseOffset();
                int maxPosition = boundSegment ? bound.position() : seg.size();
                LogSegment.Slice slice = seg.read(offset, Math.max(maxBytes, 0), maxPosition, minOneBatch);
                if (slice != null) {
                    List<AbortedTxn> aborted = List.of();
                    if (withAborted && slice.size() > 0) {
                        // Only what the returned batches need: up to the batch after them, else the read's end.
                        long upper = slice.nextBatchOffset() >= 0 ? slice.nextBatchOffset()
                                : boundSegment ? bound.offset() : seg.nextOffset();
                        aborted = abortedTransactions(dir, segments, offset, upper);
                    }
                    return new ReadResult(seg.channel(), slice.position(), slice.size(), lso, hw, e.offset(),
                            lastStable, aborted);
                }
                if (seg.baseOffset() >= bound.segmentBaseOffset()) {
                    break;
                }
                entry = segments.higherEntry(seg.baseOffset());
            }
            LogSegment last = segments.lastEntry().getValue();
            return new ReadResult(last.channel(), 0, 0, lso, hw, e.offset(), lastStable, List.of());
        } catch (IOException ex) {
            throw new KafkaStorageException("I/O error reading " + dir, ex);
        }
    }

    /**
     * Kafka's {@code collectAbortedTransactions}: the aborted transactions overlapping
     * [{@code fetchOffset}, {@code upperBoundOffset}) from the {@code .txnindex} of the segment holding
     * {@code fetchOffset} and of the later ones, until a segment's search is complete.
     */
    static List<AbortedTxn> abortedTransactions(Path dir, NavigableMap<Long, LogSegment> segments, long fetchOffset,
                                                long upperBoundOffset) {
        List<AbortedTxn> out = new ArrayList<>();
        if (upperBoundOffset <= fetchOffset) {
            return out;
        }
        Long from = segments.floorKey(fetchOffset);
        try {
            for (LogSegment seg : segments.tailMap(from == null ? segments.firstKey() : from, true).values()) {
                TransactionIndex.SearchResult r = seg.txnIndex.collect(fetchOffset, upperBoundOffset);
                out.addAll(r.aborted());
                if (r.complete()) {
                    break;
                }
            }
        } catch (IOException ex) {
            throw new KafkaStorageException("I/O error reading the transaction index of " + dir, ex);
        }
        return out;
    }

    /**
     * Where {@code maxOffset} (below the log end {@code e}) lies: the start of the batch that holds it, so that a
     * read bounded there returns only batches wholly below it.
     */
    static Log.EndOffset boundAt(Path dir, NavigableMap<Long, LogSegment> segments, Log.EndOffset e, long maxOffset) {
        Map.Entry<Long, LogSegment> entry = segments.floorEntry(maxOffset);
        if (entry == null) {
            return new Log.EndOffset(maxOffset, segments.firstKey(), 0);
        }
        LogSegment seg = entry.getValue();
        int limit = seg.baseOffset() == e.segmentBaseOffset() ? e.position() : seg.size();
        try {
            LogSegment.Slice at = seg.translateOffset(maxOffset, limit,
                    java.nio.ByteBuffer.allocate(RecordBatchHeader.HEADER_SIZE));
            return new Log.EndOffset(maxOffset, seg.baseOffset(), at == null ? limit : at.position());
        } catch (IOException ex) {
            throw new KafkaStorageException("I/O error reading " + dir, ex);
        }
    }

    /** The first offset whose batch max timestamp is ≥ {@code timestamp} (ListOffsets by time), or empty. */
    static Optional<TimestampAndOffset> offsetForTimestamp(Path dir, NavigableMap<Long, LogSegment> segments,
                                                           Log.EndOffset e, long lso, long timestamp) {
        try {
            for (LogSegment seg : segments.values()) {
                if (seg.maxTimestamp() < timestamp || seg.baseOffset() > e.offset()) {
                    continue;
                }
                int maxPosition = seg.baseOffset() == e.segmentBaseOffset() ? e.position() : seg.size();
                TimestampAndOffset r = seg.findOffsetByTimestamp(timestamp, lso, maxPosition);
                if (r != null) {
                    return Optional.of(new TimestampAndOffset(r.timestamp(), Math.max(r.offset(), lso),
                            r.leaderEpoch()));
                }
            }
            return Optional.empty();
        } catch (IOException ex) {
            throw new KafkaStorageException("I/O error searching " + dir, ex);
        }
    }

    /** The record with the largest timestamp (ListOffsets MAX_TIMESTAMP), or empty when the log is empty. */
    static Optional<TimestampAndOffset> maxTimestamp(Path dir, NavigableMap<Long, LogSegment> segments, Log.EndOffset e) {
        LogSegment best = null;
        for (LogSegment seg : segments.values()) {
            if (seg.baseOffset() > e.offset()) {
                continue;
            }
            if (seg.maxTimestamp() >= 0 && (best == null || seg.maxTimestamp() > best.maxTimestamp())) {
                best = seg;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        try {
            int maxPosition = best.baseOffset() == e.segmentBaseOffset() ? e.position() : best.size();
            return Optional.ofNullable(best.findMaxTimestampRecord(maxPosition));
        } catch (IOException ex) {
            throw new KafkaStorageException("I/O error searching " + dir, ex);
        }
    }
}
