package io.samsa.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.errors.KafkaStorageException;

import io.samsa.protocol.records.RecordBatchHeader;

/**
 * One topic-partition's log: a directory of segments, with its high watermark and leader-epoch cache.
 *
 * <p>Threads: thread-safe. Every mutation (leader and follower appends, rolls, retention, log-start moves,
 * truncation, config and high-watermark updates, close) runs under the log's one {@link ReentrantLock}, so
 * mutations are serialised whichever thread calls them (request handlers, the log manager's background thread,
 * later the replica fetcher). Reads ({@link #read}, timestamp lookups, the accessors) take no lock and run
 * concurrently with them: readers capture the published log end ({@link EndOffset}: next offset plus the active
 * segment's byte size at that offset) before they scan, and never read past it, so a batch being written is
 * invisible until the append publishes the new end. Segments deleted by retention are unlinked at once but their
 * channels stay open for a grace delay (on {@link LogBackground}'s deferred-close thread) so that an in-flight
 * transferTo completes. (A read racing a {@link #truncateTo} may still see the cut bytes vanish under it, as in
 * Kafka: the replica fetcher truncates only a follower, which serves no consumer.)
 *
 * <p>Offsets: log start ≤ high watermark ≤ log end. The high watermark is the offset below which every record
 * is committed (replicated to the ISR): consumers read up to it ({@link FetchIsolation#HIGH_WATERMARK}), followers
 * and internal readers up to the log end ({@link FetchIsolation#LOG_END}). On a single node the log is its own only
 * in-sync replica, so by default every leader append advances the high watermark to the new log end, as Kafka's
 * Partition does for an ISR of one; a replica manager that tracks followers turns that off
 * ({@link #setHighWatermarkFollowsLogEnd}) and calls {@link #updateHighWatermark} itself.
 */
public final class Log implements Closeable {

    /** The published log end: next offset, and where it lies in the active segment. */
    record EndOffset(long offset, long segmentBaseOffset, int position) {
    }

    final Path dir;
    final Clock clock;
    final ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
    final ReentrantLock lock = new ReentrantLock();
    final ProducerStateManager producerState;
    final LogFlusher flusher;
    final LogBackground background;
    private final boolean ownsBackground;
    final LeaderEpochCache epochCache;
    volatile LogConfig config;
    volatile EndOffset end;
    volatile long logStartOffset;
    volatile long highWatermark;
    /**
     * The first offset of the earliest unstable transaction (open, or closed above the high watermark), at or
     * above the log start; -1 when none. Written under the lock, before any high watermark that covers it.
     */
    volatile long firstUnstableOffset = -1;
    volatile boolean highWatermarkFollowsLogEnd = true;
    /** The checkpointed high watermark not yet applied (guarded by lock); -1 when none. */
    private long checkpointedHighWatermark = -1;
    volatile boolean closed;
    volatile long fileDeleteDelayMs = LogBackground.DEFAULT_DELETE_DELAY_MS;
    /** Counts truncations (under the lock): the log cleaner abandons a cleaning that raced one. */
    volatile long truncations;

    private Log(Path dir, LogConfig config, Clock clock, LogBackground background, boolean ownsBackground) {
        this.dir = dir;
        this.config = config;
        this.clock = clock;
        this.background = background;
        this.ownsBackground = ownsBackground;
        this.producerState = new ProducerStateManager(dir);
        this.epochCache = LeaderEpochCache.load(dir);
        this.flusher = new LogFlusher(dir, clock, segments, lock, () -> end.offset(), () -> closed);
    }

    /**
     * Opens a standalone log (tools, the group coordinator's own log, benchmarks) with background threads of its
     * own, shut down when it closes. Logs of a {@link LogManager} share the manager's instead.
     *
     * @see #open(Path, LogConfig, Clock, long, boolean, LogBackground)
     */
    public static Log open(Path dir, LogConfig config, Clock clock, long recoveryPoint, boolean cleanShutdown)
            throws IOException {
        LogBackground own = LogBackground.create(String.valueOf(dir.getFileName()));
        try {
            return open(dir, config, clock, recoveryPoint, cleanShutdown, own, true);
        } catch (IOException | RuntimeException e) {
            own.close();
            throw e;
        }
    }

    /**
     * Opens (creating if absent) the log in {@code dir}, named {@code <topic>-<partition>}. When
     * {@code cleanShutdown} is false, every segment from {@code recoveryPoint} on is re-validated
     * (lengths, magic, CRC-32C), the first invalid batch and everything after it is truncated (and what was
     * cut is logged), indexes are rebuilt, and producer state is rebuilt from the last snapshot plus the
     * log tail. The leader-epoch cache is loaded (rebuilt from the batches if missing or corrupt) and cut to
     * the recovered log end; the high watermark starts at the recovered log end offset (the cluster issue
     * loads it from Kafka's {@code replication-offset-checkpoint} instead).
     */
    public static Log open(Path dir, LogConfig config, Clock clock, long recoveryPoint, boolean cleanShutdown,
                           LogBackground background) throws IOException {
        return open(dir, config, clock, recoveryPoint, cleanShutdown, background, false);
    }

    private static Log open(Path dir, LogConfig config, Clock clock, long recoveryPoint, boolean cleanShutdown,
                            LogBackground background, boolean ownsBackground) throws IOException {
        Files.createDirectories(dir);
        Log log = new Log(dir, config, clock, background, ownsBackground);
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
        this.highWatermark = end.offset();
        if (loaded.recoveredFrom() != null && !loaded.brandNew()) {
            for (LogSegment s : segments.tailMap(loaded.recoveredFrom(), true).values()) {
                s.flush();
            }
        }
        flusher.start(end.offset(), now);
        LogLoader.loadProducerState(dir, producerState, segments, logStartOffset, end.offset(),
                loaded.txnIndexRebuilds());
        publishFirstUnstableOffset();
        LogLoader.loadLeaderEpochs(dir, epochCache, segments, loaded.recoveredFrom(), end.offset());
    }

    /**
     * Validates and appends a Produce request's partition data as leader, assigning offsets from the log end
     * offset and stamping {@code leaderEpoch} on its batches: see {@link LogAppends#asLeader}.
     */
    public AppendResult appendAsLeader(ByteBuffer records, int leaderEpoch) {
        return appendAsLeader(records, leaderEpoch, AppendOrigin.CLIENT);
    }

    /** As {@link #appendAsLeader(ByteBuffer, int)}, for a client or a coordinator ({@link AppendOrigin}). */
    public AppendResult appendAsLeader(ByteBuffer records, int leaderEpoch, AppendOrigin origin) {
        lock.lock();
        try {
            ensureOpen();
            return LogAppends.asLeader(this, records, leaderEpoch, origin);
        } catch (IOException e) {
            throw new KafkaStorageException("I/O error appending to " + dir, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends batches fetched from the leader as they are (offsets, timestamps, epochs untouched): see
     * {@link LogAppends#asFollower}.
     */
    public AppendResult appendAsFollower(ByteBuffer records) {
        lock.lock();
        try {
            ensureOpen();
            return LogAppends.asFollower(this, records);
        } catch (IOException e) {
            throw new KafkaStorageException("I/O error appending to " + dir, e);
        } finally {
            lock.unlock();
        }
    }


    /**
     * Appends an end-transaction marker as leader, for a transaction coordinator's WriteTxnMarkers: COMMIT when
     * {@code commit}, else ABORT, stamped with {@code leaderEpoch}; see {@link LogAppends#controlMarkerAsLeader}
     * (InvalidProducerEpochException for an older producer epoch, TransactionCoordinatorFencedException for an
     * older coordinator epoch).
     */
    public AppendResult appendControlMarkerAsLeader(long producerId, short producerEpoch, boolean commit,
                                                    int coordinatorEpoch, int leaderEpoch) {
        lock.lock();
        try {
            ensureOpen();
            return LogAppends.controlMarkerAsLeader(this, producerId, producerEpoch, commit, coordinatorEpoch,
                    leaderEpoch);
        } catch (IOException e) {
            throw new KafkaStorageException("I/O error appending to " + dir, e);
        } finally {
            lock.unlock();
        }
    }

    /** Forces a roll (tests, admin); no-op when the active segment is empty. */
    public void roll() {
        lock.lock();
        try {
            ensureOpen();
            LogAppends.roll(this, clock.millis());
        } catch (IOException e) {
            throw new KafkaStorageException("I/O error rolling " + dir, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads whole batches starting with the one that contains {@code offset}, up to {@code maxBytes}, as far as
     * the log end ({@link FetchIsolation#LOG_END}): see {@link #read(long, int, boolean, FetchIsolation)}.
     */
    public ReadResult read(long offset, int maxBytes, boolean minOneBatch) {
        return read(offset, maxBytes, minOneBatch, FetchIsolation.LOG_END);
    }

    /**
     * Reads whole batches starting with the one that contains {@code offset}, up to {@code maxBytes};
     * if {@code minOneBatch} the first batch is returned even when larger than maxBytes (KIP-74). With
     * {@link FetchIsolation#HIGH_WATERMARK} only batches wholly below the high watermark are returned, with
     * {@link FetchIsolation#TXN_COMMITTED} only those below the last stable offset, together with the aborted
     * transactions the returned batches may hold records of. An offset below the log start or above the log end →
     * OffsetOutOfRangeException; at the log end, or at or above the isolation's bound for a consumer read → an
     * empty slice.
     */
    public ReadResult read(long offset, int maxBytes, boolean minOneBatch, FetchIsolation isolation) {
        flusher.ensureOnline();
        EndOffset e = end;
        long lso = logStartOffset;
        long lastStable = Math.min(lastStableOffset(), e.offset());
        long hw = Math.min(highWatermark, e.offset());
        long limit = switch (isolation) {
            case LOG_END -> e.offset();
            case HIGH_WATERMARK -> hw;
            case TXN_COMMITTED -> Math.min(lastStable, hw);
        };
        EndOffset bound = limit >= e.offset() ? e : LogReads.boundAt(dir, segments, e, limit);
        return LogReads.read(dir, segments, e, bound, lso, hw, Math.min(lastStable, hw), offset, maxBytes,
                minOneBatch, isolation == FetchIsolation.TXN_COMMITTED);
    }

    /**
     * The aborted transactions that may hold records in [{@code fetchOffset}, {@code upperBoundOffset}), by marker
     * offset, from the {@code .txnindex} of the segment holding {@code fetchOffset} and the later ones as far as
     * needed (Kafka's {@code collectAbortedTransactions}): a read_committed consumer drops their records.
     */
    public List<AbortedTxn> abortedTransactions(long fetchOffset, long upperBoundOffset) {
        flusher.ensureOnline();
        return LogReads.abortedTransactions(dir, segments, fetchOffset, upperBoundOffset);
    }

    /**
     * The offset below which every transaction is decided and replicated (Kafka's last stable offset): the high
     * watermark, or the first offset of the earliest transaction still open (or closed by a marker the high
     * watermark has not passed) when that is smaller. A read_committed consumer reads up to it.
     */
    public long lastStableOffset() {
        long hw = highWatermark; // first: a first unstable offset is published before a high watermark covering it
        long firstUnstable = firstUnstableOffset;
        return firstUnstable >= 0 && firstUnstable < hw ? firstUnstable : hw;
    }

    /** The first offset of the earliest unstable transaction, or -1 when every transaction is decided. */
    public long firstUnstableOffset() { return firstUnstableOffset; }

    /** Under the lock: moves the high watermark and republishes the first unstable offset. */
    void setHighWatermarkLocked(long offset) {
        highWatermark = offset;
        publishFirstUnstableOffset();
    }

    /**
     * Under the lock, after producer state, the high watermark or the log start changed: publishes the first
     * unstable offset, raised to the log start as Kafka does (a transaction begun below it stays open until its
     * marker: its records above the log start may still be aborted).
     */
    void publishFirstUnstableOffset() {
        producerState.onHighWatermarkUpdated(highWatermark);
        long first = producerState.firstUnstableOffset();
        firstUnstableOffset = first < 0 ? -1 : Math.max(first, logStartOffset);
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

    /** The offset below which every record is committed; between the log start and the log end offsets. */
    public long highWatermark() { return highWatermark; }

    /**
     * Advances the high watermark to {@code offset}, clamped to [log start, log end] (Kafka's
     * {@code maybeIncrementHighWatermark}: it never moves back here; only truncation lowers it). Returns the high
     * watermark after the call, so the caller can tell whether it moved (and wake delayed fetches/produces).
     */
    public long updateHighWatermark(long offset) {
        lock.lock();
        try {
            long clamped = Math.max(logStartOffset, Math.min(offset, end.offset()));
            if (clamped > highWatermark) {
                setHighWatermarkLocked(clamped);
            }
            return highWatermark;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether each leader append moves the high watermark to the new log end (true by default: a single node is
     * its partition's only in-sync replica). A replica manager that waits for followers sets it to false; the log
     * then resumes at the high watermark checkpointed before the last stop, not its log end, which may hold records
     * the replicas never agreed on (they would be served to consumers, then truncated away).
     */
    public void setHighWatermarkFollowsLogEnd(boolean follows) {
        lock.lock();
        try {
            this.highWatermarkFollowsLogEnd = follows;
            if (!follows && checkpointedHighWatermark >= 0) {
                setHighWatermarkLocked(Math.max(logStartOffset, Math.min(checkpointedHighWatermark, end.offset())));
                checkpointedHighWatermark = -1;
            }
        } finally {
            lock.unlock();
        }
    }

    /** At load: the high watermark a replicated log resumes at (see {@link #setHighWatermarkFollowsLogEnd}). */
    void restoreCheckpointedHighWatermark(long offset) {
        lock.lock();
        try {
            checkpointedHighWatermark = offset;
        } finally {
            lock.unlock();
        }
    }

    /** The latest leader epoch in the log's epoch cache, or {@link EpochEndOffset#UNDEFINED_EPOCH}. */
    public int latestEpoch() { return epochCache.latestEpoch(); }

    /**
     * A replica became leader at {@code epoch}: the epoch begins at the current log end, recorded now rather than at
     * the first append, so that OffsetForLeaderEpoch and a follower's diverging-epoch check see where the previous
     * epoch ended even before anything is written (Kafka's {@code maybeAssignEpochStartOffset}). Ignored unless
     * {@code epoch} is newer than every epoch the log knows. Returns the epoch's start offset (the log end).
     */
    public long assignEpochStartOffset(int epoch) {
        lock.lock();
        try {
            ensureOpen();
            long start = end.offset();
            if (epoch > epochCache.latestEpoch()) {
                epochCache.assign(epoch, start);
            }
            return start;
        } catch (IOException e) {
            throw new KafkaStorageException("I/O error writing the leader epochs of " + dir, e);
        } finally {
            lock.unlock();
        }
    }

    /** The start offset of {@code epoch} in the leader-epoch cache, or -1 when the cache does not know it. */
    public long epochStartOffset(int epoch) { return epochCache.startOffsetOf(epoch); }

    /** What OffsetForLeaderEpoch answers for {@code epoch}: see {@link EpochEndOffset}. */
    public EpochEndOffset endOffsetForEpoch(int epoch) {
        return epochCache.endOffsetFor(epoch, end.offset());
    }

    /**
     * Drops every record at or after {@code offset} (a follower truncating to the leader's log after a leader
     * change; see {@link LogTruncation}). Returns false when there was nothing to drop.
     */
    public boolean truncateTo(long offset) {
        lock.lock();
        try {
            ensureOpen();
            truncations++;
            return LogTruncation.truncateTo(this, offset);
        } catch (IOException e) {
            throw new KafkaStorageException("I/O error truncating " + dir, e);
        } finally {
            lock.unlock();
        }
    }

    /** Empties the log and restarts it at {@code offset}: start, end and high watermark all become it. */
    public void truncateFullyAndStartAt(long offset) {
        lock.lock();
        try {
            ensureOpen();
            truncations++;
            LogTruncation.truncateFullyAndStartAt(this, offset);
        } catch (IOException e) {
            throw new KafkaStorageException("I/O error truncating " + dir, e);
        } finally {
            lock.unlock();
        }
    }

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
            if (active.size() > 0 && active.ageMs(now) > cfg.maxSegmentMs()) {
                LogAppends.roll(this, now);
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

    /** Deletes whole segments past retention.ms / retention.bytes (see {@link LogRetention}); returns how many. */
    public int deleteRetainedSegments() {
        lock.lock();
        try {
            return closed ? 0 : LogRetention.deleteRetainedSegments(this);
        } catch (IOException e) {
            throw new KafkaStorageException("I/O error deleting segments of " + dir, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Raises the log start offset (e.g. restored from log-start-offset-checkpoint, or DeleteRecords); segments
     * wholly below it are deleted. Has no effect past the high watermark or below the current start.
     */
    public void maybeIncrementLogStartOffset(long newLogStartOffset) {
        lock.lock();
        try {
            if (!closed) {
                LogRetention.maybeIncrementLogStartOffset(this, newLogStartOffset);
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

    /** Flushes, writes a producer-state snapshot, and closes files (and a standalone log's background threads). */
    @Override
    public void close() throws IOException {
        try {
            closeFiles();
        } finally {
            shutDownOwnBackground();
        }
    }

    /** Outside the lock: a queued rolled-segment flush takes it, and closing waits for that flush. */
    private void shutDownOwnBackground() {
        if (ownsBackground) {
            background.close();
        }
    }

    private void closeFiles() throws IOException {
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
            shutDownOwnBackground();
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
                    // unmaps the indexes now, closes the channel later
                    s.releaseForDeletion(closeDelayMs, background);
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

    /**
     * Whether {@code producerId} has a transaction open in this log at {@code producerEpoch} (its first batch is
     * here and no marker has ended it yet): a later batch of that transaction needs no verification by its
     * coordinator (KIP-890), as Kafka's {@code hasOngoingTransaction}.
     */
    public boolean hasOngoingTransaction(long producerId, short producerEpoch) {
        lock.lock();
        try {
            return producerState.hasOngoingTransaction(producerId, producerEpoch);
        } finally {
            lock.unlock();
        }
    }

    /** The idempotent producers this log holds state for (DescribeProducers). */
    public List<ActiveProducer> activeProducers() {
        lock.lock();
        try {
            return producerState.activeProducers();
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

    /** Open transactions as producer id → first offset, ordered by first offset (tests, diagnostics). */
    java.util.Map<Long, Long> ongoingTransactions() {
        lock.lock();
        try {
            return producerState.ongoingTransactions();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "Log(" + dir.getFileName() + ", start=" + logStartOffset + ", hw=" + highWatermark + ", end="
                + end.offset() + ")";
    }
}
