package io.samsa.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.protocol.records.ControlRecords;
import io.samsa.protocol.records.RecordBatchHeader;

/**
 * The write path of a {@link Log}: leader and follower appends and segment rolls. Stateless; every method runs
 * with the log's lock held (the calling {@link Log} method takes it), on whichever thread appends.
 */
final class LogAppends {

    private static final Logger LOG = LoggerFactory.getLogger(LogAppends.class);

    private LogAppends() {
    }

    /**
     * Validates and appends the record batches in {@code records} (a Produce request's partition data:
     * exactly one v2 batch, as Kafka requires) as leader, assigning offsets from the log end offset.
     *
     * <p>Validation ({@link RecordValidator}, Kafka's LogValidator) walks every record of the request's one batch
     * and fails with the kafka-clients exception whose error code Kafka returns; total over segment.bytes →
     * RecordBatchTooLargeException; idempotence: duplicate of one of the producer's last 5 batches →
     * returns its original offsets with {@code duplicate=true}; sequence gap → OutOfOrderSequenceException;
     * older epoch → InvalidProducerEpochException (a coordinator's write, {@link AppendOrigin#COORDINATOR}, has
     * only its epoch checked). Nothing is written unless everything passes.
     *
     * <p>Each batch's baseOffset and partitionLeaderEpoch (= {@code leaderEpoch}) are rewritten in place (outside the
     * CRC), and a new epoch is recorded in the leader-epoch cache at the batch's offset; with
     * LogAppendTime the maxTimestamp and timestamp-type bit are set and the CRC recomputed; with CreateTime the
     * maxTimestamp is set to the records' largest, as Kafka does.
     */
    static AppendResult asLeader(Log log, ByteBuffer records, int leaderEpoch, AppendOrigin origin)
            throws IOException {
        LogConfig cfg = log.config;
        long now = log.clock.millis();
        int start = records.position();
        int limit = records.limit();
        Map<Long, ProducerStateManager.Staged> staged = null;
        int batches = 0;
        long recordCount = 0;
        long maxTimestampInBatches = RecordBatchHeader.NO_TIMESTAMP;
        for (int p = start; p < limit; ) {
            int batchSize = RecordValidator.validateBatch(records, p, limit - p, cfg, now, origin);
            maxTimestampInBatches = Math.max(maxTimestampInBatches,
                    cfg.logAppendTime() ? now : RecordBatchHeader.maxTimestamp(records, p));
            long producerId = RecordBatchHeader.producerId(records, p);
            if (producerId >= 0 && origin == AppendOrigin.COORDINATOR) {
                log.producerState.checkEpoch(producerId, RecordBatchHeader.producerEpoch(records, p));
            } else if (producerId >= 0) {
                short epoch = RecordBatchHeader.producerEpoch(records, p);
                int firstSeq = RecordBatchHeader.baseSequence(records, p);
                int lastSeq = RecordBatchHeader.lastSequence(records, p);
                ProducerStateManager.BatchMetadata dup =
                        log.producerState.findDuplicate(producerId, epoch, firstSeq, lastSeq);
                if (dup != null) {
                    return new AppendResult(dup.firstOffset(), dup.lastOffset(),
                            cfg.logAppendTime() ? dup.timestamp() : -1L, log.logStartOffset, 0, true);
                }
                if (staged == null) {
                    staged = new HashMap<>(4);
                }
                log.producerState.checkAndStage(producerId, epoch, firstSeq, lastSeq, staged);
            }
            recordCount += RecordBatchHeader.recordCount(records, p);
            batches++;
            p += batchSize;
        }
        if (batches == 0) {
            throw new CorruptRecordException("Produce request for " + log.dir.getFileName()
                    + " holds no record batch");
        }
        int totalBytes = limit - start;
        if (totalBytes > cfg.segmentBytes()) {
            throw new RecordBatchTooLargeException("Request of " + totalBytes + " bytes exceeds segment.bytes "
                    + cfg.segmentBytes() + " of " + log.dir.getFileName());
        }
        long firstOffset = log.end.offset();
        maybeRoll(log, totalBytes, firstOffset + recordCount, maxTimestampInBatches, now, cfg);
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
        finishAppend(log, records, start, limit, next, cfg);
        if (log.highWatermarkFollowsLogEnd) {
            log.setHighWatermarkLocked(next);
        }
        return new AppendResult(firstOffset, next - 1, cfg.logAppendTime() ? now : -1L, log.logStartOffset,
                (int) Math.min(Integer.MAX_VALUE, recordCount), false);
    }

    /**
     * Appends an end-transaction marker as leader (what a transaction coordinator's WriteTxnMarkers asks of a
     * partition leader): a control batch (v2, transactional and control attributes, one COMMIT or ABORT record
     * carrying {@code coordinatorEpoch}) at the log end, stamped with {@code leaderEpoch}. As Kafka: a producer
     * epoch older than the producer's → InvalidProducerEpochException; a coordinator epoch older than the one of
     * the producer's last marker → TransactionCoordinatorFencedException; nothing is written then. The marker
     * closes the producer's open transaction; an ABORT goes into the active segment's {@code .txnindex}.
     */
    static AppendResult controlMarkerAsLeader(Log log, long producerId, short producerEpoch, boolean commit,
                                              int coordinatorEpoch, int leaderEpoch) throws IOException {
        LogConfig cfg = log.config;
        long now = log.clock.millis();
        log.producerState.checkMarker(producerId, producerEpoch, coordinatorEpoch);
        ByteBuffer marker = ControlRecords.endTxnMarker(producerId, producerEpoch, commit, coordinatorEpoch, now);
        int start = marker.position();
        int limit = marker.limit();
        long offset = log.end.offset();
        maybeRoll(log, limit - start, offset + 1, now, now, cfg);
        // Offsets and leader epoch lie outside the CRC.
        RecordBatchHeader.setBaseOffset(marker, start, offset);
        RecordBatchHeader.setPartitionLeaderEpoch(marker, start, leaderEpoch);
        if (cfg.logAppendTime()) {
            RecordBatchHeader.setLogAppendTime(marker, start, now); // as Kafka's validator does for every batch
        }
        finishAppend(log, marker, start, limit, offset + 1, cfg);
        if (log.highWatermarkFollowsLogEnd) {
            log.setHighWatermarkLocked(offset + 1);
        }
        return new AppendResult(offset, offset, -1L, log.logStartOffset, 1, false);
    }

    /**
     * Appends batches fetched from the leader as they are: offsets, timestamps and leader epochs are the leader's
     * and are not touched, so a read returns the leader's bytes. Each batch is checked for framing and CRC and
     * must start at or after the log end offset and after the previous batch (offsets strictly increase; a gap
     * is allowed, as after compaction on the leader) — else {@link UnexpectedAppendOffsetException}. Producer
     * state and the leader-epoch cache are updated from the batches; the high watermark is not (a follower
     * learns it from the leader's fetch response: {@link Log#updateHighWatermark}).
     */
    static AppendResult asFollower(Log log, ByteBuffer records) throws IOException {
        LogConfig cfg = log.config;
        int start = records.position();
        int limit = records.limit();
        long next = log.end.offset();
        long recordCount = 0;
        for (int p = start; p < limit; ) {
            int size = RecordValidator.validateFollowerBatch(records, p, limit - p, next);
            if (size > cfg.segmentBytes()) {
                throw new RecordBatchTooLargeException("Fetched batch of " + size + " bytes exceeds segment.bytes "
                        + cfg.segmentBytes() + " of " + log.dir.getFileName());
            }
            recordCount += RecordBatchHeader.recordCount(records, p);
            next = RecordBatchHeader.lastOffset(records, p) + 1;
            p += size;
        }
        if (start == limit) {
            return new AppendResult(next, next - 1, -1L, log.logStartOffset, 0, false);
        }
        long firstOffset = RecordBatchHeader.baseOffset(records, start);
        // A fetch may bring more than a segment holds: append in runs of whole batches that fit one segment.
        for (int runStart = start; runStart < limit; ) {
            int runEnd = runStart;
            long runNext = -1;
            long runMaxTimestamp = RecordBatchHeader.NO_TIMESTAMP;
            while (runEnd < limit && (runEnd == runStart
                    || runEnd - runStart + RecordBatchHeader.sizeInBytes(records, runEnd) <= cfg.segmentBytes())) {
                runMaxTimestamp = Math.max(runMaxTimestamp, RecordBatchHeader.maxTimestamp(records, runEnd));
                runNext = RecordBatchHeader.lastOffset(records, runEnd) + 1;
                runEnd += RecordBatchHeader.sizeInBytes(records, runEnd);
            }
            maybeRoll(log, runEnd - runStart, runNext, runMaxTimestamp, log.clock.millis(), cfg);
            finishAppend(log, records.duplicate().limit(runEnd).position(runStart), runStart, runEnd, runNext, cfg);
            runStart = runEnd;
        }
        return new AppendResult(firstOffset, next - 1, -1L, log.logStartOffset,
                (int) Math.min(Integer.MAX_VALUE, recordCount), false);
    }

    /**
     * The common tail of both appends (lock held; batches validated and offset-stamped): writes them to the
     * active segment, records them in producer state and the leader-epoch cache, publishes the new log end and
     * flushes per flush.messages.
     */
    private static void finishAppend(Log log, ByteBuffer records, int start, int limit, long next, LogConfig cfg)
            throws IOException {
        LogSegment active = log.segments.lastEntry().getValue();
        appendToSegment(log, active, records);
        for (int p = start; p < limit; p += RecordBatchHeader.sizeInBytes(records, p)) {
            long producerId = RecordBatchHeader.producerId(records, p);
            if (producerId < 0) {
                continue;
            }
            if (!RecordBatchHeader.isControl(records, p)) {
                log.producerState.update(producerId, RecordBatchHeader.producerEpoch(records, p),
                        RecordBatchHeader.baseSequence(records, p), RecordBatchHeader.lastSequence(records, p),
                        RecordBatchHeader.baseOffset(records, p), RecordBatchHeader.lastOffset(records, p),
                        RecordBatchHeader.maxTimestamp(records, p), RecordBatchHeader.isTransactional(records, p));
                continue;
            }
            ControlRecords.EndTxnMarker marker = ControlRecords.endTxnMarker(records, p);
            if (marker == null) {
                continue;
            }
            ProducerStateManager.CompletedTxn done = log.producerState.endTxn(producerId,
                    RecordBatchHeader.producerEpoch(records, p), marker.commit(), marker.coordinatorEpoch(),
                    RecordBatchHeader.baseOffset(records, p), RecordBatchHeader.maxTimestamp(records, p));
            if (done != null && done.aborted()) {
                appendToTxnIndex(log, active, done.asAborted());
            }
        }
        log.producerState.setMapEndOffset(next);
        // Published before the log end and any high watermark that covers a newly opened transaction.
        log.publishFirstUnstableOffset();
        log.end = new Log.EndOffset(next, active.baseOffset(), active.size());
        for (int p = start; p < limit; p += RecordBatchHeader.sizeInBytes(records, p)) {
            int epoch = RecordBatchHeader.partitionLeaderEpoch(records, p);
            if (epoch > log.epochCache.latestEpoch()) {
                log.epochCache.assign(epoch, RecordBatchHeader.baseOffset(records, p));
            }
        }
        if (next - log.flusher.recoveryPoint() >= cfg.flushIntervalMessages()) {
            log.flusher.flushAllLocked();
        }
    }

    /**
     * Records an aborted transaction in the segment holding its marker. The marker is already written, so a
     * failure here would leave a consumer reading the aborted records as committed: the log goes offline, and the
     * next start recovers the tail and rebuilds the index.
     */
    private static void appendToTxnIndex(Log log, LogSegment active, AbortedTxn txn) throws IOException {
        try {
            active.txnIndex.append(txn);
        } catch (IOException | RuntimeException e) {
            log.flusher.goOffline("appending to the transaction index of segment " + active.baseOffset()
                    + " failed", e);
            throw e;
        }
    }

    /**
     * Writes to the active segment. A failed write (ENOSPC, EIO) leaves the segment as it was and is answered
     * KAFKA_STORAGE_ERROR, and the log stays online: the next append retries, so writing resumes once space
     * is freed. Kafka instead takes the whole log directory offline on any IOException; on a single node
     * that would stop every partition for a full disk, which freeing space fixes. An InternalError (a fault on
     * a mapped page; index entries only go to pages already backed, see MappedIndex) is treated the same way.
     * Only when the segment cannot even cut the failed bytes off again does the log go offline, so that no
     * stale tail is ever served.
     */
    private static void appendToSegment(Log log, LogSegment active, ByteBuffer records) throws IOException {
        try {
            active.append(records);
        } catch (IOException | RuntimeException | InternalError e) {
            if (active.hasStaleTail()) {
                log.flusher.goOffline("append left bytes it could not truncate", e);
            }
            if (e instanceof IOException io) {
                throw io;
            }
            throw new KafkaStorageException("Append to " + log.dir + " failed", e);
        }
    }

    /**
     * Kafka's {@code LogSegment.shouldRoll}: rolls before an append when the active segment would exceed
     * segment.bytes, when the incoming batches' max timestamp lies segment.ms past the segment's first batch
     * (not the wall clock: backfilling old records fills whole segments), when an index is full, or when the
     * offsets would not fit relative to the base.
     */
    private static void maybeRoll(Log log, int incomingBytes, long nextEndOffset, long maxTimestampInBatches, long now,
                           LogConfig cfg) throws IOException {
        LogSegment active = log.segments.lastEntry().getValue();
        if (active.size() == 0) {
            return;
        }
        boolean full = active.size() > cfg.segmentBytes() - incomingBytes;
        boolean old = active.timeWaitedForRoll(now, maxTimestampInBatches) > cfg.maxSegmentMs();
        boolean offsetOverflow = nextEndOffset - 1 - active.baseOffset() > Integer.MAX_VALUE;
        if (full || old || active.indexesFull() || offsetOverflow) {
            roll(log, now);
        }
    }

    /**
     * Starts a new active segment and schedules an asynchronous flush of everything below it (Kafka's
     * {@code flushUptoOffsetExclusive(newSegment.baseOffset)}), so the recovery point trails the active
     * segment and an unclean restart re-checks only the tail.
     */
    static void roll(Log log, long now) throws IOException {
        LogSegment active = log.segments.lastEntry().getValue();
        long newBase = log.end.offset();
        if (active.baseOffset() == newBase) {
            return; // empty: nothing to roll
        }
        active.onBecomeInactive();
        log.producerState.takeSnapshot(newBase);
        LogSegment next = LogSegment.open(log.dir, newBase, log.config, true, now);
        log.segments.put(newBase, next);
        log.end = new Log.EndOffset(newBase, newBase, 0);
        LOG.debug("{}: rolled new segment at {}", log.dir.getFileName(), newBase);
        log.background.flushLater(() -> log.flusher.flushUpTo(newBase));
    }}
