package io.samsa.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.TransactionCoordinatorFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.protocol.records.ControlRecords;
import io.samsa.protocol.records.RecordBatchHeader;

/**
 * Idempotent and transactional producer state of one partition: per producer id the epoch and the metadata of
 * its last {@value #NUM_BATCHES_TO_RETAIN} batches, so that a retried batch is recognised and answered with its
 * original offsets, and sequence gaps and fenced epochs are rejected as Kafka rejects them; and, as Kafka's
 * ProducerStateManager, each producer's open transaction: a transactional batch from a producer with none opens
 * one at its base offset, an end-transaction marker (COMMIT or ABORT control batch) closes it. Open transactions
 * are kept by first offset; a closed one stays "unreplicated" until the high watermark passes its marker, so the
 * first unstable offset ({@link #firstUnstableOffset}) never lets a consumer see a transaction a leader change
 * could still reopen.
 *
 * <p>Persisted in {@code %020d.snapshot} files named by the offset they are valid up to (the state after
 * every batch below that offset). Not thread-safe: used under the owning log's lock.
 *
 * <p>Snapshot format (big-endian): int version (2), int CRC-32C of everything after it, int producer
 * count, then per producer: long producerId, short epoch, long lastTimestamp, int coordinatorEpoch, long first
 * offset of its open transaction (-1: none), int batch count, and per batch int firstSeq, int lastSeq, long
 * firstOffset, long lastOffset, long timestamp. Version 1 (written before transactions) lacks the two
 * transaction fields and is still read.
 */
final class ProducerStateManager {

    private static final Logger LOG = LoggerFactory.getLogger(ProducerStateManager.class);

    static final int NUM_BATCHES_TO_RETAIN = 5;
    static final int SNAPSHOTS_TO_KEEP = 2;
    private static final int SNAPSHOT_VERSION = 2;
    private static final int SNAPSHOT_VERSION_WITHOUT_TXNS = 1;
    private static final int NO_SEQUENCE = -1;

    /** One appended batch of a producer. */
    record BatchMetadata(int firstSeq, int lastSeq, long firstOffset, long lastOffset, long timestamp) {
    }

    /**
     * A transaction closed by a marker: its producer, first offset, the marker's offset, whether it was aborted,
     * and the last stable offset right after the marker (what its {@code .txnindex} entry records).
     */
    record CompletedTxn(long producerId, long firstOffset, long lastOffset, boolean aborted, long lastStableOffset) {
        AbortedTxn asAborted() {
            return new AbortedTxn(producerId, firstOffset, lastOffset, lastStableOffset);
        }
    }

    /** What one producer id has written. */
    static final class ProducerEntry {
        short epoch;
        long lastTimestamp;
        /** The epoch of the transaction coordinator that wrote this producer's last marker (-1: none yet). */
        int coordinatorEpoch = -1;
        /** The first offset of this producer's open transaction, or -1 when it has none. */
        long currentTxnFirstOffset = -1;
        final ArrayDeque<BatchMetadata> batches = new ArrayDeque<>(NUM_BATCHES_TO_RETAIN);

        int lastSeq() {
            return batches.isEmpty() ? NO_SEQUENCE : batches.peekLast().lastSeq();
        }

        /** As Kafka's {@code maybeUpdateProducerEpoch}: another epoch forgets the old epoch's batches. */
        void updateEpoch(short newEpoch) {
            if (newEpoch != epoch) {
                batches.clear();
                epoch = newEpoch;
            }
        }

        void addBatch(short newEpoch, BatchMetadata batch) {
            updateEpoch(newEpoch);
            if (batches.size() == NUM_BATCHES_TO_RETAIN) {
                batches.removeFirst();
            }
            batches.addLast(batch);
            lastTimestamp = batch.timestamp();
        }
    }

    /** State staged by earlier batches of the same request: epoch and last sequence. */
    record Staged(short epoch, int lastSeq) {
    }

    private final Path dir;
    private final Map<Long, ProducerEntry> producers = new HashMap<>();
    /** Open transactions: first offset → producer id. */
    private final TreeMap<Long, Long> ongoingTxns = new TreeMap<>();
    /** Closed transactions whose marker the high watermark has not passed yet: first offset → transaction. */
    private final TreeMap<Long, CompletedTxn> unreplicatedTxns = new TreeMap<>();
    private long mapEndOffset;

    ProducerStateManager(Path dir) {
        this.dir = dir;
    }

    int producerCount() { return producers.size(); }

    long mapEndOffset() { return mapEndOffset; }

    ProducerEntry entry(long producerId) { return producers.get(producerId); }

    boolean hasOngoingTransaction(long producerId, short epoch) {
        ProducerEntry e = producers.get(producerId);
        return e != null && e.epoch == epoch && e.currentTxnFirstOffset >= 0;
    }

    /** Each producer's last batch's last offset (the batch the log cleaner keeps); under the log's lock. */
    void forEachLastBatch(java.util.function.BiConsumer<Long, Long> action) {
        producers.forEach((id, e) -> {
            if (!e.batches.isEmpty()) {
                action.accept(id, e.batches.peekLast().lastOffset());
            }
        });
    }

    /** The metadata of an earlier batch with this epoch and sequence range, or null. */
    BatchMetadata findDuplicate(long producerId, short epoch, int firstSeq, int lastSeq) {
        ProducerEntry e = producers.get(producerId);
        if (e == null || e.epoch != epoch) {
            return null;
        }
        for (BatchMetadata b : e.batches) {
            if (b.firstSeq() == firstSeq && b.lastSeq() == lastSeq) {
                return b;
            }
        }
        return null;
    }

    /**
     * Checks a batch's epoch and sequence against the stored state, or the state staged by earlier batches
     * of the same request, and stages the batch.
     */
    void checkAndStage(long producerId, short epoch, int firstSeq, int lastSeq, Map<Long, Staged> staged) {
        Staged prior = staged.get(producerId);
        short currentEpoch;
        int currentLastSeq;
        boolean known;
        if (prior != null) {
            known = true;
            currentEpoch = prior.epoch();
            currentLastSeq = prior.lastSeq();
        } else {
            ProducerEntry e = producers.get(producerId);
            known = e != null;
            currentEpoch = known ? e.epoch : -1;
            currentLastSeq = known ? e.lastSeq() : NO_SEQUENCE;
        }
        if (known && epoch < currentEpoch) {
            throw new InvalidProducerEpochException("Epoch " + epoch + " of producer " + producerId
                    + " is older than the current epoch " + currentEpoch);
        }
        if (!known) {
            // As Kafka: a producer with no state (new, or its batches all removed by retention) may start at
            // any sequence; the client's own sequence numbers are trusted from there on.
        } else if (epoch != currentEpoch || currentLastSeq == NO_SEQUENCE) {
            if (firstSeq != 0) {
                throw new OutOfOrderSequenceException("Invalid sequence number for new epoch of producer "
                        + producerId + " at epoch " + epoch + ": " + firstSeq + " (expected 0)");
            }
        } else if (!inSequence(currentLastSeq, firstSeq)) {
            throw new OutOfOrderSequenceException("Out of order sequence number for producer " + producerId
                    + " at epoch " + epoch + ": " + firstSeq + " (incoming seq. number), " + currentLastSeq
                    + " (current end sequence number)");
        }
        staged.put(producerId, new Staged(epoch, lastSeq));
    }

    /**
     * A coordinator's transactional write (no sequence numbers): only an epoch older than the producer's is
     * refused, InvalidProducerEpochException.
     */
    void checkEpoch(long producerId, short epoch) {
        ProducerEntry e = producers.get(producerId);
        if (e != null && epoch < e.epoch) {
            throw new InvalidProducerEpochException("Epoch " + epoch + " of producer " + producerId
                    + " is older than the current epoch " + e.epoch);
        }
    }

    static boolean inSequence(int lastSeq, int nextSeq) {
        return nextSeq == lastSeq + 1L || (nextSeq == 0 && lastSeq == Integer.MAX_VALUE);
    }

    /** Records an appended (or replayed) data batch; a transactional one opens its producer's transaction. */
    void update(long producerId, short epoch, int firstSeq, int lastSeq, long firstOffset, long lastOffset,
                long timestamp, boolean transactional) {
        ProducerEntry e = entryOrNew(producerId, epoch);
        e.addBatch(epoch, new BatchMetadata(firstSeq, lastSeq, firstOffset, lastOffset, timestamp));
        if (transactional && e.currentTxnFirstOffset < 0) {
            e.currentTxnFirstOffset = firstOffset;
            ongoingTxns.put(firstOffset, producerId);
        }
        mapEndOffset = Math.max(mapEndOffset, lastOffset + 1);
    }

    private ProducerEntry entryOrNew(long producerId, short epoch) {
        return producers.computeIfAbsent(producerId, id -> {
            ProducerEntry n = new ProducerEntry();
            n.epoch = epoch;
            return n;
        });
    }

    /**
     * Checks a marker the leader is about to write, as Kafka's {@code appendEndTxnMarker} does for a non-replica
     * append: an epoch older than the producer's → InvalidProducerEpochException (INVALID_PRODUCER_EPOCH); a
     * coordinator epoch older than the one of the producer's last marker → TransactionCoordinatorFencedException.
     */
    void checkMarker(long producerId, short epoch, int coordinatorEpoch) {
        ProducerEntry e = producers.get(producerId);
        if (e == null) {
            return;
        }
        if (epoch < e.epoch) {
            throw new InvalidProducerEpochException("Epoch of producer " + producerId + " is " + epoch
                    + ", which is smaller than the last seen epoch " + e.epoch);
        }
        if (coordinatorEpoch < e.coordinatorEpoch) {
            throw new TransactionCoordinatorFencedException("Invalid coordinator epoch for producer " + producerId
                    + ": " + coordinatorEpoch + " (zombie), " + e.coordinatorEpoch + " (current)");
        }
    }

    /**
     * Records an appended (or replayed) end-transaction marker at {@code offset}: the producer's open transaction
     * closes and becomes unreplicated until the high watermark passes the marker. Returns the closed transaction,
     * or null when the producer had none open (Kafka emits nothing for an empty transaction: it changes neither
     * the last stable offset nor the {@code .txnindex}).
     */
    CompletedTxn endTxn(long producerId, short epoch, boolean commit, int coordinatorEpoch, long offset,
                        long timestamp) {
        ProducerEntry e = entryOrNew(producerId, epoch);
        CompletedTxn completed = null;
        if (e.currentTxnFirstOffset >= 0) {
            completed = new CompletedTxn(producerId, e.currentTxnFirstOffset, offset, !commit,
                    lastStableOffsetAfter(producerId, offset));
            ongoingTxns.remove(e.currentTxnFirstOffset);
            unreplicatedTxns.put(e.currentTxnFirstOffset, completed);
        }
        e.updateEpoch(epoch);
        e.coordinatorEpoch = coordinatorEpoch;
        e.currentTxnFirstOffset = -1;
        e.lastTimestamp = timestamp;
        mapEndOffset = Math.max(mapEndOffset, offset + 1);
        return completed;
    }

    /** Kafka's {@code lastStableOffset(completedTxn)}: another producer's first open transaction, else past it. */
    private long lastStableOffsetAfter(long producerId, long markerOffset) {
        for (Map.Entry<Long, Long> t : ongoingTxns.entrySet()) {
            if (t.getValue() != producerId) {
                return t.getKey();
            }
        }
        return markerOffset + 1;
    }

    /** The high watermark moved: closed transactions whose marker lies below it are no longer unstable. */
    void onHighWatermarkUpdated(long highWatermark) {
        unreplicatedTxns.values().removeIf(t -> t.lastOffset() < highWatermark);
    }

    /**
     * The first offset of the earliest transaction that is open, or closed by a marker the high watermark has
     * not passed; -1 when there is none. The last stable offset is the smaller of it and the high watermark.
     */
    long firstUnstableOffset() {
        Long open = ongoingTxns.isEmpty() ? null : ongoingTxns.firstKey();
        Long unreplicated = unreplicatedTxns.isEmpty() ? null : unreplicatedTxns.firstKey();
        if (open == null) {
            return unreplicated == null ? -1 : unreplicated;
        }
        return unreplicated == null ? open : Math.min(open, unreplicated);
    }

    /** Open transactions as producer id → first offset, ordered by first offset (tests, diagnostics). */
    Map<Long, Long> ongoingTransactions() {
        Map<Long, Long> out = new java.util.LinkedHashMap<>();
        ongoingTxns.forEach((first, pid) -> out.put(pid, first));
        return out;
    }

    /**
     * Forgets producers idle for at least {@code expirationMs} ({@code producer.id.expiration.ms}, KIP-854): idle
     * means no batch whose max timestamp is newer, as Kafka measures it. Later snapshots no longer hold them; a
     * producer that comes back is treated as new. Returns how many were removed.
     */
    int removeExpired(long nowMs, long expirationMs) {
        int before = producers.size();
        // As Kafka: a producer with an open transaction never expires (its marker is still to come).
        producers.values().removeIf(e -> e.currentTxnFirstOffset < 0 && nowMs - e.lastTimestamp >= expirationMs);
        return before - producers.size();
    }

    /** The producers held now, by producer id. */
    List<ActiveProducer> activeProducers() {
        List<ActiveProducer> out = new ArrayList<>();
        producers.forEach((id, e) -> out.add(new ActiveProducer(id, e.epoch, e.lastSeq(), e.lastTimestamp,
                e.coordinatorEpoch, e.currentTxnFirstOffset)));
        out.sort(Comparator.comparingLong(ActiveProducer::producerId));
        return out;
    }

    /**
     * Replays one batch read back from the log (recovery, reload after truncation): its header, and for a control
     * batch the marker it holds (null if none). Returns the transaction a marker closed, or null.
     */
    CompletedTxn replay(ByteBuffer header, ControlRecords.EndTxnMarker marker) {
        long producerId = RecordBatchHeader.producerId(header, 0);
        long lastOffset = RecordBatchHeader.lastOffset(header, 0);
        CompletedTxn completed = null;
        if (producerId >= 0 && !RecordBatchHeader.isControl(header, 0)) {
            update(producerId, RecordBatchHeader.producerEpoch(header, 0), RecordBatchHeader.baseSequence(header, 0),
                    RecordBatchHeader.lastSequence(header, 0), RecordBatchHeader.baseOffset(header, 0), lastOffset,
                    RecordBatchHeader.maxTimestamp(header, 0), RecordBatchHeader.isTransactional(header, 0));
        } else if (producerId >= 0 && marker != null) {
            completed = endTxn(producerId, RecordBatchHeader.producerEpoch(header, 0), marker.commit(),
                    marker.coordinatorEpoch(), RecordBatchHeader.baseOffset(header, 0),
                    RecordBatchHeader.maxTimestamp(header, 0));
        }
        mapEndOffset = Math.max(mapEndOffset, lastOffset + 1);
        return completed;
    }

    /** Snapshot files by offset. */
    TreeMap<Long, Path> snapshotFiles() throws IOException {
        TreeMap<Long, Path> files = new TreeMap<>();
        try (var stream = Files.list(dir)) {
            for (Path p : (Iterable<Path>) stream::iterator) {
                long off = LogFiles.offsetOf(p.getFileName().toString(), LogFiles.SNAPSHOT_SUFFIX);
                if (off >= 0) {
                    files.put(off, p);
                }
            }
        }
        return files;
    }

    /** Writes the current state as the snapshot valid up to {@code offset} and keeps only the newest few. */
    void takeSnapshot(long offset) throws IOException {
        int size = 12;
        for (ProducerEntry e : producers.values()) {
            size += 8 + 2 + 8 + 4 + 8 + 4 + e.batches.size() * 32;
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        buf.putInt(SNAPSHOT_VERSION).putInt(0).putInt(producers.size());
        for (Map.Entry<Long, ProducerEntry> me : producers.entrySet()) {
            ProducerEntry e = me.getValue();
            buf.putLong(me.getKey()).putShort(e.epoch).putLong(e.lastTimestamp).putInt(e.coordinatorEpoch)
                    .putLong(e.currentTxnFirstOffset).putInt(e.batches.size());
            for (BatchMetadata b : e.batches) {
                buf.putInt(b.firstSeq()).putInt(b.lastSeq()).putLong(b.firstOffset()).putLong(b.lastOffset())
                        .putLong(b.timestamp());
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 8, size - 8);
        buf.putInt(4, (int) crc.getValue());
        LogFiles.writeAtomically(dir.resolve(LogFiles.name(offset, LogFiles.SNAPSHOT_SUFFIX)), buf.array());
        TreeMap<Long, Path> files = snapshotFiles();
        while (files.size() > SNAPSHOTS_TO_KEEP) {
            Files.deleteIfExists(files.pollFirstEntry().getValue());
        }
    }

    /**
     * Resets the state to the newest readable snapshot at or below {@code maxOffset} (deleting snapshots
     * above it and unreadable ones) and returns the offset from which the log must be replayed, or -1 when
     * no snapshot was usable (replay from the log start).
     */
    long loadLatestSnapshot(long maxOffset) throws IOException {
        return loadLatestSnapshot(maxOffset, maxOffset);
    }

    /**
     * As {@link #loadLatestSnapshot(long)}, but loads the newest snapshot at or below {@code loadAtOrBelow}
     * (≤ maxOffset; a replay that must start early, to rebuild a {@code .txnindex}), keeping newer ones up to
     * {@code maxOffset}.
     */
    long loadLatestSnapshot(long maxOffset, long loadAtOrBelow) throws IOException {
        clear();
        mapEndOffset = 0;
        TreeMap<Long, Path> files = snapshotFiles();
        for (Map.Entry<Long, Path> e : files.tailMap(maxOffset, false).entrySet()) {
            Files.deleteIfExists(e.getValue());
        }
        List<Long> candidates = new ArrayList<>(files.headMap(Math.min(maxOffset, loadAtOrBelow), true)
                .descendingKeySet());
        for (long offset : candidates) {
            Path file = files.get(offset);
            try {
                readSnapshot(Files.readAllBytes(file));
                mapEndOffset = offset;
                return offset;
            } catch (IOException | RuntimeException ex) {
                LOG.warn("Deleting unreadable producer-state snapshot {}: {}", file, ex.toString());
                clear();
                Files.deleteIfExists(file);
            }
        }
        return -1;
    }

    private void clear() {
        producers.clear();
        ongoingTxns.clear();
        unreplicatedTxns.clear();
    }

    private void readSnapshot(byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        int version = bytes.length < 12 ? -1 : buf.getInt();
        if (version != SNAPSHOT_VERSION && version != SNAPSHOT_VERSION_WITHOUT_TXNS) {
            throw new IOException("bad snapshot header");
        }
        int stored = buf.getInt();
        CRC32C crc = new CRC32C();
        crc.update(bytes, 8, bytes.length - 8);
        if ((int) crc.getValue() != stored) {
            throw new IOException("snapshot CRC mismatch");
        }
        int count = buf.getInt();
        for (int i = 0; i < count; i++) {
            long pid = buf.getLong();
            ProducerEntry e = new ProducerEntry();
            e.epoch = buf.getShort();
            e.lastTimestamp = buf.getLong();
            if (version >= SNAPSHOT_VERSION) {
                e.coordinatorEpoch = buf.getInt();
                e.currentTxnFirstOffset = buf.getLong();
                if (e.currentTxnFirstOffset >= 0) {
                    ongoingTxns.put(e.currentTxnFirstOffset, pid);
                }
            }
            int n = buf.getInt();
            for (int j = 0; j < n; j++) {
                e.batches.addLast(new BatchMetadata(buf.getInt(), buf.getInt(), buf.getLong(), buf.getLong(),
                        buf.getLong()));
            }
            producers.put(pid, e);
        }
    }

    /** Forgets every producer and deletes every snapshot (the log was emptied and restarted elsewhere). */
    void deleteAllSnapshots() throws IOException {
        clear();
        for (Path p : snapshotFiles().values()) {
            Files.deleteIfExists(p);
        }
    }

    void setMapEndOffset(long offset) {
        mapEndOffset = offset;
    }
}
