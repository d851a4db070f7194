package io.samsa.log;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durability side of one {@link Log}: fsyncs its segments, keeps the recovery point (everything below it
 * is on disk; the checkpoint of it bounds what an unclean restart re-checks) and the offline state.
 *
 * <p>After a failed fsync the log goes offline for good (Kafka takes the log directory offline): every later
 * append and read fails with KAFKA_STORAGE_ERROR and the recovery point never moves again. On Linux the pages
 * whose write-back failed may be marked clean, so a later "successful" fsync would otherwise move the recovery
 * point past data never written ("fsyncgate"). A restart recovers the tail from the last good recovery point.
 *
 * <p>Threads: {@link #flushUpTo} runs on the segment-flusher thread ({@link LogBackground}) after a roll, on the log manager's
 * background thread (flush.ms) or on a caller's; it takes the log lock only to pick the segments and to
 * publish, and fsyncs without it. {@link #flushAllLocked} and {@link #raiseRecoveryPointTo} need the lock held.
 */
final class LogFlusher {

    private static final Logger LOG = LoggerFactory.getLogger(LogFlusher.class);

    private final Path dir;
    private final Clock clock;
    private final NavigableMap<Long, LogSegment> segments;
    private final ReentrantLock lock;
    private final LongSupplier logEnd;
    private final BooleanSupplier closed;
    private volatile long recoveryPoint;
    private volatile long lastFlushMs;
    /** Set once when the log goes offline; never cleared while the process runs. */
    private volatile Throwable offlineCause;

    LogFlusher(Path dir, Clock clock, NavigableMap<Long, LogSegment> segments, ReentrantLock lock,
               LongSupplier logEnd, BooleanSupplier closed) {
        this.dir = dir;
        this.clock = clock;
        this.segments = segments;
        this.lock = lock;
        this.logEnd = logEnd;
        this.closed = closed;
    }

    /** After loading: everything up to {@code recoveredEnd} is on disk. */
    void start(long recoveredEnd, long nowMs) {
        recoveryPoint = recoveredEnd;
        lastFlushMs = nowMs;
    }

    long recoveryPoint() { return recoveryPoint; }

    long lastFlushMs() { return lastFlushMs; }

    boolean isOffline() { return offlineCause != null; }

    Throwable offlineCause() { return offlineCause; }

    void ensureOnline() {
        Throwable cause = offlineCause;
        if (cause != null) {
            throw new KafkaStorageException("Log " + dir + " is offline after a storage error: " + cause, cause);
        }
    }

    /** Retention moved the log start past the recovery point (log lock held). */
    void raiseRecoveryPointTo(long logStartOffset) {
        if (recoveryPoint < logStartOffset) {
            recoveryPoint = logStartOffset;
        }
    }

    /** A truncation cut the log below the recovery point (log lock held): the next unclean start re-checks it. */
    void lowerRecoveryPointTo(long offset) {
        if (recoveryPoint > offset) {
            recoveryPoint = offset;
        }
    }

    /**
     * fsyncs the segments holding offsets below {@code offsetExclusive} (all of them for Long.MAX_VALUE) and the
     * directory, then advances the recovery point to there (at most the log end). Kafka schedules this as
     * {@code flushUptoOffsetExclusive(newSegment.baseOffset)} on every roll.
     */
    void flushUpTo(long offsetExclusive) {
        long target;
        List<LogSegment> dirty;
        boolean all = offsetExclusive == Long.MAX_VALUE;
        lock.lock();
        try {
            if (closed.getAsBoolean() || offlineCause != null) {
                return;
            }
            target = Math.min(offsetExclusive, logEnd.getAsLong());
            if (target <= recoveryPoint && !all) {
                return;
            }
            Long from = segments.floorKey(recoveryPoint);
            NavigableMap<Long, LogSegment> range = from == null ? segments : segments.tailMap(from, true);
            dirty = new ArrayList<>(range.headMap(target, all).values());
        } finally {
            lock.unlock();
        }
        for (LogSegment s : dirty) {
            try {
                s.flush();
            } catch (IOException e) {
                if (closed.getAsBoolean() || segments.get(s.baseOffset()) != s) {
                    continue; // closed, or deleted by retention meanwhile: nothing left to make durable
                }
                goOffline("fsync of segment " + s.baseOffset() + " failed", e);
                throw new KafkaStorageException("I/O error flushing " + dir, e);
            }
        }
        LogFiles.fsyncDir(dir);
        lock.lock();
        try {
            if (offlineCause == null) {
                // min: a truncation while the fsync ran may have moved the log end below the target.
                recoveryPoint = Math.max(recoveryPoint, Math.min(target, logEnd.getAsLong()));
                lastFlushMs = clock.millis();
            }
        } finally {
            lock.unlock();
        }
    }

    /** fsyncs every segment from the recovery point on, with the log lock held (flush.messages, close). */
    void flushAllLocked() throws IOException {
        Long from = segments.floorKey(recoveryPoint);
        for (LogSegment s : (from == null ? segments : segments.tailMap(from, true)).values()) {
            try {
                s.flush();
            } catch (IOException e) {
                goOffline("fsync of segment " + s.baseOffset() + " failed", e);
                throw e;
            }
        }
        recoveryPoint = logEnd.getAsLong();
        lastFlushMs = clock.millis();
    }

    /** Takes the log offline for good (until a restart recovers it). */
    void goOffline(String why, Throwable cause) {
        if (offlineCause == null) {
            offlineCause = cause;
            LOG.error("{}: log is now OFFLINE ({}); appends and reads fail with KAFKA_STORAGE_ERROR until a "
                    + "restart recovers it", dir.getFileName(), why, cause);
        }
    }
}
