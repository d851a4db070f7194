package io.samsa.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.protocol.records.ControlRecords;
import io.samsa.protocol.records.RecordBatchHeader;

/**
 * Opens the segments of one log directory at start-up (called once, by {@link Log#open}, before the log is
 * shared). First an interrupted swap of cleaned segments is completed or discarded ({@link SegmentSwap#recover}).
 * After a clean shutdown every segment's indexes are trusted when they look sane; a missing, short or corrupt index
 * of <em>any</em> segment is rebuilt from its log file. After an unclean stop every segment from
 * the recovery point on is re-validated, and the first invalid batch and everything after it is cut off. A
 * segment's {@code .txnindex} is rebuilt (by {@link #loadProducerState}) when the segment holds transaction
 * markers and was recovered, or its file is missing or torn; without markers it is simply emptied.
 * Runs on the thread that opens the log (the log manager's caller at start-up, or a creating request thread).
 */
final class LogLoader {

    private static final Logger LOG = LoggerFactory.getLogger(LogLoader.class);

    /**
     * What loading did: the first segment that was recovered (null if none), whether the log is new, the
     * segments whose {@code .txnindex} must be rebuilt by the producer-state replay, and the segments outside the
     * recovered range whose offset and time indexes were rebuilt because they were missing or failed the sanity
     * checks (after a clean shutdown this should be none).
     */
    record Outcome(Long recoveredFrom, boolean brandNew, NavigableSet<Long> txnIndexRebuilds,
                   NavigableSet<Long> indexRebuilds) {
    }

    private LogLoader() {
    }

    static Outcome load(Path dir, LogConfig config, long now, long checkpointedRecoveryPoint, boolean cleanShutdown,
                        NavigableMap<Long, LogSegment> segments) throws IOException {
        TreeSet<Long> bases = segmentBases(dir);
        boolean brandNew = bases.isEmpty();
        if (brandNew) {
            bases.add(0L);
        }
        Long recoverFrom = cleanShutdown ? null : bases.floor(Math.max(checkpointedRecoveryPoint, 0));
        if (!cleanShutdown && recoverFrom == null) {
            recoverFrom = bases.first();
        }
        long last = bases.last();
        boolean truncatedAny = false;
        Long recovered = null;
        NavigableSet<Long> txnIndexRebuilds = new TreeSet<>();
        NavigableSet<Long> indexRebuilds = new TreeSet<>();
        try {
            for (long base : new ArrayList<>(bases)) {
                if (truncatedAny) {
                    deleteSegmentFilesNow(dir, base);
                    continue;
                }
                boolean indexesPresent = LogSegment.indexFilesExist(dir, base);
                LogSegment seg = LogSegment.open(dir, base, config, base == last, now);
                segments.put(base, seg);
                boolean mustRecover = recoverFrom != null && base >= recoverFrom;
                if (brandNew) {
                    mustRecover = false;
                } else if (!mustRecover && !(indexesPresent && seg.loadTrusted())) {
                    LOG.warn("{}: index of segment {} is missing or corrupt, rebuilding it", dir.getFileName(), base);
                    indexRebuilds.add(base);
                    mustRecover = true;
                }
                if (!mustRecover && !brandNew && (!seg.txnIndex.existedOnOpen() || seg.txnIndex.tornOnOpen())) {
                    // Missing (lost, or written by a Kafka that creates it only for an abort) or torn.
                    seg.txnIndex.reset();
                    if (holdsControlBatch(seg)) {
                        LOG.warn("{}: transaction index of segment {} is missing or torn, rebuilding it",
                                dir.getFileName(), base);
                        txnIndexRebuilds.add(base);
                    }
                }
                if (mustRecover) {
                    recovered = recovered == null ? base : recovered;
                    LogSegment.RecoveryResult r = seg.recover();
                    if (r.controlBatches()) {
                        txnIndexRebuilds.add(base);
                    }
                    if (r.truncatedBytes() > 0) {
                        truncatedAny = true;
                        LOG.warn("{}: recovery truncated segment {} at byte {} (offset {}): cut {} bytes ({}); "
                                        + "{} valid batches kept; later segments are deleted",
                                dir.getFileName(), base, r.validBytes(), seg.nextOffset(), r.truncatedBytes(),
                                r.reason(), r.validBatches());
                    }
                    if (base != last && !truncatedAny) {
                        seg.onBecomeInactive(); // the rebuild re-grew the indexes: trim them again
                    }
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            for (LogSegment s : segments.values()) {
                s.closeWithoutFlush();
            }
            segments.clear();
            throw e;
        }
        // A segment left empty by truncation (other than the first) holds nothing; keep it as the active one.
        LogSegment active = segments.lastEntry().getValue();
        if (truncatedAny && active.baseOffset() != last) {
            active.makeActive(config.maxIndexBytes());
        }
        if (recovered != null) {
            LOG.info("{}: recovered {} of {} segments, from segment {}", dir.getFileName(),
                    segments.tailMap(recovered, true).size(), segments.size(), recovered);
        }
        txnIndexRebuilds.retainAll(segments.keySet());
        indexRebuilds.retainAll(segments.keySet());
        return new Outcome(cleanShutdown ? null : recoverFrom, brandNew, txnIndexRebuilds, indexRebuilds);
    }

    /** Whether the segment holds a control batch (a scan of its batch headers). */
    private static boolean holdsControlBatch(LogSegment seg) throws IOException {
        boolean[] found = {false};
        seg.forEachBatchFrom(seg.baseOffset(), seg.size(), (header, position) -> {
            found[0] |= RecordBatchHeader.isControl(header, 0);
        });
        return found[0];
    }

    /**
     * Latest snapshot at or below the log end, then a replay of the batches from there (headers, and the marker
     * of each control batch). When {@code txnIndexRebuilds} names segments (emptied by the caller), the replay
     * starts at a snapshot at or below the first of them, or at the log start, so that the open transactions are
     * known where they begin, and each transaction aborted by a marker in one of them is appended to its
     * {@code .txnindex}.
     */
    static void loadProducerState(Path dir, ProducerStateManager producerState, NavigableMap<Long, LogSegment> segments,
                                  long logStartOffset, long leo, NavigableSet<Long> txnIndexRebuilds)
            throws IOException {
        boolean rebuilding = txnIndexRebuilds != null && !txnIndexRebuilds.isEmpty();
        long snapshotOffset = rebuilding ? producerState.loadLatestSnapshot(leo, txnIndexRebuilds.first())
                : producerState.loadLatestSnapshot(leo);
        long replayFrom = Math.max(snapshotOffset, logStartOffset);
        producerState.setMapEndOffset(replayFrom);
        int replayed = 0;
        if (replayFrom < leo) {
            Long fromBase = segments.floorKey(replayFrom);
            for (LogSegment seg : segments.tailMap(fromBase == null ? segments.firstKey() : fromBase).values()) {
                boolean indexing = rebuilding && txnIndexRebuilds.contains(seg.baseOffset());
                replayed += seg.forEachBatchFrom(replayFrom, seg.size(), (header, position) -> {
                    ControlRecords.EndTxnMarker marker = null;
                    if (RecordBatchHeader.isControl(header, 0) && RecordBatchHeader.producerId(header, 0) >= 0) {
                        marker = ControlRecords.endTxnMarker(
                                seg.readFully(position, RecordBatchHeader.sizeInBytes(header, 0)), 0);
                    }
                    ProducerStateManager.CompletedTxn done = producerState.replay(header, marker);
                    if (indexing && done != null && done.aborted()) {
                        seg.txnIndex.append(done.asAborted());
                    }
                });
                if (indexing) {
                    seg.txnIndex.flush();
                }
            }
        }
        producerState.setMapEndOffset(leo);
        LOG.debug("{}: producer state loaded from snapshot {} plus {} batches: {} producers",
                dir.getFileName(), snapshotOffset, replayed, producerState.producerCount());
    }

    /**
     * Brings the leader-epoch cache in line with the loaded log: entries at or past the log end are dropped; a
     * cache whose file was missing or corrupt is rebuilt from the batches' partitionLeaderEpoch, and after an
     * unclean stop the recovered tail is replayed (a crash may have come between an append in a new epoch and its
     * checkpoint). Epochs never decrease along the log, so a segment whose first batch has the same epoch as the
     * next segment's first batch holds no change and is not scanned.
     */
    static void loadLeaderEpochs(Path dir, LeaderEpochCache cache, NavigableMap<Long, LogSegment> segments,
                                 Long recoveredFrom, long leo) throws IOException {
        cache.truncateFromEnd(leo);
        Long scanFrom = !cache.loadedFromFile() ? segments.firstKey() : recoveredFrom;
        if (scanFrom == null) {
            return;
        }
        Long fromBase = segments.floorKey(scanFrom);
        try {
            for (LogSegment seg : segments.tailMap(fromBase == null ? segments.firstKey() : fromBase).values()) {
                Long nextBase = segments.higherKey(seg.baseOffset());
                ByteBuffer first = firstHeader(seg);
                if (first == null) {
                    continue;
                }
                int epoch = RecordBatchHeader.partitionLeaderEpoch(first, 0);
                ByteBuffer next = nextBase == null ? null : firstHeader(segments.get(nextBase));
                if (next != null && RecordBatchHeader.partitionLeaderEpoch(next, 0) == epoch) {
                    assignIfNew(cache, first);
                    continue;
                }
                seg.forEachBatchFrom(seg.baseOffset(), seg.size(), (header, position) -> assignIfNew(cache, header));
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (!cache.loadedFromFile()) {
            LOG.info("{}: rebuilt {} from the log: {}", dir.getFileName(), LeaderEpochCache.FILE_NAME, cache.entries());
        }
    }

    private static void assignIfNew(LeaderEpochCache cache, ByteBuffer header) {
        int epoch = RecordBatchHeader.partitionLeaderEpoch(header, 0);
        if (epoch > cache.latestEpoch()) {
            try {
                cache.assign(epoch, RecordBatchHeader.baseOffset(header, 0));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static ByteBuffer firstHeader(LogSegment seg) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(RecordBatchHeader.HEADER_SIZE);
        return seg.size() >= RecordBatchHeader.HEADER_SIZE && seg.readHeader(0, header)
                && header.remaining() >= RecordBatchHeader.HEADER_SIZE ? header : null;
    }

    private static TreeSet<Long> segmentBases(Path dir) throws IOException {
        SegmentSwap.recover(dir); // before listing: a committed swap replaces the segments it covers
        TreeSet<Long> bases = new TreeSet<>();
        try (var stream = Files.list(dir)) {
            for (Path p : (Iterable<Path>) stream::iterator) {
                String name = p.getFileName().toString();
                if (name.endsWith(LogFiles.TMP_SUFFIX) || name.endsWith(".deleted")) {
                    Files.deleteIfExists(p);
                    continue;
                }
                long base = LogFiles.offsetOf(name, LogFiles.LOG_SUFFIX);
                if (base >= 0) {
                    bases.add(base);
                }
            }
        }
        // Index files without a log are leftovers of a deletion interrupted by a crash.
        try (var stream = Files.list(dir)) {
            for (Path p : (Iterable<Path>) stream::iterator) {
                String name = p.getFileName().toString();
                long idx = Math.max(Math.max(LogFiles.offsetOf(name, LogFiles.INDEX_SUFFIX),
                        LogFiles.offsetOf(name, LogFiles.TIME_INDEX_SUFFIX)),
                        LogFiles.offsetOf(name, LogFiles.TXN_INDEX_SUFFIX));
                if (idx >= 0 && !bases.contains(idx)) {
                    Files.deleteIfExists(p);
                }
            }
        }
        return bases;
    }

    private static void deleteSegmentFilesNow(Path dir, long base) throws IOException {
        long bytes = Files.size(dir.resolve(LogFiles.name(base, LogFiles.LOG_SUFFIX)));
        LOG.warn("{}: deleting segment {} ({} bytes) after a truncated one", dir.getFileName(), base, bytes);
        for (String suffix : LogFiles.SEGMENT_SUFFIXES) {
            Files.deleteIfExists(dir.resolve(LogFiles.name(base, suffix)));
        }
    }
}
