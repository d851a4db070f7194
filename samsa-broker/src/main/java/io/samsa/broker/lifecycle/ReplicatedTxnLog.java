package io.samsa.broker.lifecycle;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.broker.purgatory.DelayedProduce;
import io.samsa.broker.purgatory.ProducePurgatory;
import io.samsa.broker.replica.Partition;
import io.samsa.broker.replica.PartitionRole;
import io.samsa.broker.replica.ReplicaManager;
import io.samsa.broker.topic.TopicInfo;
import io.samsa.broker.topic.TopicRegistry;
import io.samsa.broker.txn.TransactionStateTopic;
import io.samsa.broker.txn.TxnLog;
import io.samsa.broker.txn.TxnRecord;
import io.samsa.broker.txn.TxnRecordBatches;
import io.samsa.log.AppendResult;

/**
 * The transaction coordinator's {@link TxnLog} over this broker's replicas of {@code __transaction_state}: a record
 * is one batch appended as leader with acks=all, complete once the high watermark passes it (at most
 * {@code commitTimeoutMs}), as the group coordinator's writes are. Errors become what Kafka's coordinator answers
 * for them: lost leadership NOT_COORDINATOR, too few in-sync replicas or a timeout COORDINATOR_NOT_AVAILABLE.
 * Thread-safe.
 */
public final class ReplicatedTxnLog implements TxnLog {
    private final TopicRegistry topics;
    private final ReplicaManager replicas;
    private final ProducePurgatory purgatory;
    private final long commitTimeoutMs;
    private final LongSupplier clock;

    public ReplicatedTxnLog(TopicRegistry topics, ReplicaManager replicas, ProducePurgatory purgatory,
                            long commitTimeoutMs, LongSupplier clock) {
        this.topics = topics;
        this.replicas = replicas;
        this.purgatory = purgatory;
        this.commitTimeoutMs = commitTimeoutMs;
        this.clock = clock;
    }

    @Override
    public void replay(int partition, Consumer<TxnRecord> visitor) throws IOException {
        TxnRecordBatches.replay(replicas.partition(topic(), partition).log(), visitor);
    }

    @Override
    public CompletionStage<Void> append(int partition, int leaderEpoch, TxnRecord record) {
        Partition p;
        TopicInfo topic;
        AppendResult appended;
        try {
            topic = topic();
            p = replicas.partition(topic, partition);
            if (p.role() != PartitionRole.LEADER || p.leaderEpoch() != leaderEpoch) {
                throw new NotCoordinatorException("No longer the leader of " + p + " at epoch " + leaderEpoch);
            }
            appended = replicas.appendAsLeader(p, topic, TxnRecordBatches.batch(record, clock.getAsLong()),
                    (short) -1);
        } catch (NotLeaderOrFollowerException | FencedLeaderEpochException | UnknownTopicOrPartitionException e) {
            return CompletableFuture.failedFuture(new NotCoordinatorException(e.getMessage()));
        } catch (NotEnoughReplicasException e) {
            return CompletableFuture.failedFuture(new CoordinatorNotAvailableException(e.getMessage()));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        DelayedProduce.PartitionAck ack = new DelayedProduce.PartitionAck(p, appended.lastOffset() + 1,
                topics.minInsyncReplicas(topic));
        return purgatory.await(new DelayedProduce(List.of(ack)), commitTimeoutMs).thenApply(outcomes -> {
            Errors e = outcomes.get(0);
            if (e == Errors.NOT_LEADER_OR_FOLLOWER) {
                throw new NotCoordinatorException("Lost the leadership of " + p + " during a write");
            }
            if (e != Errors.NONE) {
                throw new CoordinatorNotAvailableException("Transaction log write to " + p + " not committed: " + e);
            }
            return null;
        });
    }

    private TopicInfo topic() {
        return topics.get(TransactionStateTopic.NAME)
                .orElseThrow(() -> new NotCoordinatorException(TransactionStateTopic.NAME + " does not exist"));
    }
}
