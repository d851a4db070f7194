package io.samsa.broker.handler;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
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
import org.apache.kafka.common.resource.ResourceType;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.txn.TransactionCoordinator;

/**
 * AddPartitionsToTxn. v0–3: a producer of transaction version 1 adds partitions to its transaction. As Kafka:
 * partitions of unknown topics answer UNKNOWN_TOPIC_OR_PARTITION and the others OPERATION_NOT_ATTEMPTED, without
 * asking the coordinator; otherwise every partition gets the coordinator's answer.
 *
 * <p>v4–5 (KIP-890, the brokers' batched form): one answer per transaction. With {@code verifyOnly} a partition
 * leader asks whether its partitions are in the producer's ongoing transaction ({@link CoordinatorVerification},
 * Kafka's answers; a partition not in the transaction is INVALID_TXN_STATE at v4, TRANSACTION_ABORTABLE at v5). Without {@code verifyOnly} the
 * partitions are added as v0–3 add them: Kafka requires CLUSTER_ACTION for v4+, which a broker without ACLs (as
 * Samsa is) grants to any caller.
 */
public final class AddPartitionsToTxnHandler implements ApiHandler<AddPartitionsToTxnRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.ADD_PARTITIONS_TO_TXN, 0, 5);
    private static final short FIRST_BATCHED_VERSION = 4;
    private static final short FIRST_ABORTABLE_VERSION = 5;

    private final TransactionCoordinator coordinator;
    private final CoordinatorVerification verification;
    private final Predicate<TopicPartition> exists;

    public AddPartitionsToTxnHandler(TransactionCoordinator coordinator, Predicate<TopicPartition> exists) {
        this.coordinator = coordinator;
        this.verification = new CoordinatorVerification(coordinator);
        this.exists = exists;
    }

    @Override
    public CompletionStage<AddPartitionsToTxnResponseData> handle(RequestContext context,
                                                                  AddPartitionsToTxnRequestData request) {
        if (context.apiVersion() < FIRST_BATCHED_VERSION) {
            // A producer's request: WRITE on its transactional id and on every topic (Kafka: the topics denied are
            // TOPIC_AUTHORIZATION_FAILED, the others OPERATION_NOT_ATTEMPTED).
            context.require(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, request.v3AndBelowTransactionalId());
            Set<String> denied = new HashSet<>();
            request.v3AndBelowTopics().forEach(t -> {
                if (!context.authorize(AclOperation.WRITE, ResourceType.TOPIC, t.name())) {
                    denied.add(t.name());
                }
            });
            if (!denied.isEmpty()) {
                return CompletableFuture.completedFuture(new AddPartitionsToTxnResponseData()
                        .setResultsByTopicV3AndBelow(topicResults(request.v3AndBelowTopics(), tp -> denied.contains(
                                tp.topic()) ? Errors.TOPIC_AUTHORIZATION_FAILED : Errors.OPERATION_NOT_ATTEMPTED)));
            }
            return add(request.v3AndBelowTransactionalId(), request.v3AndBelowProducerId(),
                    request.v3AndBelowProducerEpoch(), request.v3AndBelowTopics(), (short) 1)
                    .thenApply(errors -> new AddPartitionsToTxnResponseData()
                            .setResultsByTopicV3AndBelow(topicResults(request.v3AndBelowTopics(), errors)));
        }
        context.requireCluster(AclOperation.CLUSTER_ACTION); // v4+: a partition leader's verification
        boolean abortable = context.apiVersion() >= FIRST_ABORTABLE_VERSION;
        List<CompletableFuture<AddPartitionsToTxnResult>> results = new ArrayList<>();
        for (AddPartitionsToTxnTransaction t : request.transactions()) {
            CompletionStage<Function<TopicPartition, Errors>> answer = t.verifyOnly()
                    ? verify(t, abortable)
                    : add(t.transactionalId(), t.producerId(), t.producerEpoch(), t.topics(),
                            abortable ? (short) 2 : (short) 1); // v5: a leader adding for a version 2 producer
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
                                                                  Iterable<AddPartitionsToTxnTopic> topics,
                                                                  short transactionVersion) {
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
        return coordinator.addPartitions(transactionalId, producerId, producerEpoch, partitions, transactionVersion)
                .thenApply(error -> tp -> error);
    }

    /** A leader's verification ({@link CoordinatorVerification}); v5 says TRANSACTION_ABORTABLE for INVALID_TXN_STATE. */
    private CompletionStage<Function<TopicPartition, Errors>> verify(AddPartitionsToTxnTransaction t,
                                                                     boolean abortable) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (AddPartitionsToTxnTopic topic : t.topics()) {
            for (int p : topic.partitions()) {
                partitions.add(new TopicPartition(topic.name(), p));
            }
        }
        return verification.verify(t.transactionalId(), t.producerId(), t.producerEpoch(), partitions)
                .thenApply(errors -> tp -> {
                    Errors e = errors.apply(tp);
                    return abortable && e == Errors.INVALID_TXN_STATE ? Errors.TRANSACTION_ABORTABLE : e;
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
