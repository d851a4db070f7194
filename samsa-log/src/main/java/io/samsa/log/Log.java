package io.samsa.log;

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
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.protocol.records.RecordBatchHeader;

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
    record EndOffset(long offset, long segmentBaseOffset, int position) {
    }

    private final Path dir;
    private final Clock clock;
    private final ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final ProducerStateManager producerState;
    private final LogFlusher flusher;
    private volatile LogConfig config;
    private volatile EndOffset end;
    private volatile long logStartOffset;
    private volatile boolean closed;
    private volatile long fileDeleteDelayMs = DeferredCloser.DEFAULT_DELAY_MS;

    private Log(Path dir, LogConfig config, Clock clock) {
        this.dir = dir;
        this.config = config;
        this.clock = clock;
        this.producerState = new ProducerStateManager(dir);
        this.flusher = new LogFlusher(dir, clock, segments, lock, () -> end.offset(), () -> closed);
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
        LogLoader.Outcome loaded = LogLoader.load(dir, config, now, checkpointedRecoveryPoint, cleanShutdown,
                segments);
        LogSegment active = segments.lastEntry().getValue();
        this.logStartOffset = segments.firstKey();
        this.end = new EndOffset(active.nextOffset(), active.baseOffset(), active.size());
        if (loaded.recoveredFrom() != null && !loaded.brandNew()) {
            for (LogSegment s : segments.tailMap(loaded.recoveredFrom(), true).values()) {
                s.flush();
            }
        }
        flusher.start(end.offset(), now);
        LogLoader.loadProducerState(dir, producerState, segments, logStartOffset, end.offset());
    }

    /**
     * Validates and appends the record batches in {@code records} (a Produce request's partition data:
     * exactly one v2 batch, as Kafka requires) as leader, assigning offsets from the log end offset.
     *
     * <p>Validation ({@link RecordValidator}, Kafka's LogValidator) walks every record of the request's one batch
     * and fails with the kafka-clients exception whose error code Kafka returns; total over segment.bytes →
     * RecordBatchTooLargeException; idempotence: duplicate of one of the producer's last 5 batches →
     * returns its original offsets with {@code duplicate=true}; sequence gap → OutOfOrderSequenceException;
     * older epoch → InvalidProducerEpochException. Nothing is written unless everything passes.
     *
     * <p>Each batch's baseOffset and partitionLeaderEpoch are rewritten in place (outside the CRC); with
     * LogAppendTime the maxTimestamp and timestamp-type bit are set and the CRC recomputed; with CreateTime the
     * maxTimestamp is set to the records' largest, as Kafka does.
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
            long maxTimestampInBatches = RecordBatchHeader.NO_TIMESTAMP;
            for (int p = start; p < limit; ) {
                int batchSize = validateBatch(records, p, limit - p, cfg, now);
                maxTimestampInBatches = Math.max(maxTimestampInBatches,
                        cfg.logAppendTime() ? now : RecordBatchHeader.maxTimestamp(records, p));
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
            maybeRoll(totalBytes, firstOffset + recordCount, maxTimestampInBatches, now, cfg);
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
            appendToSegment(active, records);
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
            if (next - flusher.recoveryPoint() >= cfg.flushIntervalMessages()) {
                flusher.flushAllLocked();
            }
            return new AppendResult(firstOffset, next - 1, cfg.logAppendTime() ? now : -1L, logStartOffset,
                    (int) Math.min(Integer.MAX_VALUE, recordCount), false);
        } catch (IOException e) {
            throw new KafkaStorageException("I/O error appending to " + dir, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes to the active segment. A failed write (ENOSPC, EIO) leaves the segment as it was and is answered
     * KAFKA_STORAGE_ERROR, and the log stays online: the next append retries, so writing resumes once space
     * is freed. Kafka instead takes the whole log directory offline on any IOException; on a single node
     * that would stop every partition for a full disk, which freeing space fixes. A fault on a mapped index
     * page (InternalError, e.g. SIGBUS on a full tmpfs) is treated the same way. Only when the segment cannot
     * even cut the failed bytes off again does the log go offline, so that no stale tail is ever served.
     */
    private void appendToSegment(LogSegment active, ByteBuffer records) throws IOException {
        try {
            active.append(records);
        } catch (IOException | RuntimeException | InternalError e) {
            if (active.hasStaleTail()) {
                flusher.goOffline("append left bytes it could not truncate", e);
            }
            if (e instanceof IOException io) {
                throw io;
            }
            throw new KafkaStorageException("Append to " + dir + " failed", e);
        }
    }

    /** Checks the request's one batch and every record in it (see {@link RecordValidator}); returns its size. */
    private int validateBatch(ByteBuffer b, int p, int remaining, LogConfig cfg, long now) {
        return RecordValidator.validateBatch(b, p, remaining, cfg, now);
    }

    /**
     * Kafka's {@code LogSegment.shouldRoll}: rolls before an append when the active segment would exceed
     * segment.bytes, when the incoming batches' max timestamp lies segment.ms past the segment's first batch
     * (not the wall clock: backfilling old records fills whole segments), when an index is full, or when the
     * offsets would not fit relative to the base.
     */
    private void maybeRoll(int incomingBytes, long nextEndOffset, long maxTimestampInBatches, long now,
                           LogConfig cfg) throws IOException {
        LogSegment active = segments.lastEntry().getValue();
        if (active.size() == 0) {
            return;
        }
        boolean full = active.size() > cfg.segmentBytes() - incomingBytes;
        boolean old = active.timeWaitedForRoll(now, maxTimestampInBatches) > cfg.segmentMs();
        boolean offsetOverflow = nextEndOffset - 1 - active.baseOffset() > Integer.MAX_VALUE;
        if (full || old || active.indexesFull() || offsetOverflow) {
            roll(now);
        }
    }

    /**
     * Starts a new active segment and schedules an asynchronous flush of everything below it (Kafka's
     * {@code flushUptoOffsetExclusive(newSegment.baseOffset)}), so the recovery point trails the active
     * segment and an unclean restart re-checks only the tail.
     */
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
        RolledSegmentFlusher.schedule(() -> flusher.flushUpTo(newBase));
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
        flusher.ensureOnline();
        return LogReads.read(dir, segments, end, logStartOffset, offset, maxBytes, minOneBatch);
    }

    /** The first offset whose batch max timestamp is ≥ {@code timestamp} (ListOffsets by time), or empty. */
    public Optional<TimestampAndOffset> offsetForTimestamp(long timestamp) {
        flusher.ensureOnline();
        return LogReads.offsetForTimestamp(dir, segments, end, logStartOffset, timestamp);
    }

    /** The record with the largest timestamp (ListOffsets MAX_TIMESTAMP), or empty when the log is empty. */
    public Optional<TimestampAndOffset> maxTimestamp() {
        flusher.ensureOnline();
        return LogReads.maxTimestamp(dir, segments, end);
    }

    public long logStartOffset() { return logStartOffset; }

    public long logEndOffset() { return end.offset(); }

    /** Offset up to which everything is known to be on disk (fsynced). */
    public long recoveryPoint() { return flusher.recoveryPoint(); }

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
            if (closed || flusher.isOffline()) {
                return;
            }
            LogConfig cfg = config;
            long now = clock.millis();
            LogSegment active = segments.lastEntry().getValue();
            // Wall-clock age since the segment was created (or loaded): at most one roll per segment.ms,
            // whatever the records' timestamps.
            if (active.size() > 0 && active.ageMs(now) > cfg.segmentMs()) {
                roll(now);
            }
        } catch (IOException e) {
            throw new KafkaStorageException("I/O error rolling " + dir, e);
        } finally {
            lock.unlock();
        }
        LogConfig cfg = config;
        if (cfg.flushIntervalMs() != Long.MAX_VALUE && clock.millis() - flusher.lastFlushMs() >= cfg.flushIntervalMs()
                && end.offset() > flusher.recoveryPoint()) {
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
            flusher.raiseRecoveryPointTo(logStartOffset);
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
        flusher.flushUpTo(Long.MAX_VALUE);
    }

    /** True once an fsync failed (or a failed append could not be undone): see {@link LogFlusher}. */
    public boolean isOffline() { return flusher.isOffline(); }

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
        flusher.ensureOnline();
    }

    /** Flushes, writes a producer-state snapshot, and closes files. */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (flusher.isOffline()) {
                closed = true;
                for (LogSegment s : segments.values()) {
                    s.closeWithoutFlush();
                }
                // No clean-shutdown marker for an offline log: the next start recovers its tail.
                throw new IOException("Log " + dir + " was offline; its tail is recovered on the next start",
                        flusher.offlineCause());
            }
            flusher.flushAllLocked();
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
                    s.releaseForDeletion(closeDelayMs); // unmaps the indexes now, closes the channel later
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

    /** The active segment, for unit tests that inject faults into it. */
    LogSegment activeSegmentForTest() {
        return segments.lastEntry().getValue();
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
