package io.samsa.broker.handler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResult;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResultCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnResult;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResultCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.txn.TransactionCoordinator;
import io.samsa.broker.txn.TxnRecord;
import io.samsa.broker.txn.TxnState;

/**
 * AddPartitionsToTxn. v0–3: a producer of transaction version 1 adds partitions to its transaction. As Kafka:
 * partitions of unknown topics answer UNKNOWN_TOPIC_OR_PARTITION and the others OPERATION_NOT_ATTEMPTED, without
 * asking the coordinator; otherwise every partition gets the coordinator's answer.
 *
 * <p>v4–5 (KIP-890, the brokers' batched form): one answer per transaction. With {@code verifyOnly} a partition
 * leader asks whether its partitions are in the producer's ongoing transaction, as Kafka's
 * {@code handleVerifyPartitionsInTransaction} answers: NOT_COORDINATOR / COORDINATOR_LOAD_IN_PROGRESS for an id not
 * (yet) coordinated here, INVALID_PRODUCER_ID_MAPPING for an unknown id or another producer id, PRODUCER_FENCED for
 * another epoch, CONCURRENT_TRANSACTIONS while the transaction is being ended, else per partition NONE or, when it
 * is not in the transaction, INVALID_TXN_STATE (v4) / TRANSACTION_ABORTABLE (v5). Without {@code verifyOnly} the
 * partitions are added as v0–3 add them: Kafka requires CLUSTER_ACTION for v4+, which a broker without ACLs (as
 * Samsa is) grants to any caller.
 */
public final class AddPartitionsToTxnHandler implements ApiHandler<AddPartitionsToTxnRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.ADD_PARTITIONS_TO_TXN, 0, 5);
    private static final short FIRST_BATCHED_VERSION = 4;
    private static final short FIRST_ABORTABLE_VERSION = 5;

    private final TransactionCoordinator coordinator;
    private final Predicate<TopicPartition> exists;

    public AddPartitionsToTxnHandler(TransactionCoordinator coordinator, Predicate<TopicPartition> exists) {
        this.coordinator = coordinator;
        this.exists = exists;
    }

    @Override
    public CompletionStage<AddPartitionsToTxnResponseData> handle(RequestContext context,
                                                                  AddPartitionsToTxnRequestData request) {
        if (context.apiVersion() < FIRST_BATCHED_VERSION) {
            return add(request.v3AndBelowTransactionalId(), request.v3AndBelowProducerId(),
                    request.v3AndBelowProducerEpoch(), request.v3AndBelowTopics())
                    .thenApply(errors -> new AddPartitionsToTxnResponseData()
                            .setResultsByTopicV3AndBelow(topicResults(request.v3AndBelowTopics(), errors)));
        }
        boolean abortable = context.apiVersion() >= FIRST_ABORTABLE_VERSION;
        List<CompletableFuture<AddPartitionsToTxnResult>> results = new ArrayList<>();
        for (AddPartitionsToTxnTransaction t : request.transactions()) {
            CompletionStage<Function<TopicPartition, Errors>> answer = t.verifyOnly()
                    ? verify(t, abortable)
                    : add(t.transactionalId(), t.producerId(), t.producerEpoch(), t.topics());
            results.add(answer.thenApply(errors -> new AddPartitionsToTxnResult()
                    .setTransactionalId(t.transactionalId())
                    .setTopicResults(topicResults(t.topics(), errors))).toCompletableFuture());
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            AddPartitionsToTxnResponseData response = new AddPartitionsToTxnResponseData();
            results.forEach(r -> response.resultsByTransaction().add(r.join()));
            return response;
        });
    }

    /** AddPartitionsToTxn proper: unknown topics refuse the whole transaction's partitions, as Kafka does. */
    private CompletionStage<Function<TopicPartition, Errors>> add(String transactionalId, long producerId,
                                                                  short producerEpoch,
                                                                  Iterable<AddPartitionsToTxnTopic> topics) {
        Set<TopicPartition> partitions = new HashSet<>();
        Set<TopicPartition> unknown = new HashSet<>();
        for (AddPartitionsToTxnTopic t : topics) {
            for (int p : t.partitions()) {
                TopicPartition tp = new TopicPartition(t.name(), p);
                (exists.test(tp) ? partitions : unknown).add(tp);
            }
        }
        if (!unknown.isEmpty()) {
            return CompletableFuture.completedFuture(tp -> unknown.contains(tp)
                    ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.OPERATION_NOT_ATTEMPTED);
        }
        return coordinator.addPartitions(transactionalId, producerId, producerEpoch, partitions)
                .thenApply(error -> tp -> error);
    }

    /** A leader's verification: the id's state first, then each partition ({@link TransactionCoordinator#verify}). */
    private CompletionStage<Function<TopicPartition, Errors>> verify(AddPartitionsToTxnTransaction t,
                                                                     boolean abortable) {
        String id = t.transactionalId();
        if (id == null || id.isEmpty()) {
            return CompletableFuture.completedFuture(tp -> Errors.INVALID_REQUEST);
        }
        if (!coordinator.coordinatedPartitions().contains(coordinator.partitionFor(id))) {
            return CompletableFuture.completedFuture(tp -> Errors.NOT_COORDINATOR);
        }
        return coordinator.coordinates(id).thenCombine(coordinator.describe(id), (loaded, state) -> {
            Errors error = idError(t, loaded, state);
            return error != Errors.NONE ? CompletableFuture.<Function<TopicPartition, Errors>>completedFuture(
                    tp -> error) : partitionErrors(t, abortable);
        }).thenCompose(f -> f);
    }

    private static Errors idError(AddPartitionsToTxnTransaction t, boolean loaded, Optional<TxnRecord> state) {
        if (!loaded) {
            return Errors.COORDINATOR_LOAD_IN_PROGRESS;
        }
        if (state.isEmpty() || state.get().producerId() != t.producerId()) {
            return Errors.INVALID_PRODUCER_ID_MAPPING;
        }
        if (state.get().producerEpoch() != t.producerEpoch()) {
            return Errors.PRODUCER_FENCED;
        }
        TxnState s = state.get().state();
        return s == TxnState.PREPARE_COMMIT || s == TxnState.PREPARE_ABORT ? Errors.CONCURRENT_TRANSACTIONS
                : Errors.NONE;
    }

    private CompletableFuture<Function<TopicPartition, Errors>> partitionErrors(AddPartitionsToTxnTransaction t,
                                                                                boolean abortable) {
        Map<TopicPartition, CompletableFuture<Errors>> checks = new HashMap<>();
        for (AddPartitionsToTxnTopic topic : t.topics()) {
            for (int p : topic.partitions()) {
                TopicPartition tp = new TopicPartition(topic.name(), p);
                checks.put(tp, coordinator.verify(t.transactionalId(), t.producerId(), t.producerEpoch(), tp, false));
            }
        }
        Errors notInTransaction = abortable ? Errors.TRANSACTION_ABORTABLE : Errors.INVALID_TXN_STATE;
        return CompletableFuture.allOf(checks.values().toArray(CompletableFuture[]::new)).thenApply(ignored -> tp -> {
            Errors e = checks.get(tp).join();
            return e == Errors.INVALID_TXN_STATE ? notInTransaction : e;
        });
    }

    private static AddPartitionsToTxnTopicResultCollection topicResults(Iterable<AddPartitionsToTxnTopic> topics,
                                                                        Function<TopicPartition, Errors> error) {
        AddPartitionsToTxnTopicResultCollection out = new AddPartitionsToTxnTopicResultCollection();
        for (AddPartitionsToTxnTopic t : topics) {
            AddPartitionsToTxnPartitionResultCollection results = new AddPartitionsToTxnPartitionResultCollection();
            for (int p : t.partitions()) {
                results.add(new AddPartitionsToTxnPartitionResult().setPartitionIndex(p)
                        .setPartitionErrorCode(error.apply(new TopicPartition(t.name(), p)).code()));
            }
            out.add(new AddPartitionsToTxnTopicResult().setName(t.name()).setResultsByPartition(results));
        }
        return out;
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
