package io.samsa.broker.replica;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

import org.apache.kafka.common.errors.InvalidTxnStateException;

import io.samsa.broker.topic.TopicInfo;
import io.samsa.broker.topic.TopicRegistry;
import io.samsa.log.AppendResult;
import io.samsa.log.FetchIsolation;
import io.samsa.log.Log;
import io.samsa.protocol.records.RecordBatchHeader;

/**
 * The partitions this broker holds, and the questions handlers ask about them: which partition is this, am I
 * its leader and at which epoch, append as leader, read for a fetch (bounded by the high watermark for
 * consumers, by the log end for a follower replica). Topics come from the {@link TopicRegistry} (lookups only);
 * who leads, at which epoch, with which ISR comes from the assignment function — today every partition is
 * {@link LeaderAndIsr#singleNode led by this node at epoch 0} — so replication replaces the assignment (from
 * the metadata image) and adds follower fetchers, not handler code.
 *
 * <p>Thread-safe: called from request handler threads. A {@link Partition} is created on first use and kept
 * while its log is the one the registry serves; a deleted topic's partitions are dropped on a later sweep.
 */
public final class ReplicaManager {

    private final int localNodeId;
    private final TopicRegistry topics;
    private final BiFunction<TopicInfo, Integer, LeaderAndIsr> assignment;
    private final PartitionListener listener;
    private final Map<PartitionKey, Partition> partitions = new ConcurrentHashMap<>();
    private volatile int sweepAt = 1024;

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

    public int localNodeId() {
        return localNodeId;
    }

    /**
     * The partition hosted here, or UnknownTopicOrPartitionException (retriable) when the topic has no such
     * partition or is being deleted.
     */
    public Partition partition(TopicInfo topic, int index) {
        Log log = topics.log(topic.name(), index);
        PartitionKey key = new PartitionKey(topic.id(), index);
        Partition p = partitions.get(key);
        if (p != null && p.log() == log) {
            return p;
        }
        Partition created = partitions.compute(key, (k, old) -> old != null && old.log() == log ? old
                : new Partition(k, topic.name(), localNodeId, assignment.apply(topic, index), log, listener));
        if (partitions.size() > sweepAt) {
            sweepDeleted();
        }
        return created;
    }

    /** The partition, if this node leads it at the epoch the request names (see {@link Partition#checkLeader}). */
    public Partition leaderPartition(TopicInfo topic, int index, int currentLeaderEpoch) {
        Partition p = partition(topic, index);
        p.checkLeader(currentLeaderEpoch);
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
     * (NOT_ENOUGH_REPLICAS), a transactional batch (Samsa has no transaction coordinator yet). Waiting for acks=all
     * is the caller's ({@code purgatory.ProducePurgatory}): this returns once the leader has the records.
     */
    public AppendResult appendAsLeader(Partition partition, TopicInfo topic, ByteBuffer records, short requiredAcks) {
        partition.checkAppendable(requiredAcks, topics.minInsyncReplicas(topic));
        if (records.remaining() > RecordBatchHeader.ATTRIBUTES + 1
                && RecordBatchHeader.isTransactional(records, records.position())) {
            throw new InvalidTxnStateException("Samsa does not support transactions yet");
        }
        return partition.appendAsLeader(records);
    }

    /**
     * Reads for a fetch by {@code replicaId}: a follower replica of the partition reads to the log end (and its
     * fetch offset moves the high watermark); anyone else — consumers send -1 — only below the high watermark.
     */
    public PartitionRead read(Partition partition, int replicaId, long offset, int maxBytes, boolean minOneBatch) {
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
