package io.samsa.broker.handler;

import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.resource.ResourceType;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.txn.TransactionCoordinator;

/**
 * EndTxn: commit or abort; answered once the PREPARE record is committed, the markers follow (see
 * {@link TransactionCoordinator}). v0–4 is transaction version 1; v5 is version 2 (KIP-890): the coordinator bumps
 * the producer epoch and answers the producer id and epoch the producer goes on with.
 */
public final class EndTxnHandler implements ApiHandler<EndTxnRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.END_TXN, 0, 5);

    private final TransactionCoordinator coordinator;

    public EndTxnHandler(TransactionCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletionStage<EndTxnResponseData> handle(RequestContext context, EndTxnRequestData request) {
        context.require(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, request.transactionalId());
        short transactionVersion = context.apiVersion() >= 5 ? (short) 2 : (short) 1;
        return coordinator.endTxn(request.transactionalId(), request.producerId(), request.producerEpoch(),
                request.committed(), transactionVersion).thenApply(r -> new EndTxnResponseData()
                .setErrorCode(r.error().code()).setProducerId(r.producerId()).setProducerEpoch(r.producerEpoch()));
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
