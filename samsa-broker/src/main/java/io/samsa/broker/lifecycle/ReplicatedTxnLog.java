package io.samsa.broker.lifecycle;

import java.io.IOException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import io.samsa.broker.purgatory.ProducePurgatory;
import io.samsa.broker.replica.ReplicaManager;
import io.samsa.broker.topic.TopicRegistry;
import io.samsa.broker.txn.TransactionStateTopic;
import io.samsa.broker.txn.TxnLog;
import io.samsa.broker.txn.TxnRecord;
import io.samsa.broker.txn.TxnRecordBatches;

/**
 * The transaction coordinator's {@link TxnLog} over this broker's replicas of {@code __transaction_state}, written
 * and loaded exactly as the group coordinator's partitions are ({@link ReplicatedOffsetsPartitions}: one batch per
 * record, acks=all, NOT_COORDINATOR after lost leadership, COORDINATOR_NOT_AVAILABLE when not committed in time).
 * Thread-safe.
 */
public final class ReplicatedTxnLog implements TxnLog {
    private final ReplicatedOffsetsPartitions partitions;
    private final LongSupplier clock;

    public ReplicatedTxnLog(TopicRegistry topics, ReplicaManager replicas, ProducePurgatory purgatory,
                            long commitTimeoutMs, LongSupplier clock) {
        this.partitions = new ReplicatedOffsetsPartitions(TransactionStateTopic.NAME, topics, replicas, purgatory,
                commitTimeoutMs);
        this.clock = clock;
    }

    @Override
    public void replay(int partition, Consumer<TxnRecord> visitor) throws IOException {
        TxnRecordBatches.replay(partitions.log(partition), visitor);
    }

    @Override
    public CompletionStage<Void> append(int partition, int leaderEpoch, TxnRecord record) {
        return partitions.appendAsLeader(partition, leaderEpoch, TxnRecordBatches.batch(record, clock.getAsLong()))
                .thenApply(offset -> null);
    }
}
