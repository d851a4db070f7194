package io.samsa.broker.handler;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.txn.TransactionCoordinator;

/**
 * InitProducerId. Idempotent (non-transactional) producers: always a fresh producer id at epoch 0, as Kafka does
 * (an idempotent producer bumps its own epoch, KIP-360). A transactional id goes to the transaction coordinator
 * (its id and epoch, fencing older instances); without one (not wired yet on this broker) it answers
 * TRANSACTIONAL_ID_NOT_FOUND.
 */
public final class InitProducerIdHandler implements ApiHandler<InitProducerIdRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.INIT_PRODUCER_ID, 0, 5);

    private final ProducerIdManager ids;
    private final TransactionCoordinator transactions; // null: no transactions here

    public InitProducerIdHandler(ProducerIdManager ids, TransactionCoordinator transactions) {
        this.ids = ids;
        this.transactions = transactions;
    }

    @Override
    public CompletionStage<InitProducerIdResponseData> handle(RequestContext context,
                                                              InitProducerIdRequestData request) {
        if (request.transactionalId() != null) {
            context.require(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, request.transactionalId());
        } else if (!context.canSee(AclOperation.IDEMPOTENT_WRITE, ResourceType.CLUSTER, RequestContext.CLUSTER_NAME)
                && !context.authorizeAny(AclOperation.WRITE, ResourceType.TOPIC)) {
            // As Kafka: an idempotent producer needs IDEMPOTENT_WRITE on the cluster or WRITE on some topic.
            throw new ClusterAuthorizationException("Request InitProducerId is not authorized.");
        }
        InitProducerIdResponseData response = new InitProducerIdResponseData();
        if (request.transactionalId() != null && transactions != null) {
            return transactions.initProducerId(request.transactionalId(), request.transactionTimeoutMs(),
                    request.producerId(), request.producerEpoch()).thenApply(r -> response
                    .setErrorCode(r.error().code()).setProducerId(r.producerId()).setProducerEpoch(r.producerEpoch()));
        }
        if (request.transactionalId() != null) {
            return CompletableFuture.completedFuture(response
                    .setErrorCode(Errors.TRANSACTIONAL_ID_NOT_FOUND.code())
                    .setProducerId(-1).setProducerEpoch((short) -1));
        }
        return ids.next().thenApply(id -> response.setProducerId(id).setProducerEpoch((short) 0));
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
