package io.samsa.broker.lifecycle;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.broker.group.OffsetsPartitions;
import io.samsa.broker.group.OffsetsTopic;
import io.samsa.broker.purgatory.DelayedProduce;
import io.samsa.broker.purgatory.ProducePurgatory;
import io.samsa.broker.replica.Partition;
import io.samsa.broker.replica.PartitionKey;
import io.samsa.broker.replica.PartitionRole;
import io.samsa.broker.replica.ReplicaManager;
import io.samsa.broker.replica.VerificationErrors;
import io.samsa.broker.topic.TopicInfo;
import io.samsa.broker.topic.TopicRegistry;
import io.samsa.log.AppendOrigin;
import io.samsa.log.AppendResult;
import io.samsa.log.Log;

/**
 * A coordinator's writes and loads on this broker's replicas of its internal topic ({@code __consumer_offsets} for
 * the group coordinator, {@code __transaction_state} for the transaction coordinator): an append goes
 * through {@link ReplicaManager#appendAsLeader} with acks=all and waits in the produce purgatory, exactly as an
 * acks=all Produce does, for the high watermark to pass it (at most {@code offsets.commit.timeout.ms}). Errors
 * become what Kafka's coordinator answers for them: lost leadership NOT_COORDINATOR; too few in-sync replicas or a
 * timeout COORDINATOR_NOT_AVAILABLE (both retriable for the clients). Thread-safe: appends come from the coordinator
 * thread, completions from the thread that moved the high watermark or the purgatory's timer.
 */
public final class ReplicatedOffsetsPartitions implements OffsetsPartitions {
    private final String topicName;
    private final TopicRegistry topics;
    private final ReplicaManager replicas;
    private final ProducePurgatory purgatory;
    private final long commitTimeoutMs;

    /** The group coordinator's {@code __consumer_offsets}. */
    public ReplicatedOffsetsPartitions(TopicRegistry topics, ReplicaManager replicas, ProducePurgatory purgatory,
                                       long commitTimeoutMs) {
        this(OffsetsTopic.NAME, topics, replicas, purgatory, commitTimeoutMs);
    }

    /** Another coordinator's internal topic, {@code topicName} (the transaction coordinator's). */
    public ReplicatedOffsetsPartitions(String topicName, TopicRegistry topics, ReplicaManager replicas,
                                       ProducePurgatory purgatory, long commitTimeoutMs) {
        this.topicName = topicName;
        this.topics = topics;
        this.replicas = replicas;
        this.purgatory = purgatory;
        this.commitTimeoutMs = commitTimeoutMs;
    }

    @Override
    public Log log(int partition) {
        return hosted(topic(), partition).log();
    }

    @Override
    public CompletionStage<Long> appendAsLeader(int partition, int leaderEpoch, ByteBuffer batch) {
        // A coordinator's write: a transactional batch (TxnOffsetCommit) has its producer epoch checked, and no
        // sequence numbers. It is verified as a Produce's is (KIP-890), without its transactional id, which the
        // group coordinator does not pass down: the local transaction coordinator answers by producer id (a single
        // node); a cluster's verifier takes the write unverified (see SamsaBroker).
        CompletionStage<Errors> verified = null;
        if (ReplicaManager.isTransactional(batch)) {
            try {
                TopicInfo topic = topic();
                verified = replicas.verifyTransaction(hosted(topic, partition), topic, null, batch, false);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e instanceof ApiException ? new NotCoordinatorException(
                        e.getMessage()) : e);
            }
        }
        BiFunction<Partition, TopicInfo, AppendResult> append =
                (p, topic) -> replicas.appendAsLeader(p, topic, batch, (short) -1, AppendOrigin.COORDINATOR);
        if (verified == null) {
            return appendAndAwait(partition, leaderEpoch, append);
        }
        // Completed already in both wirings, so the append still starts now, in the coordinator's order.
        return verified.thenCompose(error -> error == Errors.NONE ? appendAndAwait(partition, leaderEpoch, append)
                : CompletableFuture.failedFuture(VerificationErrors.forProduce(error,
                        new TopicPartition(topicName, partition))));
    }

    @Override
    public CompletionStage<Long> appendMarker(int partition, int leaderEpoch, long producerId, short producerEpoch,
                                              boolean commit, int coordinatorEpoch) {
        return appendAndAwait(partition, leaderEpoch,
                (p, topic) -> replicas.appendControlMarker(p, producerId, producerEpoch, commit, coordinatorEpoch));
    }

    /** Appends as leader of the partition at {@code leaderEpoch}, then waits for the high watermark to pass it. */
    private CompletionStage<Long> appendAndAwait(int partition, int leaderEpoch,
                                                 BiFunction<Partition, TopicInfo, AppendResult> append) {
        AppendResult appended;
        Partition p;
        TopicInfo topic;
        try {
            topic = topic();
            p = hosted(topic, partition);
            if (p.role() != PartitionRole.LEADER || p.leaderEpoch() != leaderEpoch) {
                throw new NotCoordinatorException("No longer the leader of " + p + " at epoch " + leaderEpoch);
            }
            appended = append.apply(p, topic);
        } catch (NotLeaderOrFollowerException | FencedLeaderEpochException | UnknownTopicOrPartitionException e) {
            return CompletableFuture.failedFuture(new NotCoordinatorException(e.getMessage()));
        } catch (NotEnoughReplicasException e) {
            return CompletableFuture.failedFuture(new CoordinatorNotAvailableException(e.getMessage()));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        long required = appended.lastOffset() + 1;
        DelayedProduce.PartitionAck ack = new DelayedProduce.PartitionAck(p, required, topics.minInsyncReplicas(topic));
        return purgatory.await(new DelayedProduce(List.of(ack)), commitTimeoutMs).thenApply(outcomes -> {
            Errors e = outcomes.get(0);
            switch (e) {
                case NONE:
                    return required;
                case NOT_LEADER_OR_FOLLOWER:
                    throw new NotCoordinatorException("Lost the leadership of " + ack.partition() + " during a write");
                default:
                    // NOT_ENOUGH_REPLICAS_AFTER_APPEND, REQUEST_TIMED_OUT: Kafka answers COORDINATOR_NOT_AVAILABLE.
                    throw new CoordinatorNotAvailableException("Coordinator write to " + ack.partition()
                            + " not committed: " + e);
            }
        });
    }

    private TopicInfo topic() {
        return topics.get(topicName)
                .orElseThrow(() -> new NotCoordinatorException(topicName + " does not exist"));
    }

    private Partition hosted(TopicInfo topic, int partition) {
        return replicas.hostedPartition(new PartitionKey(topic.id(), partition))
                .orElseThrow(() -> new NotCoordinatorException(topicName + "-" + partition
                        + " is not hosted here"));
    }
}
