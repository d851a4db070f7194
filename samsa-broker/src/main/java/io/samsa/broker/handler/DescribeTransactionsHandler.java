package io.samsa.broker.handler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeTransactionsRequestData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData.TopicData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData.TopicDataCollection;
import org.apache.kafka.common.message.DescribeTransactionsResponseData.TransactionState;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.txn.TransactionCoordinator;
import io.samsa.broker.txn.TxnRecord;

/**
 * DescribeTransactions (v0): per id its state, producer, timeout, start and partitions; NOT_COORDINATOR when another
 * broker coordinates it, TRANSACTIONAL_ID_NOT_FOUND when it is unknown — as Kafka answers. DESCRIBE on the
 * transactional id is required, and partitions of topics the principal may not describe are left out.
 */
public final class DescribeTransactionsHandler implements ApiHandler<DescribeTransactionsRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.DESCRIBE_TRANSACTIONS, 0, 0);

    private final TransactionCoordinator coordinator;

    public DescribeTransactionsHandler(TransactionCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletionStage<DescribeTransactionsResponseData> handle(RequestContext context,
                                                                    DescribeTransactionsRequestData request) {
        List<CompletableFuture<TransactionState>> states = new ArrayList<>();
        for (String id : request.transactionalIds()) {
            if (!context.authorize(AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, id)) {
                states.add(CompletableFuture.completedFuture(error(id, Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)));
                continue;
            }
            states.add(coordinator.coordinates(id).thenCompose(led -> !led
                    ? CompletableFuture.completedFuture(error(id, Errors.NOT_COORDINATOR))
                    : coordinator.describe(id).thenApply(r -> r.map(txn -> describe(txn, context))
                            .orElseGet(() -> error(id, Errors.TRANSACTIONAL_ID_NOT_FOUND)))));
        }
        return CompletableFuture.allOf(states.toArray(CompletableFuture[]::new)).thenApply(v -> {
            DescribeTransactionsResponseData response = new DescribeTransactionsResponseData();
            states.forEach(s -> response.transactionStates().add(s.join()));
            return response;
        });
    }

    private static TransactionState error(String id, Errors error) {
        return new TransactionState().setTransactionalId(id).setErrorCode(error.code());
    }

    /** The transaction, listing only the partitions of topics the principal may describe (as Kafka). */
    private static TransactionState describe(TxnRecord r, RequestContext context) {
        TopicDataCollection topics = new TopicDataCollection();
        for (TopicPartition tp : r.partitions()) {
            if (!context.canSee(AclOperation.DESCRIBE, ResourceType.TOPIC, tp.topic())) {
                continue;
            }
            TopicData t = topics.find(tp.topic());
            if (t == null) {
                t = new TopicData().setTopic(tp.topic());
                topics.add(t);
            }
            t.partitions().add(tp.partition());
        }
        return new TransactionState().setTransactionalId(r.transactionalId())
                .setTransactionState(r.state().displayName()).setTransactionTimeoutMs(r.timeoutMs())
                .setTransactionStartTimeMs(r.startMs()).setProducerId(r.producerId())
                .setProducerEpoch(r.producerEpoch()).setTopics(topics);
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
