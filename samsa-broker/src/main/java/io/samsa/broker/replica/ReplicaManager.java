package io.samsa.broker.replica;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.broker.replica.fetcher.BrokerAddresses;
import io.samsa.broker.replica.fetcher.FetchTarget;
import io.samsa.broker.replica.fetcher.ReplicaFetcherManager;

import io.samsa.broker.topic.TopicInfo;
import io.samsa.broker.topic.TopicRegistry;
import io.samsa.log.AppendOrigin;
import io.samsa.log.AppendResult;
import io.samsa.log.FetchIsolation;
import io.samsa.log.Log;
import io.samsa.protocol.records.RecordBatchHeader;

/**
 * The partitions this broker holds, and the questions handlers ask about them: which partition is this, am I
 * its leader and at which epoch, append as leader, read for a fetch (bounded by the high watermark for
 * consumers, by the log end for a follower replica). Topics come from the {@link TopicRegistry} (lookups only).
 *
 * <p>Who leads, at which epoch, with which ISR: on a single node the assignment function ({@link
 * LeaderAndIsr#singleNode this node, epoch 0, alone}) gives each partition's state when it is first used. In a
 * cluster, {@link #startReplication} starts the replica fetchers and the ISR check, and the metadata publisher calls
 * {@link #applyPartitionState} for every partition with a local replica whenever its state may have changed (and
 * {@link #removePartition} when the replica goes): the partition becomes leader or follower
 * ({@link Partition#applyState}), and its fetcher is started, moved or stopped.
 *
 * <p>Thread-safe: called from request handler threads and the metadata publisher's thread. A {@link Partition} is
 * created on first use and kept while its log is the one the registry serves; a deleted topic's partitions are
 * dropped on a later sweep. Threads of its own once replication starts: {@code samsa-isr-check} (every
 * {@code replica.lag.time.max.ms / 2}: shrinks the ISR of led partitions whose followers lag) and the fetchers'
 * {@code samsa-replica-fetcher-<leaderId>}; {@link #close} stops them.
 */
public final class ReplicaManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaManager.class);

    private final int localNodeId;
    /** Null: no transaction coordinator here, transactional batches are refused. */
    private volatile TransactionVerifier transactions;
    private final TopicRegistry topics;
    private final BiFunction<TopicInfo, Integer, LeaderAndIsr> assignment;
    private final PartitionListener listener;
    private final Map<PartitionKey, Partition> partitions = new ConcurrentHashMap<>();
    private final ReplicationMetrics metrics = new ReplicationMetrics();
    private volatile int sweepAt = 1024;
    private volatile IsrContext isrContext = IsrContext.singleNode();
    private volatile ReplicaFetcherManager fetchers;
    private volatile ScheduledExecutorService isrCheck;

    /** A single node: it leads every partition at epoch 0, alone in the ISR. */
    public ReplicaManager(int localNodeId, TopicRegistry topics, PartitionListener listener) {
        this(localNodeId, topics, (topic, partition) -> LeaderAndIsr.singleNode(localNodeId), listener);
    }

    public ReplicaManager(int localNodeId, TopicRegistry topics,
                          BiFunction<TopicInfo, Integer, LeaderAndIsr> assignment, PartitionListener listener) {
        this.localNodeId = localNodeId;
        this.topics = topics;
        this.assignment = assignment;
        this.listener = listener;
    }

    /**
     * Cluster mode: ISR changes go to the controller through {@code sender}, followers fetch from leaders found
     * through {@code addresses} (the inter-broker listener of each broker in the metadata image), and the
     * {@code samsa-isr-check} thread starts. Call once, before the first {@link #applyPartitionState}.
     */
    public synchronized void startReplication(ReplicationSettings settings, AlterPartitionSender sender,
                                              BrokerAddresses addresses) {
        if (fetchers != null) {
            throw new IllegalStateException("Replication already started");
        }
        IsrContext context = IsrContext.of(settings, sender, metrics);
        isrContext = context;
        for (Partition p : partitions.values()) {
            p.useIsrContext(context);
        }
        fetchers = new ReplicaFetcherManager(localNodeId, settings, addresses, this::hostedPartition);
        ScheduledThreadPoolExecutor check = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "samsa-isr-check");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1, settings.lagTimeMaxMs() / 2);
        check.scheduleWithFixedDelay(this::shrinkLaggingIsrs, period, period, TimeUnit.MILLISECONDS);
        isrCheck = check;
    }

    /** One pass of the ISR check: every led partition drops its followers that lag too long. */
    void shrinkLaggingIsrs() {
        for (Partition p : partitions.values()) {
            try {
                p.maybeShrinkIsr();
            } catch (RuntimeException e) {
                LOG.warn("ISR check of {} failed", p, e);
            }
        }
    }
    public int localNodeId() {
        return localNodeId;
    }

    /**
     * The partition hosted here, or UnknownTopicOrPartitionException (retriable) when the topic has no such
     * partition or is being deleted.
     */
    public Partition partition(TopicInfo topic, int index) {
        return partition(topic, index, null);
    }

    /** The hosted partition, created in {@code initial} (null: the assignment's state) if it is not yet. */
    private Partition partition(TopicInfo topic, int index, LeaderAndIsr initial) {
        Log log = topics.log(topic.name(), index);
        PartitionKey key = new PartitionKey(topic.id(), index);
        Partition p = partitions.get(key);
        if (p != null && p.log() == log) {
            return p;
        }
        Partition created = partitions.compute(key, (k, old) -> old != null && old.log() == log ? old
                : new Partition(k, topic.name(), localNodeId,
                        initial != null ? initial : assignment.apply(topic, index), log, listener, isrContext));
        if (partitions.size() > sweepAt) {
            sweepDeleted();
        }
        return created;
    }

    /**
     * Makes this broker's replica of the partition follow {@code state} (from the metadata image): leader or
     * follower at its epoch (only a newer state takes effect, see {@link Partition#applyState}); a follower fetches
     * from the leader from its log end on, a leader stops fetching. A state without this node among the replicas
     * removes the partition. Unknown topic: ignored (the publisher creates topics first).
     */
    public void applyPartitionState(PartitionKey key, LeaderAndIsr state) {
        Optional<TopicInfo> topic = topics.get(key.topicId());
        if (topic.isEmpty()) {
            LOG.warn("No topic with id {} for partition state {}", key.topicId(), state);
            return;
        }
        applyPartitionState(topic.get(), key.partition(), state);
    }

    /** As {@link #applyPartitionState(PartitionKey, LeaderAndIsr)} for a topic the caller has at hand. */
    public void applyPartitionState(TopicInfo topic, int index, LeaderAndIsr state) {
        PartitionKey key = new PartitionKey(topic.id(), index);
        if (!state.replicas().contains(localNodeId)) {
            removePartition(key);
            return;
        }
        ReplicaFetcherManager f = fetchers;
        if (state.leaderId() == localNodeId && f != null) {
            f.removePartitions(Set.of(key)); // no fetch may append while it becomes leader
        }
        Partition p = partition(topic, index, state);
        p.applyState(state);
        LeaderAndIsr now = p.leaderAndIsr();
        if (f != null && now.leaderId() != localNodeId) {
            if (now.leaderId() == LeaderAndIsr.NO_LEADER) {
                f.removePartitions(Set.of(key));
            } else {
                f.addPartitions(Map.of(key, new FetchTarget(now.leaderId(), now.leaderEpoch(), p.logEndOffset())));
            }
        }
    }

    /**
     * This broker no longer holds a replica of the partition: its fetcher stops, it is forgotten, and waiters on it
     * wake (and fail). Its log is the topic registry's to delete.
     */
    public void removePartition(PartitionKey key) {
        ReplicaFetcherManager f = fetchers;
        if (f != null) {
            f.removePartitions(Set.of(key));
        }
        Partition removed = partitions.remove(key);
        if (removed != null) {
            removed.stopReplica();
        }
    }

    /** The partition if it is hosted here (opened already), else empty. */
    public Optional<Partition> hostedPartition(PartitionKey key) {
        return Optional.ofNullable(partitions.get(key));
    }

    /** Partitions this node leads whose ISR is smaller than their replica set (Kafka's UnderReplicatedPartitions). */
    public int underReplicatedPartitions() {
        int n = 0;
        for (Partition p : partitions.values()) {
            if (p.isUnderReplicated()) {
                n++;
            }
        }
        return n;
    }

    /** ISR shrink and expand counters of the partitions this node led. */
    public ReplicationMetrics metrics() {
        return metrics;
    }

    /** The replica fetchers (their lag), or empty before {@link #startReplication}. */
    public Optional<ReplicaFetcherManager> fetchers() {
        return Optional.ofNullable(fetchers);
    }

    /** Stops the ISR check and the fetchers (waiting for them). Single node: nothing to stop. */
    @Override
    public void close() {
        ScheduledExecutorService check = isrCheck;
        if (check != null) {
            check.shutdownNow();
        }
        ReplicaFetcherManager f = fetchers;
        if (f != null) {
            f.close();
        }
    }

    /** The partition, if this node leads it at the epoch the request names (see {@link Partition#checkLeader}). */
    public Partition leaderPartition(TopicInfo topic, int index, int currentLeaderEpoch) {
        Partition p = partition(topic, index);
        p.checkLeader(currentLeaderEpoch);
        return p;
    }

    /**
     * The partition for a consumer read this node may serve as leader or follower (fetch from follower, KIP-392),
     * at the epoch the request names (see {@link Partition#checkReplica}).
     */
    public Partition replicaPartition(TopicInfo topic, int index, int currentLeaderEpoch) {
        Partition p = partition(topic, index);
        p.checkReplica(currentLeaderEpoch);
        return p;
    }

    /**
     * Leader, epoch, replicas and ISR of a partition as Metadata reports them: the hosted partition's, or the
     * assignment for one not opened here yet.
     */
    public LeaderAndIsr leaderAndIsr(TopicInfo topic, int index) {
        Partition p = partitions.get(new PartitionKey(topic.id(), index));
        return p != null ? p.leaderAndIsr() : assignment.apply(topic, index);
    }

    /**
     * Appends a produce's records as leader. Refused before anything is written: not the leader
     * (NOT_LEADER_OR_FOLLOWER), acks=all with an ISR smaller than the topic's {@code min.insync.replicas}
     * (NOT_ENOUGH_REPLICAS), a transactional batch while transactions are not enabled (INVALID_TXN_STATE). A
     * transactional batch must have passed {@link #verifyTransaction} first (the caller's). Waiting for acks=all is
     * the caller's ({@code purgatory.ProducePurgatory}): this returns once the leader has the records, stored in the
     * topic's {@code compression.type} ({@link TopicCompression}).
     */
    public AppendResult appendAsLeader(Partition partition, TopicInfo topic, ByteBuffer records, short requiredAcks) {
        return appendAsLeader(partition, topic, records, requiredAcks, AppendOrigin.CLIENT);
    }

    /** As {@link #appendAsLeader(Partition, TopicInfo, ByteBuffer, short)}, for a client or a coordinator. */
    public AppendResult appendAsLeader(Partition partition, TopicInfo topic, ByteBuffer records, short requiredAcks,
                                       AppendOrigin origin) {
        partition.checkAppendable(requiredAcks, topics.minInsyncReplicas(topic));
        if (transactions == null && isTransactional(records)) {
            throw new InvalidTxnStateException("This broker has no transaction coordinator");
        }
        return partition.appendAsLeader(TopicCompression.apply(topic, records), origin);
    }

    /** Whether {@code records} start with a transactional batch (a Produce carries one batch per partition). */
    public static boolean isTransactional(ByteBuffer records) {
        return records.remaining() > RecordBatchHeader.ATTRIBUTES + 1
                && RecordBatchHeader.isTransactional(records, records.position());
    }

    /**
     * The verification of KIP-890 a transactional batch needs before {@link #appendAsLeader}: null when it needs
     * none — not transactional, transactions not enabled ({@code appendAsLeader} refuses it), or this producer's
     * transaction is open in the partition's log at this epoch already (only the first batch of a transaction per
     * partition asks the coordinator, as in Kafka) — else the verifier's answer (NONE: append; any other error:
     * {@link VerificationErrors#forProduce}); with {@code add} (Produce v12+, transaction version 2) the coordinator
     * adds the partition to the producer's transaction rather than only checking it (NONE: append; other error:
     * {@link VerificationErrors#forProduce}). The check and the append are not atomic: a marker that lands between
     * them lets the batch open a new transaction, as it could before verification existed.
     */
    public CompletionStage<Errors> verifyTransaction(Partition partition, TopicInfo topic, String transactionalId,
                                                     ByteBuffer records, boolean add) {
        TransactionVerifier v = transactions;
        if (v == null || !isTransactional(records)) {
            return null;
        }
        int p = records.position();
        long producerId = RecordBatchHeader.producerId(records, p);
        short epoch = RecordBatchHeader.producerEpoch(records, p);
        if (partition.log().hasOngoingTransaction(producerId, epoch)) {
            return null;
        }
        CompletionStage<Errors> answer;
        try {
            answer = v.verify(transactionalId, producerId, epoch, new TopicPartition(topic.name(), partition.index()),
                    add);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.handle((error, failure) -> failure == null ? error : Errors.forException(
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure));
    }

    /** Transactional batches are taken from now on, when {@code verifier} finds their transaction. */
    public void enableTransactions(TransactionVerifier verifier) {
        transactions = verifier;
    }

    /**
     * Appends a transaction marker to a partition this broker leads (for the transaction coordinator); fails with
     * NotLeaderOrFollowerException when it does not lead it.
     */
    public AppendResult appendControlMarker(Partition partition, long producerId, short producerEpoch, boolean commit,
                                            int coordinatorEpoch) {
        return partition.appendControlMarkerAsLeader(producerId, producerEpoch, commit, coordinatorEpoch);
    }

    /**
     * Reads for a fetch by {@code replicaId}: a follower replica of the partition reads to the log end (and its
     * fetch offset moves the high watermark); consumers (negative ids: -1, or -2 for debugging) only below the high
     * watermark. A broker id that is not a replica of the partition → NOT_LEADER_OR_FOLLOWER, as Kafka answers.
     */
    public PartitionRead read(Partition partition, int replicaId, long offset, int maxBytes, boolean minOneBatch) {
        if (replicaId >= 0 && !partition.isFollower(replicaId)) {
            throw new NotLeaderOrFollowerException("Broker " + replicaId + " is not a follower of " + partition);
        }
        if (partition.isFollower(replicaId)) {
            partition.updateFollowerFetchState(replicaId, offset);
            return partition.read(offset, maxBytes, minOneBatch, FetchIsolation.LOG_END);
        }
        return partition.read(offset, maxBytes, minOneBatch, FetchIsolation.HIGH_WATERMARK);
    }

    /** How a fetch by {@code replicaId} of this partition is bounded, and so which advance wakes it. */
    public FetchIsolation isolationFor(Partition partition, int replicaId) {
        return partition.isFollower(replicaId) ? FetchIsolation.LOG_END : FetchIsolation.HIGH_WATERMARK;
    }

    /** Partitions opened here (for tests and metrics). */
    public int size() {
        return partitions.size();
    }

    private synchronized void sweepDeleted() {
        partitions.values().removeIf(p -> topics.get(p.key().topicId()).isEmpty());
        sweepAt = Math.max(1024, partitions.size() * 2);
    }
}
