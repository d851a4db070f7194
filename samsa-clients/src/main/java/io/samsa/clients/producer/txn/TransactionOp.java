package io.samsa.clients.producer.txn;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * One operation the application asked of the transaction coordinator, carried out by the I/O thread in order:
 * get (or bump) the producer id, add a group's offsets, or end the transaction. {@code result} completes when it
 * is done or failed.
 */
public record TransactionOp(Kind kind, boolean commit, Map<TopicPartition, OffsetAndMetadata> offsets,
                            ConsumerGroupMetadata group, CompletableFuture<Void> result) {
    public enum Kind { INIT_PRODUCER_ID, ADD_OFFSETS, END_TRANSACTION }

    static TransactionOp init() {
        return new TransactionOp(Kind.INIT_PRODUCER_ID, false, null, null, new CompletableFuture<>());
    }

    static TransactionOp addOffsets(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
        return new TransactionOp(Kind.ADD_OFFSETS, false, Map.copyOf(offsets), group, new CompletableFuture<>());
    }

    static TransactionOp end(boolean commit) {
        return new TransactionOp(Kind.END_TRANSACTION, commit, null, null, new CompletableFuture<>());
    }
}
