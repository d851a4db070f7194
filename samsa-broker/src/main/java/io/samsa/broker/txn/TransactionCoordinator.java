package io.samsa.broker.txn;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.broker.group.OffsetsTopic;

/**
 * The transaction coordinator: one {@link TxnStateMachine} per transaction log partition this broker leads, its
 * writes to that partition, the markers each ended transaction needs, and the timers (abort of transactions open
 * past their timeout, expiry of idle ids). A transactional id lives in partition {@code partitionFor(id)}, as
 * Kafka places it; ids of a partition not led here answer NOT_COORDINATOR.
 *
 * <p>Ending a transaction: EndTxn's PREPARE record is written and committed, the client is answered, then the
 * marker goes to every partition of the transaction (retried until written, skipped when the partition no longer
 * exists), and last the COMPLETE record. A coordinator that takes over a partition finds PREPARE records without
 * their COMPLETE when it loads, and writes their markers again (markers are idempotent for the log).
 *
 * <p>Threads: everything runs on one thread ({@code samsa-txn-coordinator}), so the state machines need no
 * locks; request handler threads call the public methods and get futures; write and marker completions hop back
 * to that thread. A partition's shard is replaced when leadership moves: completions for an old shard are
 * dropped (their requests answered NOT_COORDINATOR).
 */
public final class TransactionCoordinator implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(TransactionCoordinator.class);
    private static final long MARKER_RETRY_MS = 100;

    /** InitProducerId's answer. */
    public record InitResult(Errors error, long producerId, short producerEpoch) {
    }

    /**
     * @param numPartitions       transaction.state.log.num.partitions (50)
     * @param maxTimeoutMs        transaction.max.timeout.ms (900000)
     * @param abortIntervalMs     transaction.abort.timed.out.transaction.cleanup.interval.ms (10000)
     * @param expirationMs        transactional.id.expiration.ms (604800000)
     * @param expiryIntervalMs    transaction.remove.expired.transaction.cleanup.interval.ms (3600000)
     */
    public record Config(int numPartitions, int maxTimeoutMs, long abortIntervalMs, long expirationMs,
                         long expiryIntervalMs) {
        public static final Config DEFAULTS = new Config(50, 900_000, 10_000, 604_800_000L, 3_600_000L);

        /** The same, with the partition count of an existing {@code __transaction_state}. */
        public Config withNumPartitions(int partitions) {
            return new Config(partitions, maxTimeoutMs, abortIntervalMs, expirationMs, expiryIntervalMs);
        }
    }

    private final TxnLog txnLog;
    private final MarkerWriter markers;
    private final TxnStateMachine.ProducerIds producerIds;
    private final LongSupplier clock;
    private final Config config;
    private final ScheduledExecutorService thread;
    private final Map<Integer, Shard> shards = new HashMap<>(); // coordinator thread only
    /**
     * Ongoing transactions by producer id, for the produce path's verification (any thread reads; the coordinator
     * thread writes whenever a committed record changes a transaction).
     */
    private final Map<Long, Ongoing> ongoing = new java.util.concurrent.ConcurrentHashMap<>();

    private record Ongoing(short epoch, Set<TopicPartition> partitions) {
    }

    /** The partitions it was told it leads (any thread): what a leadership reconcile compares with. */
    private final Set<Integer> led = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** One led partition: its epoch (the markers' coordinator epoch) and its state machine. */
    private static final class Shard {
        final int partition;
        final int epoch;
        final TxnStateMachine state;

        Shard(int partition, int epoch, TxnStateMachine state) {
            this.partition = partition;
            this.epoch = epoch;
            this.state = state;
        }
    }

    public TransactionCoordinator(TxnLog txnLog, MarkerWriter markers, TxnStateMachine.ProducerIds producerIds,
                                  LongSupplier clock, Config config) {
        this.txnLog = txnLog;
        this.markers = markers;
        this.producerIds = producerIds;
        this.clock = clock;
        this.config = config;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "samsa-txn-coordinator");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::abortTimedOut, config.abortIntervalMs(), config.abortIntervalMs(),
                TimeUnit.MILLISECONDS);
        thread.scheduleWithFixedDelay(this::expire, config.expiryIntervalMs(), config.expiryIntervalMs(),
                TimeUnit.MILLISECONDS);
    }

    /** Kafka's placement of a transactional id in the transaction log. */
    public int partitionFor(String transactionalId) {
        return OffsetsTopic.partitionFor(transactionalId, config.numPartitions());
    }

    // ---- leadership ----

    /** This broker leads {@code partition} at {@code epoch}: load it (replacing an older shard), resume markers. */
    public CompletableFuture<Void> onLeader(int partition, int epoch) {
        led.add(partition);
        return CompletableFuture.runAsync(() -> {
            Shard old = shards.get(partition);
            if (old != null && old.epoch == epoch) {
                return;
            }
            TxnStateMachine state = new TxnStateMachine(producerIds, clock, config.maxTimeoutMs());
            try {
                txnLog.replay(partition, state::replay);
            } catch (Exception e) {
                shards.remove(partition);
                log.error("Could not load transaction log partition {}; its ids answer NOT_COORDINATOR", partition, e);
                return;
            }
            Shard shard = new Shard(partition, epoch, state);
            Shard replaced = shards.put(partition, shard);
            if (replaced != null) {
                replaced.state.all().forEach(r -> ongoing.remove(r.producerId()));
            }
            state.all().forEach(this::track);
            List<TxnRecord> unfinished = state.preparedAwaitingMarkers();
            log.info("Coordinating the transactions of transaction log partition {} (epoch {}): {} ids, {} to "
                    + "finish", partition, epoch, state.all().size(), unfinished.size());
            unfinished.forEach(r -> writeMarkers(shard, r));
        }, thread);
    }

    public CompletableFuture<Void> onNotLeader(int partition) {
        led.remove(partition);
        return CompletableFuture.runAsync(() -> {
            Shard removed = shards.remove(partition);
            if (removed != null) {
                removed.state.all().forEach(r -> ongoing.remove(r.producerId()));
            }
        }, thread);
    }

    /** The partitions this coordinator was told it leads. */
    public Set<Integer> coordinatedPartitions() {
        return Set.copyOf(led);
    }

    // ---- requests ----

    public CompletableFuture<InitResult> initProducerId(String transactionalId, int timeoutMs, long producerId,
                                                        short producerEpoch) {
        return onShard(transactionalId, shard -> {
            TxnResult r = shard.state.initProducerId(transactionalId, timeoutMs, producerId, producerEpoch);
            return write(shard, r).thenApply(error -> r.write() == null || error != Errors.NONE
                    ? new InitResult(error, -1, (short) -1)
                    : new InitResult(error, r.write().producerId(), r.write().producerEpoch()));
        }, error -> new InitResult(error, -1, (short) -1));
    }

    public CompletableFuture<Errors> addPartitions(String transactionalId, long producerId, short producerEpoch,
                                                   Set<TopicPartition> partitions) {
        return addPartitions(transactionalId, producerId, producerEpoch, partitions, (short) 1);
    }

    /** AddPartitionsToTxn of a client of {@code transactionVersion} (2: added by a leader on its behalf). */
    public CompletableFuture<Errors> addPartitions(String transactionalId, long producerId, short producerEpoch,
                                                   Set<TopicPartition> partitions, short transactionVersion) {
        return onShard(transactionalId, shard -> write(shard, shard.state.addPartitions(transactionalId, producerId,
                producerEpoch, partitions, transactionVersion)), e -> e);
    }

    public CompletableFuture<Errors> endTxn(String transactionalId, long producerId, short producerEpoch,
                                            boolean commit) {
        return endTxn(transactionalId, producerId, producerEpoch, commit, (short) 1).thenApply(EndResult::error);
    }

    /** EndTxn's answer: the error, and (transaction version 2) the producer id and epoch to go on with. */
    public record EndResult(Errors error, long producerId, short producerEpoch) {
    }

    /** EndTxn of a client of {@code transactionVersion} (EndTxn v5+ is version 2: the epoch is bumped). */
    public CompletableFuture<EndResult> endTxn(String transactionalId, long producerId, short producerEpoch,
                                               boolean commit, short transactionVersion) {
        return onShard(transactionalId, shard -> {
            TxnResult r = shard.state.endTxn(transactionalId, producerId, producerEpoch, commit, transactionVersion);
            return write(shard, r).thenApply(error -> error == Errors.NONE
                    ? new EndResult(error, r.producerId(), r.producerEpoch())
                    : new EndResult(error, -1L, (short) -1));
        }, error -> new EndResult(error, -1L, (short) -1));
    }

    /** The id's state, or empty when unknown here (callers answer NOT_COORDINATOR or TRANSACTIONAL_ID_NOT_FOUND). */
    public CompletableFuture<java.util.Optional<TxnRecord>> describe(String transactionalId) {
        return CompletableFuture.supplyAsync(() -> {
            Shard shard = shards.get(partitionFor(transactionalId));
            return shard == null ? java.util.Optional.<TxnRecord>empty() : shard.state.describe(transactionalId);
        }, thread);
    }

    /** Whether this broker coordinates the id's partition now. */
    public CompletableFuture<Boolean> coordinates(String transactionalId) {
        return CompletableFuture.supplyAsync(() -> shards.containsKey(partitionFor(transactionalId)), thread);
    }

    /** Every id of every partition led here. */
    public CompletableFuture<List<TxnRecord>> list() {
        return CompletableFuture.supplyAsync(() -> {
            List<TxnRecord> out = new ArrayList<>();
            shards.values().forEach(s -> out.addAll(s.state.all()));
            return out;
        }, thread);
    }

    private <T> CompletableFuture<T> onShard(String transactionalId,
                                             Function<Shard, CompletableFuture<T>> op, Function<Errors, T> error) {
        CompletableFuture<T> out = new CompletableFuture<>();
        thread.execute(() -> {
            if (transactionalId == null || transactionalId.isEmpty()) {
                out.complete(error.apply(Errors.INVALID_REQUEST));
                return;
            }
            Shard shard = shards.get(partitionFor(transactionalId));
            if (shard == null) {
                out.complete(error.apply(Errors.NOT_COORDINATOR));
                return;
            }
            try {
                op.apply(shard).whenComplete((v, e) -> {
                    if (e != null) {
                        out.completeExceptionally(e);
                    } else {
                        out.complete(v);
                    }
                });
            } catch (RuntimeException e) {
                out.completeExceptionally(e);
            }
        });
        return out;
    }

    /**
     * Whether the producer (at this epoch) has an ongoing transaction to which the partition was added: a
     * transactional batch is appended only then (see {@code replica.TransactionVerifier}). Any thread.
     */
    /**
     * A partition leader's check of a transactional batch (KIP-890): NONE when the producer's ongoing transaction
     * holds {@code partition}, else INVALID_TXN_STATE; with {@code add} (transaction version 2, where the leader adds
     * the partition on the producer's behalf) it is added as AddPartitionsToTxn would, with that call's errors.
     * Any thread; answers NOT_COORDINATOR for an id this broker does not coordinate when adding.
     */
    public CompletableFuture<Errors> verify(String transactionalId, long producerId, short producerEpoch,
                                            TopicPartition partition, boolean add) {
        if (add) {
            return addPartitions(transactionalId, producerId, producerEpoch, Set.of(partition), (short) 2);
        }
        return CompletableFuture.completedFuture(inTransaction(producerId, producerEpoch, partition) ? Errors.NONE
                : Errors.INVALID_TXN_STATE);
    }

    public boolean inTransaction(long producerId, short producerEpoch, TopicPartition partition) {
        Ongoing o = ongoing.get(producerId);
        return o != null && o.epoch() == producerEpoch && o.partitions().contains(partition);
    }

    // ---- writes and markers (coordinator thread) ----

    /** Keeps {@link #ongoing} in step with a committed record. */
    private void track(TxnRecord record) {
        if (record.state() == TxnState.ONGOING) {
            ongoing.put(record.producerId(), new Ongoing(record.producerEpoch(), record.partitions()));
        } else {
            ongoing.remove(record.producerId());
            ongoing.remove(record.prevProducerId()); // a transaction of version 2 that ran out of epochs
        }
    }

    /** Writes the result's record (if any); completes with the answer once it committed, or the write's error. */
    private CompletableFuture<Errors> write(Shard shard, TxnResult r) {
        TxnRecord record = r.write();
        if (record == null) {
            return CompletableFuture.completedFuture(r.error());
        }
        CompletableFuture<Errors> answer = new CompletableFuture<>();
        txnLog.append(shard.partition, shard.epoch, record).whenCompleteAsync((v, e) -> {
            if (shards.get(shard.partition) != shard) {
                answer.complete(Errors.NOT_COORDINATOR);
                return;
            }
            if (e != null) {
                shard.state.writeFailed(record);
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                log.info("Transaction log write of {} failed: {}", record, cause.toString());
                answer.complete(cause instanceof NotCoordinatorException ? Errors.NOT_COORDINATOR
                        : Errors.COORDINATOR_NOT_AVAILABLE);
                return;
            }
            shard.state.replay(record);
            track(record);
            answer.complete(r.error());
            if (record.state() == TxnState.PREPARE_COMMIT || record.state() == TxnState.PREPARE_ABORT) {
                writeMarkers(shard, record);
            }
        }, thread);
        return answer;
    }

    private void writeMarkers(Shard shard, TxnRecord prepared) {
        boolean commit = prepared.state() == TxnState.PREPARE_COMMIT;
        Set<TopicPartition> left = new HashSet<>(prepared.partitions());
        if (left.isEmpty()) {
            complete(shard, prepared);
            return;
        }
        for (TopicPartition tp : prepared.partitions()) {
            writeMarker(shard, prepared, tp, commit, left);
        }
    }

    private void writeMarker(Shard shard, TxnRecord prepared, TopicPartition tp, boolean commit,
                             Set<TopicPartition> left) {
        markers.write(tp, prepared.producerId(), prepared.producerEpoch(), commit, shard.epoch)
                .whenCompleteAsync((v, e) -> {
                    if (shards.get(shard.partition) != shard) {
                        return; // the next coordinator finishes it
                    }
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    if (e == null || cause instanceof UnknownTopicOrPartitionException) {
                        left.remove(tp);
                        if (left.isEmpty()) {
                            complete(shard, prepared);
                        }
                        return;
                    }
                    log.debug("Marker for {} to {} failed ({}); retrying", prepared.transactionalId(), tp,
                            cause.toString());
                    thread.schedule(() -> writeMarker(shard, prepared, tp, commit, left), MARKER_RETRY_MS,
                            TimeUnit.MILLISECONDS);
                }, thread);
    }

    /** Every marker is written: the COMPLETE record (retried until written while this shard leads). */
    private void complete(Shard shard, TxnRecord prepared) {
        if (shards.get(shard.partition) != shard) {
            return;
        }
        TxnRecord done = shard.state.markersWritten(prepared);
        if (done == null) {
            return;
        }
        write(shard, TxnResult.write(done, Errors.NONE)).thenAcceptAsync(error -> {
            if (error != Errors.NONE && shards.get(shard.partition) == shard) {
                thread.schedule(() -> complete(shard, prepared), MARKER_RETRY_MS, TimeUnit.MILLISECONDS);
            }
        }, thread);
    }

    // ---- timers (coordinator thread) ----

    /** Package-private so tests run a pass without waiting for the timer. */
    void abortTimedOut() {
        for (Shard shard : List.copyOf(shards.values())) {
            for (TxnResult r : shard.state.abortTimedOut()) {
                log.info("Aborting {}: open longer than its timeout of {} ms", r.write().transactionalId(),
                        r.write().timeoutMs());
                write(shard, r);
            }
        }
    }

    void expire() {
        for (Shard shard : List.copyOf(shards.values())) {
            for (TxnResult r : shard.state.expire(config.expirationMs())) {
                write(shard, r);
            }
        }
    }

    /** Runs {@code task} on the coordinator thread and waits (tests). */
    void runOnThread(Runnable task) {
        CompletableFuture.runAsync(task, thread).join();
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
