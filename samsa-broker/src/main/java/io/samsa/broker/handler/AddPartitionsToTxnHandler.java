package io.samsa.broker.handler;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResult;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResultCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResultCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.txn.TransactionCoordinator;

/**
 * AddPartitionsToTxn from a producer of transaction version 1 (v0–3; v4+ is the brokers' verification call of
 * KIP-890, not served yet). As Kafka: partitions of unknown topics answer UNKNOWN_TOPIC_OR_PARTITION and the
 * others OPERATION_NOT_ATTEMPTED, without asking the coordinator; otherwise every partition gets the coordinator's
 * answer.
 */
public final class AddPartitionsToTxnHandler implements ApiHandler<AddPartitionsToTxnRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.ADD_PARTITIONS_TO_TXN, 0, 3);

    private final TransactionCoordinator coordinator;
    private final Predicate<TopicPartition> exists;

    public AddPartitionsToTxnHandler(TransactionCoordinator coordinator, Predicate<TopicPartition> exists) {
        this.coordinator = coordinator;
        this.exists = exists;
    }

    @Override
    public CompletionStage<AddPartitionsToTxnResponseData> handle(RequestContext context,
                                                                  AddPartitionsToTxnRequestData request) {
        Set<TopicPartition> partitions = new HashSet<>();
        Set<TopicPartition> unknown = new HashSet<>();
        for (AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic t : request.v3AndBelowTopics()) {
            for (int p : t.partitions()) {
                TopicPartition tp = new TopicPartition(t.name(), p);
                (exists.test(tp) ? partitions : unknown).add(tp);
            }
        }
        if (!unknown.isEmpty()) {
            return CompletableFuture.completedFuture(answer(request, tp -> unknown.contains(tp)
                    ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.OPERATION_NOT_ATTEMPTED));
        }
        return coordinator.addPartitions(request.v3AndBelowTransactionalId(), request.v3AndBelowProducerId(),
                request.v3AndBelowProducerEpoch(), partitions).thenApply(error -> answer(request, tp -> error));
    }

    private static AddPartitionsToTxnResponseData answer(AddPartitionsToTxnRequestData request,
                                                         java.util.function.Function<TopicPartition, Errors> error) {
        AddPartitionsToTxnTopicResultCollection topics = new AddPartitionsToTxnTopicResultCollection();
        for (AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic t : request.v3AndBelowTopics()) {
            AddPartitionsToTxnPartitionResultCollection results = new AddPartitionsToTxnPartitionResultCollection();
            for (int p : t.partitions()) {
                results.add(new AddPartitionsToTxnPartitionResult().setPartitionIndex(p)
                        .setPartitionErrorCode(error.apply(new TopicPartition(t.name(), p)).code()));
            }
            topics.add(new AddPartitionsToTxnTopicResult().setName(t.name()).setResultsByPartition(results));
        }
        return new AddPartitionsToTxnResponseData().setResultsByTopicV3AndBelow(topics);
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
