package io.samsa.log;

import static io.samsa.log.RecordBatchHeader.HEADER_SIZE;
import static io.samsa.log.RecordBatchHeader.LOG_OVERHEAD;
import static io.samsa.log.RecordBatchHeader.MIN_BATCH_LENGTH;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedCompressionTypeException;
import org.apache.kafka.common.errors.UnsupportedForMessageFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One topic-partition's log: a directory of segments. Thread-safe: appends are serialised under the
 * log's lock; reads run concurrently and see only whole, fully written batches.
 *
 * <p>Readers capture the published log end ({@link EndOffset}: next offset plus the active segment's byte
 * size at that offset) before they scan, and never read past it, so a batch being written is invisible until
 * the append publishes the new end. Segments deleted by retention are unlinked at once but their channels
 * stay open for a grace delay so that an in-flight transferTo completes.
 */
public final class Log implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(Log.class);

    /** The published log end: next offset, and where it lies in the active segment. */
    private record EndOffset(long offset, long segmentBaseOffset, int position) {
    }

    private final Path dir;
    private final Clock clock;
    private final ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final ProducerStateManager producerState;
    private volatile LogConfig config;
    private volatile EndOffset end;
    private volatile long logStartOffset;
    private volatile long recoveryPoint;
    private volatile long lastFlushMs;
    private volatile boolean closed;
    private volatile long fileDeleteDelayMs = DeferredCloser.DEFAULT_DELAY_MS;

    private Log(Path dir, LogConfig config, Clock clock) {
        this.dir = dir;
        this.config = config;
        this.clock = clock;
        this.producerState = new ProducerStateManager(dir);
    }

    /**
     * Opens (creating if absent) the log in {@code dir}, named {@code <topic>-<partition>}. When
     * {@code cleanShutdown} is false, every segment from {@code recoveryPoint} on is re-validated
     * (lengths, magic, CRC-32C), the first invalid batch and everything after it is truncated (and what was
     * cut is logged), indexes are rebuilt, and producer state is rebuilt from the last snapshot plus the
     * log tail.
     */
    public static Log open(Path dir, LogConfig config, Clock clock, long recoveryPoint, boolean cleanShutdown)
            throws IOException {
        Files.createDirectories(dir);
        Log log = new Log(dir, config, clock);
        log.load(recoveryPoint, cleanShutdown);
        return log;
    }

    private void load(long checkpointedRecoveryPoint, boolean cleanShutdown) throws IOException {
        long now = clock.millis();
        TreeSet<Long> bases = new TreeSet<>();
        try (var stream = Files.list(dir)) {
            for (Path p : (Iterable<Path>) stream::iterator) {
                String name = p.getFileName().toString();
                if (name.endsWith(LogFiles.TMP_SUFFIX) || name.endsWith(".deleted") || name.endsWith(".cleaned")
                        || name.endsWith(".swap")) {
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
                long idx = Math.max(LogFiles.offsetOf(name, LogFiles.INDEX_SUFFIX),
                        LogFiles.offsetOf(name, LogFiles.TIME_INDEX_SUFFIX));
                if (idx >= 0 && !bases.contains(idx)) {
                    Files.deleteIfExists(p);
                }
            }
        }
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
        for (long base : new ArrayList<>(bases)) {
            if (truncatedAny) {
                deleteSegmentFilesNow(base);
                continue;
            }
            boolean indexesPresent = LogSegment.indexFilesExist(dir, base);
            LogSegment seg = LogSegment.open(dir, base, config, base == last, now);
            boolean mustRecover = recoverFrom != null && base >= recoverFrom;
            if (brandNew) {
                mustRecover = false;
            } else if (!mustRecover && !(indexesPresent && seg.loadTrusted())) {
                LOG.warn("{}: index of segment {} is missing or corrupt, rebuilding it", dir.getFileName(), base);
                mustRecover = true;
            }
            if (mustRecover) {
                LogSegment.RecoveryResult r = seg.recover();
                if (r.truncatedBytes() > 0) {
                    truncatedAny = true;
                    LOG.warn("{}: recovery truncated segment {} at byte {} (offset {}): cut {} bytes ({}); "
                                    + "{} valid batches kept; later segments are deleted",
                            dir.getFileName(), base, r.validBytes(), seg.nextOffset(), r.truncatedBytes(),
                            r.reason(), r.validBatches());
                }
            }
            segments.put(base, seg);
        }
        // A segment left empty by truncation (other than the first) holds nothing; keep it as the active one.
        LogSegment active = segments.lastEntry().getValue();
        if (truncatedAny && active.baseOffset() != last) {
            active.makeActive(config.maxIndexBytes());
        }
        this.logStartOffset = segments.firstKey();
        this.end = new EndOffset(active.nextOffset(), active.baseOffset(), active.size());
        if (!cleanShutdown && !brandNew) {
            for (LogSegment s : segments.tailMap(recoverFrom, true).values()) {
                s.flush();
            }
        }
        this.recoveryPoint = end.offset();
        this.lastFlushMs = now;
        loadProducerState();
    }

    private void deleteSegmentFilesNow(long base) throws IOException {
        long bytes = Files.size(dir.resolve(LogFiles.name(base, LogFiles.LOG_SUFFIX)));
        LOG.warn("{}: deleting segment {} ({} bytes) after a truncated one", dir.getFileName(), base, bytes);
        for (String suffix : new String[] {LogFiles.LOG_SUFFIX, LogFiles.INDEX_SUFFIX, LogFiles.TIME_INDEX_SUFFIX}) {
            Files.deleteIfExists(dir.resolve(LogFiles.name(base, suffix)));
        }
    }

    /** Latest snapshot at or below the log end, then a replay of batch headers from there. */
    private void loadProducerState() throws IOException {
        long leo = end.offset();
        long snapshotOffset = producerState.loadLatestSnapshot(leo);
        long replayFrom = Math.max(snapshotOffset, logStartOffset);
        producerState.setMapEndOffset(replayFrom);
        int replayed = 0;
        if (replayFrom < leo) {
            Long fromBase = segments.floorKey(replayFrom);
            for (LogSegment seg : segments.tailMap(fromBase == null ? segments.firstKey() : fromBase).values()) {
                int[] count = new int[1];
                seg.forEachBatchFrom(replayFrom, seg.size(), header -> {
                    producerState.replay(header);
                    count[0]++;
                });
                replayed += count[0];
            }
        }
        producerState.setMapEndOffset(leo);
        LOG.debug("{}: producer state loaded from snapshot {} plus {} batches: {} producers",
                dir.getFileName(), snapshotOffset, replayed, producerState.producerCount());
    }

    /**
     * Validates and appends the record batches in {@code records} (a Produce request's partition data:
     * one or more v2 batches) as leader, assigning offsets from the log end offset.
     *
     * <p>Validation, each failing with the kafka-clients exception whose error code Kafka returns:
     * magic != 2 → UnsupportedForMessageFormatException; bad length or CRC, record count != lastOffsetDelta+1,
     * or trailing bytes → CorruptRecordException; a batch larger than max.message.bytes →
     * RecordTooLargeException; total over segment.bytes → RecordBatchTooLargeException; timestamps outside
     * before/after max (CreateTime) → InvalidTimestampException; unknown compression codec →
     * UnsupportedCompressionTypeException; idempotence: duplicate of one of the producer's last 5 batches →
     * returns its original offsets with {@code duplicate=true}; sequence gap → OutOfOrderSequenceException;
     * older epoch → InvalidProducerEpochException. Nothing is written unless every batch passes.
     *
     * <p>Each batch's baseOffset and partitionLeaderEpoch are rewritten in place (outside the CRC); with
     * LogAppendTime the maxTimestamp and timestamp-type bit are set and the CRC recomputed.
     *
     * <p>CreateTime bounds are checked on each batch's base and max timestamps (the records are not
     * decompressed on append; the CRC covers them).
     */
    public AppendResult appendAsLeader(ByteBuffer records, int leaderEpoch) {
        lock.lock();
        try {
            ensureOpen();
            LogConfig cfg = config;
            long now = clock.millis();
            int start = records.position();
            int limit = records.limit();
            Map<Long, ProducerStateManager.Staged> staged = null;
            int batches = 0;
            long recordCount = 0;
            for (int p = start; p < limit; ) {
                int batchSize = validateBatch(records, p, limit - p, cfg, now);
                long producerId = RecordBatchHeader.producerId(records, p);
                if (producerId >= 0) {
                    short epoch = RecordBatchHeader.producerEpoch(records, p);
                    int firstSeq = RecordBatchHeader.baseSequence(records, p);
                    int lastSeq = RecordBatchHeader.lastSequence(records, p);
                    ProducerStateManager.BatchMetadata dup =
                            producerState.findDuplicate(producerId, epoch, firstSeq, lastSeq);
                    if (dup != null) {
                        return new AppendResult(dup.firstOffset(), dup.lastOffset(),
                                cfg.logAppendTime() ? dup.timestamp() : -1L, logStartOffset, 0, true);
                    }
                    if (staged == null) {
                        staged = new HashMap<>(4);
                    }
                    producerState.checkAndStage(producerId, epoch, firstSeq, lastSeq, staged);
                }
                recordCount += RecordBatchHeader.recordCount(records, p);
                batches++;
                p += batchSize;
            }
            if (batches == 0) {
                throw new CorruptRecordException("Produce request for " + dir.getFileName() + " holds no record batch");
            }
            int totalBytes = limit - start;
            if (totalBytes > cfg.segmentBytes()) {
                throw new RecordBatchTooLargeException("Request of " + totalBytes + " bytes exceeds segment.bytes "
                        + cfg.segmentBytes() + " of " + dir.getFileName());
            }
            long firstOffset = end.offset();
            maybeRoll(totalBytes, firstOffset + recordCount, now, cfg);
            // Assign offsets in place; offsets and leader epoch lie outside the CRC.
            long next = firstOffset;
            for (int p = start; p < limit; ) {
                RecordBatchHeader.setBaseOffset(records, p, next);
                RecordBatchHeader.setPartitionLeaderEpoch(records, p, leaderEpoch);
                if (cfg.logAppendTime()) {
                    RecordBatchHeader.setLogAppendTime(records, p, now);
                }
                next += RecordBatchHeader.lastOffsetDelta(records, p) + 1L;
                p += RecordBatchHeader.sizeInBytes(records, p);
            }
            LogSegment active = segments.lastEntry().getValue();
            active.append(records);
            for (int p = start; p < limit; p += RecordBatchHeader.sizeInBytes(records, p)) {
                long producerId = RecordBatchHeader.producerId(records, p);
                if (producerId >= 0) {
                    producerState.update(producerId, RecordBatchHeader.producerEpoch(records, p),
                            RecordBatchHeader.baseSequence(records, p), RecordBatchHeader.lastSequence(records, p),
                            RecordBatchHeader.baseOffset(records, p), RecordBatchHeader.lastOffset(records, p),
                            RecordBatchHeader.maxTimestamp(records, p));
                }
            }
            producerState.setMapEndOffset(next);
            end = new EndOffset(next, active.baseOffset(), active.size());
            if (next - recoveryPoint >= cfg.flushIntervalMessages()) {
                flushLocked();
            }
            return new AppendResult(firstOffset, next - 1, cfg.logAppendTime() ? now : -1L, logStartOffset,
                    (int) Math.min(Integer.MAX_VALUE, recordCount), false);
        } catch (IOException e) {
            throw new KafkaStorageException("I/O error appending to " + dir, e);
        } finally {
            lock.unlock();
        }
    }

    /** Checks one batch's framing, CRC, codec, size and timestamps; returns its size in bytes. */
    private int validateBatch(ByteBuffer b, int p, int remaining, LogConfig cfg, long now) {
        if (remaining < HEADER_SIZE) {
            throw new CorruptRecordException("Trailing " + remaining + " bytes do not hold a record batch header");
        }
        if (RecordBatchHeader.magic(b, p) != RecordBatchHeader.MAGIC_V2) {
            throw new UnsupportedForMessageFormatException("Record batch magic " + RecordBatchHeader.magic(b, p)
                    + " is not supported; only magic 2 is");
        }
        int length = RecordBatchHeader.batchLength(b, p);
        if (length < MIN_BATCH_LENGTH || length > remaining - LOG_OVERHEAD) {
            throw new CorruptRecordException("Record batch length " + length + " is invalid (" + remaining
                    + " bytes remain)");
        }
        int size = length + LOG_OVERHEAD;
        if (size > cfg.maxMessageBytes()) {
            throw new RecordTooLargeException("Record batch of " + size + " bytes exceeds max.message.bytes "
                    + cfg.maxMessageBytes());
        }
        if (!RecordBatchHeader.isCrcValid(b, p)) {
            throw new CorruptRecordException("Record batch CRC mismatch (stored " + RecordBatchHeader.storedCrc(b, p)
                    + ", computed " + RecordBatchHeader.computeCrc(b, p) + ")");
        }
        int count = RecordBatchHeader.recordCount(b, p);
        int lastOffsetDelta = RecordBatchHeader.lastOffsetDelta(b, p);
        if (count <= 0 || lastOffsetDelta != count - 1) {
            throw new CorruptRecordException("Record count " + count + " does not match lastOffsetDelta "
                    + lastOffsetDelta);
        }
        if (RecordBatchHeader.isControl(b, p)) {
            throw new CorruptRecordException("Clients may not write control batches");
        }
        int codec = RecordBatchHeader.compressionCodec(b, p);
        if (codec > RecordBatchHeader.MAX_COMPRESSION_CODEC) {
            throw new UnsupportedCompressionTypeException("Unknown compression codec id " + codec);
        }
        if (!cfg.logAppendTime()) {
            checkTimestamp(RecordBatchHeader.baseTimestamp(b, p), now, cfg);
            checkTimestamp(RecordBatchHeader.maxTimestamp(b, p), now, cfg);
        }
        return size;
    }

    private static void checkTimestamp(long ts, long now, LogConfig cfg) {
        if (ts == RecordBatchHeader.NO_TIMESTAMP) {
            return;
        }
        if (ts < now && now - ts > cfg.timestampBeforeMaxMs() && now - ts > 0) {
            throw new InvalidTimestampException("Timestamp " + ts + " is more than message.timestamp.before.max.ms "
                    + cfg.timestampBeforeMaxMs() + " ms before the broker time " + now);
        }
        if (ts > now && ts - now > cfg.timestampAfterMaxMs()) {
            throw new InvalidTimestampException("Timestamp " + ts + " is more than message.timestamp.after.max.ms "
                    + cfg.timestampAfterMaxMs() + " ms after the broker time " + now);
        }
    }

    /** Rolls before an append when the active segment is full (bytes or index), too old, or offsets overflow. */
    private void maybeRoll(int incomingBytes, long nextEndOffset, long now, LogConfig cfg) throws IOException {
        LogSegment active = segments.lastEntry().getValue();
        if (active.size() == 0) {
            return;
        }
        boolean full = active.size() > cfg.segmentBytes() - incomingBytes;
        boolean old = now - active.rollingBasedTimestamp() > cfg.segmentMs();
        boolean offsetOverflow = nextEndOffset - 1 - active.baseOffset() > Integer.MAX_VALUE;
        if (full || old || active.indexesFull() || offsetOverflow) {
            roll(now);
        }
    }

    private void roll(long now) throws IOException {
        LogSegment active = segments.lastEntry().getValue();
        long newBase = end.offset();
        if (active.baseOffset() == newBase) {
            return; // empty: nothing to roll
        }
        active.onBecomeInactive();
        producerState.takeSnapshot(newBase);
        LogSegment next = LogSegment.open(dir, newBase, config, true, now);
        segments.put(newBase, next);
        end = new EndOffset(newBase, newBase, 0);
        LOG.debug("{}: rolled new segment at {}", dir.getFileName(), newBase);
    }

    /** Forces a roll (tests, admin); no-op when the active segment is empty. */
    public void roll() {
        lock.lock();
        try {
            ensureOpen();
            roll(clock.millis());
        } catch (IOException e) {
            throw new KafkaStorageException("I/O error rolling " + dir, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads whole batches starting with the one that contains {@code offset}, up to {@code maxBytes};
     * if {@code minOneBatch} the first batch is returned even when larger than maxBytes (KIP-74).
     * An offset below the log start or above the log end → OffsetOutOfRangeException; at the log end
     * → an empty slice.
     */
    public ReadResult read(long offset, int maxBytes, boolean minOneBatch) {
        EndOffset e = end;
        long lso = logStartOffset;
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
    public Optional<TimestampAndOffset> offsetForTimestamp(long timestamp) {
        EndOffset e = end;
        long lso = logStartOffset;
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
    public Optional<TimestampAndOffset> maxTimestamp() {
        EndOffset e = end;
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

    public long logStartOffset() { return logStartOffset; }

    public long logEndOffset() { return end.offset(); }

    /** Offset up to which everything is known to be on disk (fsynced). */
    public long recoveryPoint() { return recoveryPoint; }

    public long sizeInBytes() {
        long total = 0;
        for (LogSegment s : segments.values()) {
            total += s.size();
        }
        return total;
    }

    public int segmentCount() { return segments.size(); }

    /** Base offsets of the segments, oldest first (for tools and tests). */
    public List<Long> segmentBaseOffsets() { return new ArrayList<>(segments.keySet()); }

    /** Rolls when segment.ms has passed and flushes per flush.ms; called periodically by the owner. */
    public void maybeRollAndFlush() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            LogConfig cfg = config;
            long now = clock.millis();
            LogSegment active = segments.lastEntry().getValue();
            if (active.size() > 0 && now - active.rollingBasedTimestamp() > cfg.segmentMs()) {
                roll(now);
            }
        } catch (IOException e) {
            throw new KafkaStorageException("I/O error rolling " + dir, e);
        } finally {
            lock.unlock();
        }
        LogConfig cfg = config;
        if (cfg.flushIntervalMs() != Long.MAX_VALUE && clock.millis() - lastFlushMs >= cfg.flushIntervalMs()
                && end.offset() > recoveryPoint) {
            flush();
        }
    }

    /** Deletes whole segments past retention.ms / retention.bytes (never the active one); returns how many. */
    public int deleteRetainedSegments() {
        lock.lock();
        try {
            if (closed) {
                return 0;
            }
            LogConfig cfg = config;
            long now = clock.millis();
            List<LogSegment> candidates = new ArrayList<>(segments.values());
            candidates.remove(candidates.size() - 1); // never the active segment
            long excess = cfg.retentionBytes() < 0 ? Long.MIN_VALUE : sizeInBytes() - cfg.retentionBytes();
            int deleted = 0;
            for (LogSegment seg : candidates) {
                boolean byTime = cfg.retentionMs() >= 0 && now - seg.largestTimestamp() > cfg.retentionMs();
                boolean bySize = excess != Long.MIN_VALUE && excess - seg.size() >= 0;
                if (!byTime && !bySize) {
                    break;
                }
                if (excess != Long.MIN_VALUE) {
                    excess -= seg.size();
                }
                segments.remove(seg.baseOffset());
                logStartOffset = Math.max(logStartOffset, segments.firstKey());
                seg.deleteFiles(fileDeleteDelayMs);
                deleted++;
                LOG.info("{}: deleted segment {} by retention ({}), log start offset now {}", dir.getFileName(),
                        seg.baseOffset(), byTime ? "retention.ms" : "retention.bytes", logStartOffset);
            }
            if (recoveryPoint < logStartOffset) {
                recoveryPoint = logStartOffset;
            }
            return deleted;
        } catch (IOException e) {
            throw new KafkaStorageException("I/O error deleting segments of " + dir, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Raises the log start offset (e.g. restored from log-start-offset-checkpoint, or DeleteRecords);
     * segments wholly below it are deleted. Has no effect past the log end or below the current start.
     */
    public void maybeIncrementLogStartOffset(long newLogStartOffset) {
        lock.lock();
        try {
            if (closed || newLogStartOffset <= logStartOffset || newLogStartOffset > end.offset()) {
                return;
            }
            logStartOffset = newLogStartOffset;
            while (segments.size() > 1) {
                Map.Entry<Long, LogSegment> first = segments.firstEntry();
                Long nextBase = segments.higherKey(first.getKey());
                if (nextBase == null || nextBase > newLogStartOffset) {
                    break;
                }
                segments.remove(first.getKey());
                first.getValue().deleteFiles(fileDeleteDelayMs);
            }
        } catch (IOException e) {
            throw new KafkaStorageException("I/O error deleting segments of " + dir, e);
        } finally {
            lock.unlock();
        }
    }

    /** fsyncs everything appended so far and advances the recovery point. */
    public void flush() {
        long target;
        List<LogSegment> dirty;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            target = end.offset();
            Long from = segments.floorKey(recoveryPoint);
            dirty = new ArrayList<>((from == null ? segments : segments.tailMap(from, true)).values());
        } finally {
            lock.unlock();
        }
        try {
            for (LogSegment s : dirty) {
                s.flush();
            }
        } catch (java.nio.channels.ClosedChannelException e) {
            return; // deleted or closed meanwhile
        } catch (IOException e) {
            throw new KafkaStorageException("I/O error flushing " + dir, e);
        }
        lock.lock();
        try {
            recoveryPoint = Math.max(recoveryPoint, target);
            lastFlushMs = clock.millis();
        } finally {
            lock.unlock();
        }
    }

    private void flushLocked() throws IOException {
        Long from = segments.floorKey(recoveryPoint);
        for (LogSegment s : (from == null ? segments : segments.tailMap(from, true)).values()) {
            s.flush();
        }
        recoveryPoint = end.offset();
        lastFlushMs = clock.millis();
    }

    /** Applies new topic-level settings (e.g. after an alter-configs). */
    public void updateConfig(LogConfig config) { this.config = config; }

    public LogConfig config() { return config; }

    public Path dir() { return dir; }

    /** How long deleted segments' channels stay open for in-flight reads (Kafka's file.delete.delay.ms). */
    public void setFileDeleteDelayMs(long ms) { this.fileDeleteDelayMs = ms; }

    private void ensureOpen() {
        if (closed) {
            throw new KafkaStorageException("Log " + dir + " is closed");
        }
    }

    /** Flushes, writes a producer-state snapshot, and closes files. */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            flushLocked();
            producerState.takeSnapshot(end.offset());
            closed = true;
            IOException failure = null;
            for (LogSegment s : segments.values()) {
                try {
                    s.close();
                } catch (IOException e) {
                    failure = e;
                }
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Closes and removes the directory. */
    public void delete() throws IOException {
        lock.lock();
        try {
            closeForDeletion();
            LogFiles.deleteRecursively(dir);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops the log for a topic deletion without flushing anything: later appends fail (KAFKA_STORAGE_ERROR,
     * retriable), and the segment channels close only after {@code file.delete.delay.ms}, so a fetch that is
     * sending from them finishes. Waits for an in-flight append. The caller renames and later deletes the files.
     */
    public void closeForDeletion() {
        closeForDeletion(fileDeleteDelayMs);
    }

    /** As {@link #closeForDeletion()} with another delay (0 for a log no reader has seen). */
    public void closeForDeletion(long closeDelayMs) {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                for (LogSegment s : segments.values()) {
                    DeferredCloser.closeLater(s.channel(), closeDelayMs);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Removes producer ids idle for {@code expirationMs} or longer (see ProducerStateManager#removeExpired). */
    public int removeExpiredProducers(long expirationMs) {
        lock.lock();
        try {
            return closed ? 0 : producerState.removeExpired(clock.millis(), expirationMs);
        } finally {
            lock.unlock();
        }
    }

    /** Idempotent-producer state, for tests and the broker's InitProducerId/diagnostics. */
    int producerCount() {
        return producerState.producerCount();
    }

    @Override
    public String toString() {
        return "Log(" + dir.getFileName() + ", start=" + logStartOffset + ", end=" + end.offset() + ")";
    }
}
