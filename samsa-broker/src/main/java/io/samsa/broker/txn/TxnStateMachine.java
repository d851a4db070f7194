package io.samsa.broker.txn;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * The transaction coordinator's decisions for the transactional ids of one transaction log partition, as Kafka's
 * TransactionCoordinator makes them, for clients of transaction version 1 and 2 (KIP-890 part 2: partitions are
 * added by their leaders, and every EndTxn bumps the producer epoch — the markers carry the bumped epoch, which
 * fences the transaction's late writes — handing over to a new producer id once the epoch runs out): InitProducerId (a new producer id, or
 * the epoch bumped, fencing older instances; an open transaction is aborted first and the caller told to retry),
 * AddPartitionsToTxn (and AddOffsetsToTxn through it), EndTxn, the abort of transactions open past their timeout
 * and the expiry of idle transactional ids. Each operation returns a {@link TxnResult}: the record to write and
 * the answer once it has committed; nothing changes here until the coordinator {@link #replay}s the committed
 * record (the same replay that loads the log), so a failed write has nothing to undo. While a write is in flight
 * for an id, its other operations answer CONCURRENT_TRANSACTIONS.
 *
 * <p>Not thread-safe: the coordinator calls it from one thread.
 */
public final class TxnStateMachine {
    /** Kafka's producer-id source: new ids are unique across the cluster. */
    @FunctionalInterface
    public interface ProducerIds {
        long next();
    }

    private static final short NO_EPOCH = -1;
    private static final long NO_PRODUCER_ID = -1;

    private final Map<String, Entry> txns = new HashMap<>();
    private final ProducerIds producerIds;
    private final LongSupplier clock;
    private final int maxTimeoutMs;

    /** One transactional id: its committed state, and the write in flight for it (if any). */
    private static final class Entry {
        TxnRecord current;
        TxnRecord pending;
        /** A fence's write failed: the next fence reuses its epoch instead of bumping again (never returned). */
        boolean failedEpochFence;

        Entry(TxnRecord current) {
            this.current = current;
        }
    }

    /** {@code maxTimeoutMs}: transaction.max.timeout.ms (Kafka's default 900000). */
    public TxnStateMachine(ProducerIds producerIds, LongSupplier clock, int maxTimeoutMs) {
        this.producerIds = producerIds;
        this.clock = clock;
        this.maxTimeoutMs = maxTimeoutMs;
    }

    /** A committed record (loading the log, or after an operation's write): it becomes the id's state. */
    public void replay(TxnRecord record) {
        if (record.state() == TxnState.DEAD) {
            txns.remove(record.transactionalId());
            return;
        }
        Entry e = txns.computeIfAbsent(record.transactionalId(), id -> new Entry(record));
        e.current = record;
        if (e.pending != null && e.pending.equals(record)) {
            e.pending = null;
        }
        if (record.state() == TxnState.PREPARE_ABORT || record.state() == TxnState.COMPLETE_ABORT) {
            e.failedEpochFence = false;
        }
    }

    /** The write of {@code record} failed: the id is free for the next operation, its state unchanged. */
    public void writeFailed(TxnRecord record) {
        Entry e = txns.get(record.transactionalId());
        if (e != null && record.equals(e.pending)) {
            e.pending = null;
            if (record.state() == TxnState.PREPARE_ABORT && record.producerEpoch() != e.current.producerEpoch()) {
                e.failedEpochFence = true;
            }
        }
    }

    public Optional<TxnRecord> describe(String transactionalId) {
        Entry e = txns.get(transactionalId);
        return e == null || e.current.producerEpoch() < 0 ? Optional.empty() : Optional.of(e.current);
    }

    public Collection<TxnRecord> all() {
        List<TxnRecord> out = new ArrayList<>();
        for (Entry e : txns.values()) {
            if (e.current.producerEpoch() >= 0) {
                out.add(e.current);
            }
        }
        return out;
    }

    // ---- InitProducerId ----

    /**
     * {@code expectedProducerId}/{@code expectedEpoch}: -1 from a new producer; a producer recovering from an
     * error (KIP-360) names the id and epoch it has.
     */
    public TxnResult initProducerId(String transactionalId, int timeoutMs, long expectedProducerId,
                                    short expectedEpoch) {
        if (transactionalId.isEmpty()) {
            return TxnResult.answer(Errors.INVALID_REQUEST);
        }
        if (timeoutMs <= 0 || timeoutMs > maxTimeoutMs) {
            return TxnResult.answer(Errors.INVALID_TRANSACTION_TIMEOUT);
        }
        long now = clock.getAsLong();
        Entry e = txns.computeIfAbsent(transactionalId, id -> new Entry(new TxnRecord(id, producerIds.next(),
                NO_PRODUCER_ID, NO_EPOCH, NO_EPOCH, timeoutMs, TxnState.EMPTY, Set.of(), -1, now)));
        if (e.pending != null) {
            return TxnResult.answer(Errors.CONCURRENT_TRANSACTIONS);
        }
        TxnRecord c = e.current;
        boolean expected = expectedProducerId >= 0;
        if (expected && !(c.producerEpoch() == NO_EPOCH || expectedProducerId == c.producerId()
                || (expectedProducerId == c.prevProducerId() && exhausted(expectedEpoch)))) {
            return TxnResult.answer(Errors.PRODUCER_FENCED);
        }
        return switch (c.state()) {
            case PREPARE_COMMIT, PREPARE_ABORT -> TxnResult.answer(Errors.CONCURRENT_TRANSACTIONS);
            case EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT -> {
                TxnRecord next;
                if (exhausted(c.producerEpoch()) && (!expected || expectedEpoch == c.producerEpoch())) {
                    next = new TxnRecord(transactionalId, producerIds.next(), c.producerId(), (short) 0,
                            expected ? c.producerEpoch() : NO_EPOCH, timeoutMs, TxnState.EMPTY, Set.of(), -1, now);
                } else if (!expected) {
                    next = emptyAt(c, (short) (c.producerEpoch() + 1), NO_EPOCH, timeoutMs, now);
                } else if (c.producerEpoch() == NO_EPOCH || expectedEpoch == c.producerEpoch()) {
                    next = emptyAt(c, (short) (c.producerEpoch() + 1), c.producerEpoch(), timeoutMs, now);
                } else if (expectedEpoch == c.lastProducerEpoch()) {
                    next = emptyAt(c, c.producerEpoch(), c.lastProducerEpoch(), timeoutMs, now); // a retry
                } else {
                    yield TxnResult.answer(Errors.PRODUCER_FENCED);
                }
                yield write(e, next, Errors.NONE);
            }
            // Abort the open transaction under a bumped epoch (the old instance is fenced by it); the caller
            // retries and then gets an epoch of its own.
            case ONGOING -> write(e, fenceAndAbort(e, now), Errors.CONCURRENT_TRANSACTIONS);
            case DEAD, PREPARE_EPOCH_FENCE -> throw new IllegalStateException(
                    "Transactional id " + transactionalId + " in state " + c.state() + ", which is never stored");
        };
    }

    private static TxnRecord emptyAt(TxnRecord c, short epoch, short lastEpoch, int timeoutMs, long now) {
        return new TxnRecord(c.transactionalId(), c.producerId(), c.prevProducerId(), epoch, lastEpoch, timeoutMs,
                TxnState.EMPTY, Set.of(), -1, now);
    }

    /** Kafka never hands out Short.MAX_VALUE, so that a coordinator can always fence the last epoch. */
    private static boolean exhausted(short epoch) {
        return epoch >= Short.MAX_VALUE - 1;
    }

    // ---- AddPartitionsToTxn / AddOffsetsToTxn ----

    public TxnResult addPartitions(String transactionalId, long producerId, short epoch,
                                   Set<TopicPartition> partitions) {
        return addPartitions(transactionalId, producerId, epoch, partitions, (short) 1);
    }

    /**
     * Adds partitions to the producer's transaction, starting it if none is open; {@code transactionVersion} is the
     * client's (2 when a partition leader or the group coordinator adds on its behalf), kept for the transaction.
     */
    public TxnResult addPartitions(String transactionalId, long producerId, short epoch,
                                   Set<TopicPartition> partitions, short transactionVersion) {
        Entry e = txns.get(transactionalId);
        if (e == null || e.current.producerEpoch() < 0 || e.current.producerId() != producerId) {
            return TxnResult.answer(Errors.INVALID_PRODUCER_ID_MAPPING);
        }
        TxnRecord c = e.current;
        if (c.producerEpoch() != epoch) {
            return TxnResult.answer(Errors.PRODUCER_FENCED);
        }
        if (e.pending != null || c.state() == TxnState.PREPARE_COMMIT || c.state() == TxnState.PREPARE_ABORT) {
            return TxnResult.answer(Errors.CONCURRENT_TRANSACTIONS);
        }
        if (c.state() == TxnState.ONGOING && c.partitions().containsAll(partitions)) {
            return TxnResult.answer(Errors.NONE);
        }
        long now = clock.getAsLong();
        Set<TopicPartition> all = new HashSet<>(c.partitions());
        all.addAll(partitions);
        boolean open = c.state() == TxnState.ONGOING;
        return write(e, new TxnRecord(transactionalId, c.producerId(), c.prevProducerId(), c.producerEpoch(),
                c.lastProducerEpoch(), c.timeoutMs(), TxnState.ONGOING, all, open ? c.startMs() : now, now, -1L,
                open ? c.transactionVersion() : transactionVersion), Errors.NONE);
    }

    // ---- EndTxn ----

    public TxnResult endTxn(String transactionalId, long producerId, short epoch, boolean commit) {
        return endTxn(transactionalId, producerId, epoch, commit, (short) 1);
    }

    /**
     * EndTxn of a client of {@code transactionVersion}. Version 2 bumps the epoch in the PREPARE record (and, when
     * the epoch ran out, names the next producer id); a retry of it names the epoch before the bump, so with a
     * version 2 transaction an EndTxn is valid at the current epoch only while the transaction is open, and at the
     * one before it once it is ending or ended, as Kafka decides.
     */
    public TxnResult endTxn(String transactionalId, long producerId, short epoch, boolean commit,
                            short transactionVersion) {
        Entry e = txns.get(transactionalId);
        if (e == null || e.current.producerEpoch() < 0) {
            return TxnResult.answer(Errors.INVALID_PRODUCER_ID_MAPPING);
        }
        TxnRecord c = e.current;
        boolean bumps = c.transactionVersion() >= 2;
        // A retry of this producer's own EndTxn: the bump was its (a fence by the coordinator, after a timeout or a
        // new instance, forgets the last epoch, and the old epoch stays fenced).
        boolean retryOnEpochBump = bumps && c.producerEpoch() == epoch + 1 && c.lastProducerEpoch() == epoch;
        boolean retryOnOverflow = bumps && c.prevProducerId() == producerId && epoch == Short.MAX_VALUE - 1
                && c.producerEpoch() == 0;
        if (c.producerId() != producerId && !retryOnOverflow) {
            return TxnResult.answer(Errors.INVALID_PRODUCER_ID_MAPPING);
        }
        boolean validEpoch = !bumps ? epoch == c.producerEpoch() : switch (c.state()) {
            case PREPARE_COMMIT, PREPARE_ABORT -> retryOnEpochBump;
            case COMPLETE_COMMIT, COMPLETE_ABORT -> retryOnEpochBump || retryOnOverflow;
            default -> epoch == c.producerEpoch();
        };
        if (!validEpoch) {
            return TxnResult.answer(Errors.PRODUCER_FENCED);
        }
        if (e.pending != null) {
            return TxnResult.answer(Errors.CONCURRENT_TRANSACTIONS);
        }
        return switch (c.state()) {
            case ONGOING -> write(e, prepareEnd(c, commit, transactionVersion >= 2), Errors.NONE);
            case COMPLETE_COMMIT -> commit ? TxnResult.answer(Errors.NONE, c) : TxnResult.answer(Errors.INVALID_TXN_STATE);
            case COMPLETE_ABORT -> commit ? TxnResult.answer(Errors.INVALID_TXN_STATE) : TxnResult.answer(Errors.NONE, c);
            case PREPARE_COMMIT -> TxnResult.answer(commit ? Errors.CONCURRENT_TRANSACTIONS : Errors.INVALID_TXN_STATE);
            case PREPARE_ABORT -> TxnResult.answer(commit ? Errors.INVALID_TXN_STATE : Errors.CONCURRENT_TRANSACTIONS);
            case EMPTY -> TxnResult.answer(Errors.INVALID_TXN_STATE);
            case DEAD, PREPARE_EPOCH_FENCE -> throw new IllegalStateException(
                    "Transactional id " + transactionalId + " in state " + c.state() + ", which is never stored");
        };
    }

    /** The PREPARE record of an open transaction: version 2 bumps the epoch, rotating the id once it runs out. */
    private TxnRecord prepareEnd(TxnRecord c, boolean commit, boolean bumpEpoch) {
        TxnState state = commit ? TxnState.PREPARE_COMMIT : TxnState.PREPARE_ABORT;
        long now = clock.getAsLong();
        if (!bumpEpoch) {
            return prepare(c, state, c.producerEpoch(), c.lastProducerEpoch(), now);
        }
        long next = exhausted(c.producerEpoch()) ? producerIds.next() : -1L;
        return new TxnRecord(c.transactionalId(), c.producerId(), c.prevProducerId(),
                (short) (c.producerEpoch() + 1), c.producerEpoch(), c.timeoutMs(), state, c.partitions(),
                c.startMs(), now, next, (short) 2);
    }

    private static TxnRecord prepare(TxnRecord c, TxnState state, short epoch, short lastEpoch, long now) {
        return new TxnRecord(c.transactionalId(), c.producerId(), c.prevProducerId(), epoch, lastEpoch,
                c.timeoutMs(), state, c.partitions(), c.startMs(), now, -1L, c.transactionVersion());
    }

    /**
     * Every marker of a committed PREPARE_COMMIT/PREPARE_ABORT record was written: the COMPLETE record to write
     * (null when the id has moved on meanwhile).
     */
    public TxnRecord markersWritten(TxnRecord prepared) {
        Entry e = txns.get(prepared.transactionalId());
        if (e == null || !e.current.equals(prepared) || e.pending != null) {
            return null;
        }
        TxnState done = prepared.state() == TxnState.PREPARE_COMMIT ? TxnState.COMPLETE_COMMIT
                : TxnState.COMPLETE_ABORT;
        TxnRecord complete = prepared.nextProducerId() >= 0
                // The epoch ran out: the id goes on with the next producer id (its old one stays for a retry).
                ? new TxnRecord(prepared.transactionalId(), prepared.nextProducerId(), prepared.producerId(),
                        (short) 0, NO_EPOCH, prepared.timeoutMs(), done, Set.of(), prepared.startMs(),
                        clock.getAsLong(), -1L, prepared.transactionVersion())
                : new TxnRecord(prepared.transactionalId(), prepared.producerId(), prepared.prevProducerId(),
                        prepared.producerEpoch(), prepared.lastProducerEpoch(), prepared.timeoutMs(), done, Set.of(),
                        prepared.startMs(), clock.getAsLong(), -1L, prepared.transactionVersion());
        e.pending = complete;
        return complete;
    }

    /** Records whose markers are still to be written (after a load): the PREPARE records of the partition. */
    public List<TxnRecord> preparedAwaitingMarkers() {
        List<TxnRecord> out = new ArrayList<>();
        for (Entry e : txns.values()) {
            TxnState s = e.current.state();
            if ((s == TxnState.PREPARE_COMMIT || s == TxnState.PREPARE_ABORT) && e.pending == null) {
                out.add(e.current);
            }
        }
        return out;
    }

    // ---- timeouts and expiry ----

    /**
     * Transactions open longer than their timeout (no write in flight): each is aborted under a bumped epoch,
     * which fences the producer that left it open.
     */
    public List<TxnResult> abortTimedOut() {
        long now = clock.getAsLong();
        List<TxnResult> out = new ArrayList<>();
        for (Entry e : txns.values()) {
            TxnRecord c = e.current;
            if (c.state() == TxnState.ONGOING && e.pending == null && c.startMs() + c.timeoutMs() < now) {
                out.add(write(e, fenceAndAbort(e, now), Errors.NONE));
            }
        }
        return out;
    }

    /** Ids idle (nothing open) for {@code expirationMs} (transactional.id.expiration.ms): tombstones to write. */
    public List<TxnResult> expire(long expirationMs) {
        long now = clock.getAsLong();
        List<TxnResult> out = new ArrayList<>();
        for (Entry e : txns.values()) {
            TxnRecord c = e.current;
            if (c.state().expirationAllowed() && e.pending == null && c.producerEpoch() >= 0
                    && c.lastUpdateMs() + expirationMs <= now) {
                out.add(write(e, new TxnRecord(c.transactionalId(), c.producerId(), c.prevProducerId(),
                        c.producerEpoch(), c.lastProducerEpoch(), c.timeoutMs(), TxnState.DEAD, Set.of(), -1, now),
                        Errors.NONE));
            }
        }
        return out;
    }

    private TxnRecord fenceAndAbort(Entry e, long now) {
        TxnRecord c = e.current;
        short fenced = e.failedEpochFence || c.producerEpoch() == Short.MAX_VALUE ? c.producerEpoch()
                : (short) (c.producerEpoch() + 1);
        return prepare(c, TxnState.PREPARE_ABORT, fenced, NO_EPOCH, now);
    }

    private static TxnResult write(Entry e, TxnRecord record, Errors answer) {
        if (!record.state().validPrevious().contains(e.current.state())) {
            throw new IllegalStateException("Invalid transition of " + record.transactionalId() + " from "
                    + e.current.state() + " to " + record.state());
        }
        e.pending = record;
        return TxnResult.write(record, answer);
    }
}
