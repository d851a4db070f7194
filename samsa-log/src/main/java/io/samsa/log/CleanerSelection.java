package io.samsa.log;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How the {@link LogCleaner} chooses what to clean (Kafka's {@code LogCleanerManager.grabFilthiestCompactedLog}):
 * for each compacted log, the dirty range runs from the checkpointed first dirty offset (the log start when there
 * is none, or when it lies outside the log) to the first uncleanable offset — the smallest of the active segment's
 * base, the last stable offset (the high watermark, or the first offset of an undecided transaction: Kafka never
 * cleans past it), and the base of the first dirty segment newer than min.compaction.lag.ms. Its dirty
 * ratio is dirty bytes / (clean + dirty bytes) of the non-active segments below that offset. Stateless: reads the
 * logs' volatile state without their locks (a stale view only delays or skips a round); any thread.
 */
final class CleanerSelection {

    /** A log to clean and the range to clean it over. */
    record Candidate(String name, Log log, long firstDirtyOffset, long firstUncleanableOffset, long cleanBytes,
                     long dirtyBytes, boolean needCompactionNow) {
        double ratio() {
            long total = cleanBytes + dirtyBytes;
            return total == 0 ? 0 : (double) dirtyBytes / total;
        }
    }

    private CleanerSelection() {
    }

    /**
     * The eligible log with the largest dirty ratio, or null: eligible when its dirty ratio exceeds
     * min.cleanable.dirty.ratio, or it has dirty bytes older than max.compaction.lag.ms, or the delete horizon of
     * the tombstones its last cleaning kept has passed.
     */
    static Candidate filthiest(Map<String, Log> logs, Set<String> inProgress, Map<String, Long> checkpoints,
                               Map<String, Long> deleteHorizons) {
        Candidate best = null;
        boolean bestByDirt = false;
        for (Map.Entry<String, Log> e : logs.entrySet()) {
            Log log = e.getValue();
            if (!log.config.compact() || log.closed || log.isOffline() || inProgress.contains(e.getKey())) {
                continue;
            }
            long now = log.clock.millis();
            Candidate c = cleanable(e.getKey(), log, checkpoints.getOrDefault(e.getKey(), -1L), now);
            boolean byDirt = c.dirtyBytes() > 0
                    && (c.needCompactionNow() || c.ratio() > log.config.minCleanableDirtyRatio());
            Long horizon = deleteHorizons.get(e.getKey());
            boolean byTombstones = horizon != null && horizon <= now;
            if (!byDirt && !byTombstones) {
                continue;
            }
            // Kafka cleans logs with dirt first; a log only waiting for its tombstones comes after them.
            if (best == null || (byDirt && !bestByDirt) || (byDirt == bestByDirt && c.ratio() > best.ratio())) {
                best = c;
                bestByDirt = byDirt;
            }
        }
        return best;
    }

    /** The dirty range of {@code log} and its clean and dirty bytes at {@code now}. */
    static Candidate cleanable(String name, Log log, long checkpointedDirtyOffset, long now) {
        List<LogSegment> segments = new ArrayList<>(log.segments.values());
        LogSegment active = segments.remove(segments.size() - 1);
        long logStart = log.logStartOffset;
        long firstDirty = checkpointedDirtyOffset < logStart || checkpointedDirtyOffset > log.logEndOffset()
                ? logStart : checkpointedDirtyOffset;
        long uncleanable = Math.min(active.baseOffset(), log.lastStableOffset());
        LogConfig cfg = log.config;
        long clean = 0;
        long dirty = 0;
        boolean needNow = false;
        boolean firstDirtySegment = true;
        for (LogSegment seg : segments) {
            if (seg.baseOffset() >= uncleanable) {
                break;
            }
            if (seg.nextOffset() <= firstDirty) {
                clean += seg.size();
                continue;
            }
            if (cfg.minCompactionLagMs() > 0 && largestTimestamp(seg) > now - cfg.minCompactionLagMs()) {
                uncleanable = Math.min(uncleanable, Math.max(seg.baseOffset(), firstDirty));
                break;
            }
            if (firstDirtySegment) {
                long firstTs = seg.firstBatchTimestamp;
                needNow = firstTs >= 0 && now - firstTs >= cfg.maxCompactionLagMs();
                firstDirtySegment = false;
            }
            dirty += seg.size();
        }
        return new Candidate(name, log, firstDirty, Math.max(firstDirty, uncleanable), clean, dirty, needNow);
    }

    private static long largestTimestamp(LogSegment seg) {
        try {
            return seg.largestTimestamp();
        } catch (IOException deletedMeanwhile) {
            return Long.MAX_VALUE; // not cleanable now
        }
    }
}
