package io.samsa.clients.producer.txn;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;

/**
 * A transactional producer's state (Kafka's transaction version 1 protocol): which partitions the coordinator
 * has added to the open transaction, which wait to be added, and the operations the application asked for.
 * The application thread moves the state with {@code initTransactions}, {@code beginTransaction}, {@code send},
 * {@code sendOffsetsToTransaction}, {@code commitTransaction} and {@code abortTransaction}; the producer's I/O
 * thread ({@code sender.TransactionRequests}) carries the operations out, one at a time and in order, and
 * reports errors. A partition's batches are sent only once the coordinator has added it. Thread-safe: every
 * method holds this object's lock.
 */
public final class Transactions {
    private final String transactionalId;
    private final int transactionTimeoutMs;
    private TransactionState state = TransactionState.UNINITIALIZED;
    private RuntimeException lastError;
    private final Set<TopicPartition> added = new HashSet<>();
    private final Set<TopicPartition> toAdd = new LinkedHashSet<>();
    /** The coordinator knows this transaction (a partition or a group's offsets were added): EndTxn is needed. */
    private boolean startedOnCoordinator;
    /** A batch with a sequence failed for good: after the abort, a new epoch restarts every sequence. */
    private boolean epochBumpRequired;
    private final ArrayDeque<TransactionOp> ops = new ArrayDeque<>();

    public Transactions(String transactionalId, int transactionTimeoutMs) {
        this.transactionalId = transactionalId;
        this.transactionTimeoutMs = transactionTimeoutMs;
    }

    public String transactionalId() {
        return transactionalId;
    }

    public int transactionTimeoutMs() {
        return transactionTimeoutMs;
    }

    public synchronized TransactionState state() {
        return state;
    }

    // ---- application thread ----

    /** Asks for the producer id (or returns the pending request: initTransactions may be called again). */
    public synchronized TransactionOp initTransactions() {
        throwIfFatal();
        if (state == TransactionState.INITIALIZING) {
            return pending(TransactionOp.Kind.INIT_PRODUCER_ID);
        }
        transitionTo(TransactionState.INITIALIZING, TransactionState.UNINITIALIZED);
        return enqueue(TransactionOp.init());
    }

    public synchronized void beginTransaction() {
        throwIfError();
        transitionTo(TransactionState.IN_TRANSACTION, TransactionState.READY);
    }

    /** From {@code send}: the record's partition joins the transaction (added by the I/O thread before sending). */
    public synchronized void maybeAddPartition(TopicPartition tp) {
        if (state != TransactionState.IN_TRANSACTION) {
            throwIfError();
            throw new IllegalStateException("Cannot call send in state " + state
                    + (state == TransactionState.READY ? " (call beginTransaction first)" : ""));
        }
        if (!added.contains(tp)) {
            toAdd.add(tp);
        }
    }

    public synchronized TransactionOp sendOffsets(Map<TopicPartition, OffsetAndMetadata> offsets,
                                                  ConsumerGroupMetadata group) {
        throwIfError();
        if (state != TransactionState.IN_TRANSACTION) {
            throw new IllegalStateException("Cannot send offsets if a transaction is not in progress (currently in "
                    + "state " + state + ")");
        }
        return enqueue(TransactionOp.addOffsets(offsets, group));
    }

    /** Commit (or the pending commit, when commitTransaction is called again after a timeout). */
    public synchronized TransactionOp beginCommit() {
        if (state == TransactionState.COMMITTING) {
            return pending(TransactionOp.Kind.END_TRANSACTION);
        }
        throwIfError();
        transitionTo(TransactionState.COMMITTING, TransactionState.IN_TRANSACTION);
        return enqueue(TransactionOp.end(true));
    }

    /** Abort, from a transaction or after an abortable error (or the pending abort, when called again). */
    public synchronized TransactionOp beginAbort() {
        if (state == TransactionState.ABORTING) {
            return pending(TransactionOp.Kind.END_TRANSACTION);
        }
        throwIfFatal();
        transitionTo(TransactionState.ABORTING, TransactionState.IN_TRANSACTION, TransactionState.ABORTABLE_ERROR);
        toAdd.clear(); // their batches are failed, not sent
        for (TransactionOp op : ops) {
            op.result().completeExceptionally(new KafkaException("The transaction is being aborted"));
        }
        ops.clear();
        return enqueue(TransactionOp.end(false));
    }

    /** For {@code send}: fails at once when nothing can be sent any more. */
    public synchronized void throwIfFatal() {
        if (state == TransactionState.FATAL_ERROR) {
            throw errorForApplication();
        }
    }

    private void throwIfError() {
        if (state == TransactionState.FATAL_ERROR || state == TransactionState.ABORTABLE_ERROR) {
            throw errorForApplication();
        }
    }

    private RuntimeException errorForApplication() {
        if (lastError instanceof ProducerFencedException) {
            return new ProducerFencedException("Producer with transactionalId '" + transactionalId + "' has been "
                    + "fenced by another producer with the same transactionalId");
        }
        return new KafkaException("Cannot execute transactional method because we are in an error state",
                lastError);
    }

    private void transitionTo(TransactionState target, TransactionState... from) {
        for (TransactionState s : from) {
            if (state == s) {
                state = target;
                return;
            }
        }
        throw new IllegalStateException("TransactionalId " + transactionalId + ": Invalid transition attempted from "
                + "state " + state + " to state " + target);
    }

    private TransactionOp enqueue(TransactionOp op) {
        ops.addLast(op);
        return op;
    }

    private TransactionOp pending(TransactionOp.Kind kind) {
        for (TransactionOp op : ops) {
            if (op.kind() == kind) {
                return op;
            }
        }
        throw new IllegalStateException("No pending " + kind + " in state " + state);
    }

    // ---- I/O thread ----

    /** The operation to carry out next, or null. */
    public synchronized TransactionOp nextOp() {
        return ops.peekFirst();
    }

    /** The operation succeeded: the state it leads to, then its result. */
    public synchronized void opDone(TransactionOp op) {
        ops.remove(op);
        switch (op.kind()) {
            case INIT_PRODUCER_ID -> state = TransactionState.READY;
            case ADD_OFFSETS -> startedOnCoordinator = true;
            case END_TRANSACTION -> {
                state = TransactionState.READY;
                added.clear();
                toAdd.clear();
                startedOnCoordinator = false;
            }
        }
        op.result().complete(null);
    }

    /** The coordinator gave a new epoch after an abort: sequences restarted. */
    public synchronized void epochBumped() {
        epochBumpRequired = false;
    }

    public synchronized boolean epochBumpRequired() {
        return epochBumpRequired;
    }

    public synchronized void requireEpochBump() {
        epochBumpRequired = true;
    }

    public synchronized boolean startedOnCoordinator() {
        return startedOnCoordinator;
    }

    /** Partitions waiting to be added, in the order they were first sent to. */
    public synchronized Set<TopicPartition> partitionsToAdd() {
        return new LinkedHashSet<>(toAdd);
    }

    public synchronized void partitionsAdded(Set<TopicPartition> partitions) {
        toAdd.removeAll(partitions);
        startedOnCoordinator = true; // even when aborting meanwhile: the coordinator has a transaction to end
        if (state == TransactionState.IN_TRANSACTION || state == TransactionState.COMMITTING) {
            added.addAll(partitions);
        }
    }

    /** Whether the coordinator has added the partition to the open transaction (its batches may be sent). */
    public synchronized boolean isAdded(TopicPartition tp) {
        return added.contains(tp);
    }

    /** Whether queued batches must be failed instead of sent: the transaction cannot commit any more. */
    public synchronized boolean failsQueuedBatches() {
        return state == TransactionState.ABORTING || state == TransactionState.ABORTABLE_ERROR
                || state == TransactionState.FATAL_ERROR;
    }

    /**
     * The transaction cannot commit: the application must abort it. Pending operations other than an abort fail
     * with {@code error}; an error during an abort or before a transaction changes nothing.
     */
    public synchronized void abortableError(RuntimeException error) {
        if (state != TransactionState.IN_TRANSACTION && state != TransactionState.COMMITTING) {
            return;
        }
        lastError = error;
        state = TransactionState.ABORTABLE_ERROR;
        failPending(error);
    }

    /** Only close is left; every pending operation fails. */
    public synchronized void fatalError(RuntimeException error) {
        lastError = error;
        state = TransactionState.FATAL_ERROR;
        failPending(error);
        toAdd.clear();
    }

    private void failPending(RuntimeException error) {
        for (TransactionOp op : ops) {
            op.result().completeExceptionally(error);
        }
        ops.clear();
    }

    /** The error queued batches fail with once the transaction cannot commit. */
    public synchronized RuntimeException queuedBatchError() {
        if (state == TransactionState.ABORTING) {
            return new org.apache.kafka.common.errors.TransactionAbortedException(
                    "Failing batch since transaction was aborted");
        }
        return new KafkaException("Failing batch since the transaction cannot commit", lastError);
    }
}
