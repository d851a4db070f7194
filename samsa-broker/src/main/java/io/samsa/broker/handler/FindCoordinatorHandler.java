package io.samsa.broker.handler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.RequestContext;
import io.samsa.protocol.CoordinatorKeyType;

/**
 * FindCoordinator: this node coordinates every group (and would every transactional id). v0–3 ask for one
 * key, v4+ for a batch. Key types other than group (0) and transaction (1) are INVALID_REQUEST.
 */
public final class FindCoordinatorHandler implements ApiHandler<FindCoordinatorRequestData> {
    private final BrokerIdentity identity;

    public FindCoordinatorHandler(BrokerIdentity identity) {
        this.identity = identity;
    }

    @Override
    public CompletionStage<FindCoordinatorResponseData> handle(RequestContext context, FindCoordinatorRequestData request) {
        short v = context.apiVersion();
        FindCoordinatorResponseData response = new FindCoordinatorResponseData();
        List<String> keys = v >= 4 ? request.coordinatorKeys() : List.of(request.key());
        List<Coordinator> answers = new ArrayList<>();
        for (String key : keys) {
            answers.add(answer(key, request.keyType()));
        }
        if (v >= 4) {
            response.setCoordinators(answers);
        } else {
            Coordinator c = answers.get(0);
            response.setErrorCode(c.errorCode()).setNodeId(c.nodeId()).setHost(c.host()).setPort(c.port());
            if (v >= 1) {
                response.setErrorMessage(c.errorMessage());
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    private Coordinator answer(String key, byte keyType) {
        Coordinator c = new Coordinator().setKey(key);
        if (keyType != CoordinatorKeyType.GROUP.id() && keyType != CoordinatorKeyType.TRANSACTION.id()) {
            return c.setErrorCode(Errors.INVALID_REQUEST.code()).setNodeId(-1).setHost("").setPort(-1)
                    .setErrorMessage("Samsa does not support coordinator key type " + keyType);
        }
        return c.setErrorCode(Errors.NONE.code()).setNodeId(identity.nodeId()).setHost(identity.host())
                .setPort(identity.port());
    }
}
