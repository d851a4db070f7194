package io.samsa.log;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deleting side of a {@link Log}'s start: retention by time and size, and explicit log-start moves.
 * Stateless; every method runs with the log's lock held (the calling {@link Log} method takes it), on the log
 * manager's background thread or a request thread.
 *
 * <p>Nothing at or above the high watermark is ever deleted (Kafka's rule in {@code UnifiedLog.deletableSegments}
 * and {@code maybeIncrementLogStartOffset}): records above it are not yet committed, so a consumer has not been
 * allowed to read them and a leader change may still truncate and rewrite them; moving the log start past the
 * high watermark would also make "log start ≤ high watermark" false, and a follower fetching from there would be
 * answered OFFSET_OUT_OF_RANGE for offsets the leader still owes it. On a single node the high watermark is the
 * log end, so this excludes only the active segment, which retention never deletes anyway.
 */
final class LogRetention {

    private static final Logger LOG = LoggerFactory.getLogger(LogRetention.class);

    private LogRetention() {
    }

    /**
     * Deletes whole segments past retention.ms / retention.bytes, oldest first, never the active one nor one
     * holding offsets at or above the high watermark; returns how many. Only when cleanup.policy holds delete (as
     * Kafka: a compact-only log keeps every segment; compact,delete is both cleaned and retained).
     */
    static int deleteRetainedSegments(Log log) throws IOException {
        LogConfig cfg = log.config;
        if (!cfg.delete()) {
            return 0; // cleanup.policy=compact: the log cleaner alone shrinks the log
        }
        long now = log.clock.millis();
        List<LogSegment> candidates = new ArrayList<>(log.segments.values());
        candidates.remove(candidates.size() - 1); // never the active segment
        long excess = cfg.retentionBytes() < 0 ? Long.MIN_VALUE : log.sizeInBytes() - cfg.retentionBytes();
        int deleted = 0;
        for (LogSegment seg : candidates) {
            Long upperBound = log.segments.higherKey(seg.baseOffset());
            if (upperBound == null || upperBound > log.highWatermark) {
                break; // holds offsets the high watermark has not passed
            }
            boolean byTime = cfg.retentionMs() >= 0 && now - seg.largestTimestamp() > cfg.retentionMs();
            boolean bySize = excess != Long.MIN_VALUE && excess - seg.size() >= 0;
            if (!byTime && !bySize) {
                break;
            }
            if (excess != Long.MIN_VALUE) {
                excess -= seg.size();
            }
            log.segments.remove(seg.baseOffset());
            log.logStartOffset = Math.max(log.logStartOffset, log.segments.firstKey());
            seg.deleteFiles(log.fileDeleteDelayMs, log.background);
            deleted++;
            LOG.info("{}: deleted segment {} by retention ({}), log start offset now {}", log.dir.getFileName(),
                    seg.baseOffset(), byTime ? "retention.ms" : "retention.bytes", log.logStartOffset);
        }
        log.flusher.raiseRecoveryPointTo(log.logStartOffset);
        if (deleted > 0) {
            log.epochCache.truncateFromStart(log.logStartOffset);
            log.publishFirstUnstableOffset();
        }
        return deleted;
    }

    /**
     * Raises the log start offset (log-start-offset-checkpoint at start-up, DeleteRecords); segments wholly below
     * it are deleted. No effect below the current start or past the high watermark.
     */
    static void maybeIncrementLogStartOffset(Log log, long newLogStartOffset) throws IOException {
        if (newLogStartOffset <= log.logStartOffset || newLogStartOffset > log.highWatermark) {
            return;
        }
        log.logStartOffset = newLogStartOffset;
        while (log.segments.size() > 1) {
            Map.Entry<Long, LogSegment> first = log.segments.firstEntry();
            Long nextBase = log.segments.higherKey(first.getKey());
            if (nextBase == null || nextBase > newLogStartOffset) {
                break;
            }
            log.segments.remove(first.getKey());
            first.getValue().deleteFiles(log.fileDeleteDelayMs, log.background);
        }
        log.epochCache.truncateFromStart(newLogStartOffset);
        log.publishFirstUnstableOffset();
    }
}
