package io.samsa.broker.handler;

import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.txn.TransactionCoordinator;

/**
 * EndTxn (v0–4, transaction version 1): commit or abort; answered once the PREPARE record is committed, the
 * markers follow (see {@link TransactionCoordinator}).
 */
public final class EndTxnHandler implements ApiHandler<EndTxnRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.END_TXN, 0, 4);

    private final TransactionCoordinator coordinator;

    public EndTxnHandler(TransactionCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletionStage<EndTxnResponseData> handle(RequestContext context, EndTxnRequestData request) {
        return coordinator.endTxn(request.transactionalId(), request.producerId(), request.producerEpoch(),
                request.committed()).thenApply(error -> new EndTxnResponseData().setErrorCode(error.code())
                .setProducerId(-1).setProducerEpoch((short) -1));
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
