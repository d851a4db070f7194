package io.samsa.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.protocol.records.CompactionRecords;
import io.samsa.protocol.records.RecordBatchHeader;

/**
 * One cleaning of one log (Kafka's {@code Cleaner.doClean}): maps key → latest offset over the dirty part
 * ({@link OffsetMap}, as far as it holds), then rewrites every non-active segment below the mapped end in groups
 * that fit one segment, keeping per key only its newest record, at its original offset. The batches are filtered
 * with kafka-clients' own filter ({@link CompactionRecords}): a batch all of whose records stay is copied byte for byte;
 * others are rebuilt (same compression, offsets, producer fields); a tombstone is kept and its batch stamped with a
 * delete horizon (now + delete.retention.ms) the first time it is cleaned, and dropped by the first cleaning after
 * that horizon; the last batch of each producer id the log knows is kept, emptied if need be, so that idempotent
 * producer state survives; control batches stay; records without a key are dropped (Kafka rejects them at produce
 * on a compacted topic). Transactions, as Kafka's cleaner: the range never reaches the last stable offset (see
 * {@link CleanerSelection}); records of aborted transactions (from the segments' {@code .txnindex}) are not mapped
 * and are removed; transaction markers are kept (Kafka removes them only later, which Samsa does not do yet), and
 * so are the cleaned segments' {@code .txnindex} entries. Each group is swapped in crash-safely by
 * {@link SegmentSwap}.
 *
 * <p>Reads and writes happen without the log's lock: non-active segments are immutable except through truncation
 * or deletion, so before each swap the lock is taken and the cleaning is abandoned if the log was truncated, closed
 * or lost one of the group's segments meanwhile. Stateless; runs on a cleaner thread.
 */
final class LogCompactor {

    private static final Logger LOG = LoggerFactory.getLogger(LogCompactor.class);
    private static final int INITIAL_BUFFER = 256 * 1024;

    /** Thrown when the log changed under the cleaning (truncated, closed, segment deleted): nothing was swapped. */
    static final class Aborted extends Exception {
        Aborted(String why) {
            super(why, null, false, false);
        }
    }

    /**
     * What one cleaning did: the new first dirty offset, bytes read and written by the rewrite, the latest delete
     * horizon stamped on a kept batch ({@link RecordBatchHeader#NO_TIMESTAMP} if none), and groups swapped.
     */
    record Result(long endOffset, long bytesRead, long bytesWritten, long latestDeleteHorizon, int groups) {
    }

    private LogCompactor() {
    }

    /**
     * Cleans {@code log} from {@code firstDirtyOffset} up to at most {@code upperBound} (the first uncleanable
     * offset) with {@code map} (cleared first).
     */
    static Result clean(Log log, long firstDirtyOffset, long upperBound, OffsetMap map, Throttler throttler, long now)
            throws IOException, Aborted {
        long truncations;
        Map<Long, Long> lastBatchOfProducer = new HashMap<>();
        List<LogSegment> nonActive;
        log.lock.lock();
        try {
            ensureUsable(log);
            truncations = log.truncations;
            nonActive = new ArrayList<>(log.segments.headMap(log.segments.lastKey(), false).values());
            log.producerState.forEachLastBatch((pid, lastOffset) -> lastBatchOfProducer.put(pid, lastOffset));
        } finally {
            log.lock.unlock();
        }
        map.clear();
        long endOffset = buildOffsetMap(nonActive, firstDirtyOffset, upperBound, map, throttler,
                LogReads.abortedTransactions(log.dir, log.segments, firstDirtyOffset, upperBound));
        List<List<LogSegment>> groups = groupBySize(nonActive, endOffset, log.config);
        LogConfig cfg = log.config;
        long read = 0;
        long written = 0;
        long horizon = RecordBatchHeader.NO_TIMESTAMP;
        for (List<LogSegment> group : groups) {
            long groupStart = group.get(0).baseOffset();
            long groupEnd = group.get(group.size() - 1).nextOffset();
            // Aborted transactions begun at or past the upper bound may still be undecided above the high
            // watermark: their records stay (offsets past the mapped range are kept anyway).
            Rules rules = new Rules(now, map, endOffset, lastBatchOfProducer, new AbortedTracker(
                    LogReads.abortedTransactions(log.dir, log.segments, groupStart, Math.min(groupEnd, upperBound))));
            LogSegment cleaned = LogSegment.createWithSuffix(log.dir, groupStart, cfg, now,
                    SegmentSwap.CLEANED_SUFFIX);
            boolean swapped = false;
            try {
                for (LogSegment seg : group) {
                    read += seg.size();
                    horizon = Math.max(horizon, cleanInto(seg, cleaned, rules, now, cfg, throttler));
                    // Markers are kept, so each aborted transaction stays listed where its marker is.
                    for (AbortedTxn t : seg.txnIndex.all()) {
                        cleaned.txnIndex.append(t);
                    }
                }
                cleaned.onBecomeInactive();
                cleaned.flush();
                Files.setLastModifiedTime(cleaned.logFile(), lastModified(group.get(group.size() - 1)));
                written += cleaned.size();
                swapped = swap(log, cleaned, group, truncations);
            } catch (SegmentSwap.SimulatedCrash crash) {
                swapped = true; // a simulated kill -9: leave every file where it is
                throw crash;
            } finally {
                // An offline log failed after its swap was committed: the next start completes it from the files.
                if (!swapped && !log.isOffline()) {
                    discard(log, cleaned);
                }
            }
        }
        return new Result(endOffset, read, written, horizon, groups.size());
    }

    private static void ensureUsable(Log log) throws Aborted {
        if (log.closed || log.isOffline()) {
            throw new Aborted(log.dir.getFileName() + " is closed or offline");
        }
    }

    /** Under the log's lock: checks that nothing changed the cleaned range, then swaps (true). */
    private static boolean swap(Log log, LogSegment cleaned, List<LogSegment> group, long truncations)
            throws IOException, Aborted {
        log.lock.lock();
        try {
            ensureUsable(log);
            if (log.truncations != truncations) {
                throw new Aborted(log.dir.getFileName() + " was truncated during its cleaning");
            }
            long active = log.segments.lastKey();
            for (LogSegment s : group) {
                if (log.segments.get(s.baseOffset()) != s || s.baseOffset() >= active) {
                    throw new Aborted("segment " + s.baseOffset() + " of " + log.dir.getFileName()
                            + " was deleted during its cleaning");
                }
            }
            SegmentSwap.replace(log, cleaned, group);
            return true;
        } finally {
            log.lock.unlock();
        }
    }

    private static void discard(Log log, LogSegment cleaned) {
        try {
            cleaned.closeWithoutFlush();
            for (String suffix : new String[] {SegmentSwap.CLEANED_SUFFIX, SegmentSwap.SWAP_SUFFIX}) {
                for (String ext : LogFiles.SEGMENT_SUFFIXES) {
                    Files.deleteIfExists(log.dir.resolve(LogFiles.name(cleaned.baseOffset(), ext) + suffix));
                }
            }
        } catch (IOException e) {
            LOG.warn("{}: could not delete an abandoned cleaned segment {}", log.dir.getFileName(),
                    cleaned.baseOffset(), e);
        }
    }

    private static FileTime lastModified(LogSegment seg) throws IOException {
        try {
            return Files.getLastModifiedTime(seg.logFile());
        } catch (java.nio.file.NoSuchFileException deletedMeanwhile) {
            return FileTime.fromMillis(System.currentTimeMillis());
        }
    }

    /**
     * Maps every keyed record in [firstDirtyOffset, upperBound) until the map is full, except those of the
     * {@code aborted} transactions; returns one past the last offset looked at (the end of this cleaning's dirty
     * range).
     */
    static long buildOffsetMap(List<LogSegment> segments, long firstDirtyOffset, long upperBound, OffsetMap map,
                               Throttler throttler, List<AbortedTxn> aborted) throws IOException {
        AbortedTracker abortedTracker = new AbortedTracker(aborted);
        long end = firstDirtyOffset;
        for (LogSegment seg : segments) {
            if (seg.nextOffset() <= firstDirtyOffset) {
                continue;
            }
            if (seg.baseOffset() >= upperBound) {
                break;
            }
            SegmentChunks chunks = new SegmentChunks(seg, INITIAL_BUFFER);
            for (ByteBuffer chunk; (chunk = chunks.next()) != null; ) {
                throttler.acquire(chunk.remaining());
                long[] mappedEnd = {end};
                boolean stopped = CompactionRecords.scan(chunk, new CompactionRecords.Scan() {
                    @Override
                    public CompactionRecords.Next batch(CompactionRecords.Batch batch) {
                        boolean abortedBatch = abortedTracker.isAborted(batch); // sees every batch, in order
                        if (batch.lastOffset() < firstDirtyOffset) {
                            return CompactionRecords.Next.SKIP;
                        }
                        if (batch.baseOffset() >= upperBound) {
                            return CompactionRecords.Next.STOP;
                        }
                        // Past the batch once its records are mapped (a control batch has none to map; an aborted
                        // transaction's are not mapped: they never shadow a committed record).
                        mappedEnd[0] = Math.max(mappedEnd[0], Math.min(batch.lastOffset() + 1, upperBound));
                        return abortedBatch ? CompactionRecords.Next.SKIP : CompactionRecords.Next.CONTINUE;
                    }

                    @Override
                    public CompactionRecords.Next record(long offset, ByteBuffer key) {
                        if (offset < firstDirtyOffset) {
                            return CompactionRecords.Next.CONTINUE;
                        }
                        if (offset >= upperBound) {
                            return CompactionRecords.Next.STOP;
                        }
                        if (key != null && !map.put(key, offset)) {
                            mappedEnd[0] = offset; // full: this record and the rest are the next pass's
                            return CompactionRecords.Next.STOP;
                        }
                        return CompactionRecords.Next.CONTINUE;
                    }
                });
                end = mappedEnd[0];
                if (stopped) {
                    return end;
                }
                chunks.consumed(chunk.limit());
            }
        }
        return end;
    }

    /**
     * Kafka's {@code groupSegmentsBySize}: consecutive segments below {@code endOffset} whose total size and index
     * sizes fit one segment, and whose offsets fit one segment's relative offsets.
     */
    static List<List<LogSegment>> groupBySize(List<LogSegment> segments, long endOffset, LogConfig cfg) {
        List<List<LogSegment>> groups = new ArrayList<>();
        List<LogSegment> group = null;
        long logSize = 0;
        long indexSize = 0;
        long timeIndexSize = 0;
        for (LogSegment seg : segments) {
            if (seg.baseOffset() >= endOffset) {
                break;
            }
            long segIndex = (long) seg.offsetIndex.entries() * OffsetIndex.ENTRY_SIZE;
            long segTime = (long) seg.timeIndex.entries() * TimeIndex.ENTRY_SIZE;
            boolean fits = group != null && logSize + seg.size() <= cfg.segmentBytes()
                    && indexSize + segIndex <= cfg.maxIndexBytes() && timeIndexSize + segTime <= cfg.maxIndexBytes()
                    && (seg.size() == 0 || seg.nextOffset() - 1 - group.get(0).baseOffset() <= Integer.MAX_VALUE);
            if (!fits) {
                group = new ArrayList<>();
                groups.add(group);
                logSize = 0;
                indexSize = 0;
                timeIndexSize = 0;
            }
            group.add(seg);
            logSize += seg.size();
            indexSize += segIndex;
            timeIndexSize += segTime;
        }
        return groups;
    }

    /**
     * Filters the batches of {@code source} into {@code dest} (Kafka's {@code cleanInto}); returns the latest delete
     * horizon stamped on a written batch.
     */
    private static long cleanInto(LogSegment source, LogSegment dest, Rules rules, long now, LogConfig cfg,
                                  Throttler throttler) throws IOException {
        long horizon = RecordBatchHeader.NO_TIMESTAMP;
        SegmentChunks chunks = new SegmentChunks(source, INITIAL_BUFFER);
        ByteBuffer writeBuffer = ByteBuffer.allocate(INITIAL_BUFFER);
        for (ByteBuffer chunk; (chunk = chunks.next()) != null; ) {
            throttler.acquire(chunk.remaining());
            writeBuffer.clear();
            if (writeBuffer.capacity() < chunk.remaining()) {
                writeBuffer = ByteBuffer.allocate(chunk.remaining());
            }
            CompactionRecords.Filtered result = CompactionRecords.filter(chunk, writeBuffer,
                    Math.max(cfg.maxMessageBytes(), chunk.remaining()), now, cfg.deleteRetentionMs(), rules);
            ByteBuffer out = result.output();
            if (out.hasRemaining()) {
                horizon = Math.max(horizon, result.latestDeleteHorizonMs());
                throttler.acquire(out.remaining());
                dest.append(out);
            }
            chunks.consumed(result.bytesRead());
        }
        return horizon;
    }

    /**
     * Tells the batches of aborted transactions as a cleaning walks the log in order (Kafka's
     * CleanedTransactionMetadata, without marker removal): an aborted transaction is under way for its producer from
     * its first offset until its producer's marker. Not thread-safe: one per walk.
     */
    static final class AbortedTracker {
        private final ArrayDeque<AbortedTxn> pending;
        private final Set<Long> abortingProducers = new HashSet<>();

        AbortedTracker(List<AbortedTxn> aborted) {
            List<AbortedTxn> byFirstOffset = new ArrayList<>(aborted);
            byFirstOffset.sort(Comparator.comparingLong(AbortedTxn::firstOffset));
            this.pending = new ArrayDeque<>(byFirstOffset);
        }

        /** Called for every batch in log order: whether it holds records of an aborted transaction. */
        boolean isAborted(CompactionRecords.Batch batch) {
            while (!pending.isEmpty() && pending.peekFirst().firstOffset() <= batch.lastOffset()) {
                abortingProducers.add(pending.pollFirst().producerId());
            }
            if (batch.isControl()) {
                abortingProducers.remove(batch.producerId()); // its marker ends the producer's transaction
                return false;
            }
            return batch.isTransactional() && abortingProducers.contains(batch.producerId());
        }
    }

    /** Kafka's cleaner rules: what stays of each batch and record. */
    static final class Rules implements CompactionRecords.Rules {
        private final long now;
        private final OffsetMap map;
        private final long endOffset;
        private final Map<Long, Long> lastBatchOfProducer;
        private final AbortedTracker aborted;

        Rules(long now, OffsetMap map, long endOffset, Map<Long, Long> lastBatchOfProducer, AbortedTracker aborted) {
            this.now = now;
            this.map = map;
            this.endOffset = endOffset;
            this.lastBatchOfProducer = lastBatchOfProducer;
            this.aborted = aborted;
        }

        /** The records of an aborted transaction all go, whatever their keys. */
        @Override
        public boolean discardBatch(CompactionRecords.Batch batch) {
            return aborted.isAborted(batch);
        }

        /** The last batch of each producer the log knows stays, emptied if need be: its producer state survives. */
        @Override
        public boolean keepEmptyBatch(CompactionRecords.Batch batch) {
            Long last = batch.producerId() >= 0 ? lastBatchOfProducer.get(batch.producerId()) : null;
            return last != null && last == batch.lastOffset();
        }

        @Override
        public boolean keep(long offset, ByteBuffer key, boolean hasValue, long deleteHorizonMs) {
            if (offset >= endOffset) {
                return true;
            }
            if (key == null) {
                return false;
            }
            if (offset < map.get(key)) {
                return false; // a newer record of this key exists
            }
            if (hasValue) {
                return true;
            }
            return deleteHorizonMs == RecordBatchHeader.NO_TIMESTAMP || now < deleteHorizonMs;
        }
    }
}
