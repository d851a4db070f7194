package io.samsa.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;

/**
 * The read side of a {@link Log}: fetch reads and timestamp lookups over its segments, bounded by the log end
 * the caller captured ({@link Log.EndOffset}), so they never see a batch still being written. Stateless and
 * lock-free; called from any reader thread.
 */
final class LogReads {

    private LogReads() {
    }

    /**
     * Reads whole batches starting with the one that contains {@code offset}, up to {@code maxBytes};
     * if {@code minOneBatch} the first batch is returned even when larger than maxBytes (KIP-74).
     * An offset below the log start or above the log end → OffsetOutOfRangeException; at the log end
     * → an empty slice.
     */
    static ReadResult read(Path dir, NavigableMap<Long, LogSegment> segments, Log.EndOffset e, long lso, long offset,
                           int maxBytes, boolean minOneBatch) {
        if (offset < lso || offset > e.offset()) {
            throw new OffsetOutOfRangeException("Offset " + offset + " is out of range for " + dir.getFileName()
                    + ": log start " + lso + ", log end " + e.offset());
        }
        try {
            Map.Entry<Long, LogSegment> entry = segments.floorEntry(offset);
            if (offset == e.offset() || entry == null) {
                LogSegment seg = entry != null ? entry.getValue() : segments.lastEntry().getValue();
                return new ReadResult(seg.channel(), e.segmentBaseOffset() == seg.baseOffset() ? e.position()
                        : seg.size(), 0, lso, e.offset());
            }
            while (entry != null) {
                LogSegment seg = entry.getValue();
                int maxPosition = seg.baseOffset() == e.segmentBaseOffset() ? e.position() : seg.size();
                LogSegment.Slice slice = seg.read(offset, Math.max(maxBytes, 0), maxPosition, minOneBatch);
                if (slice != null) {
                    return new ReadResult(seg.channel(), slice.position(), slice.size(), lso, e.offset());
                }
                if (seg.baseOffset() >= e.segmentBaseOffset()) {
                    break;
                }
                entry = segments.higherEntry(seg.baseOffset());
            }
            LogSegment last = segments.lastEntry().getValue();
            return new ReadResult(last.channel(), 0, 0, lso, e.offset());
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
                long[] r = seg.findOffsetByTimestamp(timestamp, lso, maxPosition);
                if (r != null) {
                    return Optional.of(new TimestampAndOffset(r[0], Math.max(r[1], lso), (int) r[2]));
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
            long[] r = best.findMaxTimestampRecord(maxPosition);
            return r == null ? Optional.empty() : Optional.of(new TimestampAndOffset(r[0], r[1], (int) r[2]));
        } catch (IOException ex) {
            throw new KafkaStorageException("I/O error searching " + dir, ex);
        }
    }
}
