package io.samsa.broker.handler;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.broker.replica.TransactionVerifier;
import io.samsa.broker.txn.TransactionCoordinator;
import io.samsa.broker.txn.TxnRecord;
import io.samsa.broker.txn.TxnState;

/**
 * The coordinator's side of KIP-890's verification, as Kafka's {@code handleVerifyPartitionsInTransaction}
 * answers it: NOT_COORDINATOR / COORDINATOR_LOAD_IN_PROGRESS for an id not (yet) coordinated here,
 * INVALID_PRODUCER_ID_MAPPING for an unknown id or another producer id, PRODUCER_FENCED for another epoch,
 * CONCURRENT_TRANSACTIONS while the transaction is being ended, else per partition NONE or INVALID_TXN_STATE (not
 * in the transaction; {@link TransactionCoordinator#verify}). Serves AddPartitionsToTxn v4+ (verify only) and, as
 * the {@link TransactionVerifier} of a single node, its own leader's checks; a check without a transactional id (the
 * group coordinator's transactional offsets) is answered by producer id alone. Thread-safe: asks the coordinator's
 * thread.
 */
public final class CoordinatorVerification implements TransactionVerifier {
    private final TransactionCoordinator coordinator;

    public CoordinatorVerification(TransactionCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletionStage<Errors> verify(String transactionalId, long producerId, short producerEpoch,
                                          TopicPartition partition, boolean add) {
        if (add || transactionalId == null) {
            return coordinator.verify(transactionalId, producerId, producerEpoch, partition, add);
        }
        return verify(transactionalId, producerId, producerEpoch, List.of(partition))
                .thenApply(errors -> errors.apply(partition));
    }

    /** Each partition's answer (the same error for all when the id itself is refused). */
    public CompletionStage<Function<TopicPartition, Errors>> verify(String transactionalId, long producerId,
                                                                    short producerEpoch,
                                                                    Collection<TopicPartition> partitions) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            return CompletableFuture.completedFuture(tp -> Errors.INVALID_REQUEST);
        }
        if (!coordinator.coordinatedPartitions().contains(coordinator.partitionFor(transactionalId))) {
            return CompletableFuture.completedFuture(tp -> Errors.NOT_COORDINATOR);
        }
        return coordinator.coordinates(transactionalId).thenCombine(coordinator.describe(transactionalId),
                (loaded, state) -> {
                    Errors error = idError(producerId, producerEpoch, loaded, state);
                    return error != Errors.NONE
                            ? CompletableFuture.<Function<TopicPartition, Errors>>completedFuture(tp -> error)
                            : partitionErrors(transactionalId, producerId, producerEpoch, partitions);
                }).thenCompose(f -> f);
    }

    private static Errors idError(long producerId, short producerEpoch, boolean loaded, Optional<TxnRecord> state) {
        if (!loaded) {
            return Errors.COORDINATOR_LOAD_IN_PROGRESS;
        }
        if (state.isEmpty() || state.get().producerId() != producerId) {
            return Errors.INVALID_PRODUCER_ID_MAPPING;
        }
        if (state.get().producerEpoch() != producerEpoch) {
            return Errors.PRODUCER_FENCED;
        }
        TxnState s = state.get().state();
        return s == TxnState.PREPARE_COMMIT || s == TxnState.PREPARE_ABORT ? Errors.CONCURRENT_TRANSACTIONS
                : Errors.NONE;
    }

    private CompletableFuture<Function<TopicPartition, Errors>> partitionErrors(String transactionalId,
                                                                                long producerId, short producerEpoch,
                                                                                Collection<TopicPartition> partitions) {
        Map<TopicPartition, CompletableFuture<Errors>> checks = new HashMap<>();
        for (TopicPartition tp : partitions) {
            checks.put(tp, coordinator.verify(transactionalId, producerId, producerEpoch, tp, false));
        }
        return CompletableFuture.allOf(checks.values().toArray(CompletableFuture[]::new))
                .thenApply(ignored -> tp -> checks.get(tp).join());
    }
}
