package io.samsa.log;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cutting a {@link Log}'s tail (Kafka's {@code UnifiedLog.truncateTo} / {@code truncateFullyAndStartAt}): what a
 * follower does after a leader change, to drop the records the new leader does not have. Stateless; every method
 * runs with the log's lock held (the calling {@link Log} method takes it), on the replica fetcher's thread.
 *
 * <p>Crash safety: the recovery point is lowered first, so that a crash part-way makes the next start re-check
 * the cut segment; segments are deleted highest first, so that at every instant the directory holds a contiguous
 * prefix of the old log; the cut segment's file is fsynced after its truncation. Producer-state snapshots above
 * the new end are deleted on reload, and the leader-epoch cache is checkpointed after each change. So a restart
 * at any point finds a consistent log that ends at or above the target (the fetcher then truncates again).
 */
final class LogTruncation {

    private static final Logger LOG = LoggerFactory.getLogger(LogTruncation.class);

    private LogTruncation() {
    }

    /**
     * Drops every batch holding an offset at or after {@code offset} (a batch is never split: a target inside a
     * batch drops the whole batch, as in Kafka). A target below the log start empties the log and restarts it
     * there. Returns false when the log end was already at or below the target (epochs starting at the log end
     * are still dropped).
     */
    static boolean truncateTo(Log log, long offset) throws IOException {
        if (offset >= log.end.offset()) {
            // Nothing to cut, but an epoch this replica began as leader at its log end, without writing, must go
            // (as in Kafka): else its next fetch names that epoch and the leader reports the same divergence again.
            log.epochCache.truncateFromEnd(log.end.offset());
            return false;
        }
        if (offset < log.logStartOffset) {
            truncateFullyAndStartAt(log, offset);
            return true;
        }
        log.flusher.lowerRecoveryPointTo(offset);
        List<LogSegment> above = new ArrayList<>(log.segments.tailMap(offset, false).descendingMap().values());
        for (LogSegment seg : above) {
            if (seg.baseOffset() == log.segments.firstKey()) {
                break; // the first segment stays (and is cut below), so the log keeps its start
            }
            log.segments.remove(seg.baseOffset());
            seg.deleteFiles(log.fileDeleteDelayMs, log.background);
        }
        LogSegment last = log.segments.lastEntry().getValue();
        int cut = last.truncateTo(offset);
        last.makeActive(log.config.maxIndexBytes());
        long newEnd = last.nextOffset();
        log.end = new Log.EndOffset(newEnd, last.baseOffset(), last.size());
        if (newEnd < log.logStartOffset) {
            // The target lay inside the batch that holds the log start: nothing at or above the start is left.
            truncateFullyAndStartAt(log, offset);
            return true;
        }
        afterTailCut(log, newEnd);
        LOG.info("{}: truncated to offset {} ({} segments deleted, {} bytes cut from segment {}); log end now {}",
                log.dir.getFileName(), offset, above.size(), cut, last.baseOffset(), newEnd);
        return true;
    }

    /**
     * Deletes every segment and starts an empty one at {@code offset}; log start, log end, high watermark and
     * recovery point all become it; producer state and leader epochs are forgotten. Segments at or above the
     * target go first (highest first), then the new segment is created, then the rest: a crash leaves either a
     * prefix of the old log, or a prefix plus the empty new segment above it (the log end is then the target).
     */
    static void truncateFullyAndStartAt(Log log, long offset) throws IOException {
        for (LogSegment seg : new ArrayList<>(log.segments.tailMap(offset, true).descendingMap().values())) {
            log.segments.remove(seg.baseOffset());
            seg.deleteFiles(log.fileDeleteDelayMs, log.background);
        }
        LogSegment fresh = LogSegment.open(log.dir, offset, log.config, true, log.clock.millis());
        List<LogSegment> below = new ArrayList<>(log.segments.descendingMap().values());
        log.segments.put(offset, fresh);
        for (LogSegment seg : below) {
            log.segments.remove(seg.baseOffset());
            seg.deleteFiles(log.fileDeleteDelayMs, log.background);
        }
        LogFiles.fsyncDir(log.dir);
        log.logStartOffset = offset;
        log.end = new Log.EndOffset(offset, offset, 0);
        log.highWatermark = offset;
        log.flusher.start(offset, log.clock.millis());
        log.producerState.deleteAllSnapshots();
        log.epochCache.clear();
        LogLoader.loadProducerState(log.dir, log.producerState, log.segments, offset, offset, null);
        log.publishFirstUnstableOffset();
        LOG.info("{}: emptied and restarted at offset {}", log.dir.getFileName(), offset);
    }

    /** The log end moved back to {@code newEnd}: clamp the high watermark, reload producer state, cut the epochs. */
    private static void afterTailCut(Log log, long newEnd) throws IOException {
        log.flusher.lowerRecoveryPointTo(newEnd);
        if (log.highWatermark > newEnd) {
            log.highWatermark = newEnd;
        }
        // Replaying from a snapshot below the cut reopens a transaction whose marker was cut off.
        LogLoader.loadProducerState(log.dir, log.producerState, log.segments, log.logStartOffset, newEnd, null);
        log.publishFirstUnstableOffset();
        log.epochCache.truncateFromEnd(newEnd);
        LogFiles.fsyncDir(log.dir);
    }
}
