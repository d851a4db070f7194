package io.samsa.broker.handler;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.cluster.BrokerEndpoint;
import io.samsa.broker.cluster.ClusterView;
import io.samsa.protocol.CoordinatorKeyType;

/**
 * FindCoordinator: the coordinator of each group as {@link ClusterView#groupCoordinatorFor} places it — the
 * leader of the group's {@code __consumer_offsets} partition (COORDINATOR_NOT_AVAILABLE while the topic is being
 * created or the partition has no leader; a single node leads them all) — and of each transactional id as
 * {@link ClusterView#coordinatorFor} does, at its endpoint for the request's listener. v0–3 ask for one key, v4+ for
 * a batch. Key types other than group (0) and transaction (1) are INVALID_REQUEST.
 */
public final class FindCoordinatorHandler implements ApiHandler<FindCoordinatorRequestData> {
    /**
     * Classic groups: the floors librdkafka needs (v0, OffsetFetch 1, OffsetCommit 2 is the oldest
     * kafka-clients parses) up to the newest kafka-clients 4.4 knows.
     */
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.FIND_COORDINATOR, 0, 6);

    private final ClusterView cluster;

    public FindCoordinatorHandler(ClusterView cluster) {
        this.cluster = cluster;
    }

    @Override
    public CompletionStage<FindCoordinatorResponseData> handle(RequestContext context, FindCoordinatorRequestData request) {
        short v = context.apiVersion();
        FindCoordinatorResponseData response = new FindCoordinatorResponseData();
        List<String> keys = v >= 4 ? request.coordinatorKeys() : List.of(request.key());
        List<Coordinator> answers = new ArrayList<>();
        for (String key : keys) {
            answers.add(answer(key, request.keyType(), context));
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

    private Coordinator answer(String key, byte keyType, RequestContext context) {
        Coordinator c = new Coordinator().setKey(key);
        if (keyType != CoordinatorKeyType.GROUP.id() && keyType != CoordinatorKeyType.TRANSACTION.id()) {
            return c.setErrorCode(Errors.INVALID_REQUEST.code()).setNodeId(-1).setHost("").setPort(-1)
                    .setErrorMessage("Samsa does not support coordinator key type " + keyType);
        }
        boolean group = keyType == CoordinatorKeyType.GROUP.id();
        // As Kafka: DESCRIBE on the group or transactional id, checked before the coordinator is located.
        if (!context.authorize(AclOperation.DESCRIBE, group ? ResourceType.GROUP : ResourceType.TRANSACTIONAL_ID,
                key)) {
            Errors denied = group ? Errors.GROUP_AUTHORIZATION_FAILED : Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
            return c.setErrorCode(denied.code()).setNodeId(-1).setHost("").setPort(-1)
                    .setErrorMessage(denied.message());
        }
        int nodeId = group ? cluster.groupCoordinatorFor(key) : cluster.coordinatorFor(key);
        Optional<BrokerEndpoint> endpoint = nodeId < 0 ? Optional.empty() : cluster.endpoint(nodeId, context);
        if (endpoint.isEmpty()) {
            // The coordinator's broker is not reachable on this listener (not registered yet): retriable.
            return c.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code()).setNodeId(-1).setHost("").setPort(-1)
                    .setErrorMessage("The coordinator of " + key + " is not available");
        }
        return c.setErrorCode(Errors.NONE.code()).setNodeId(nodeId).setHost(endpoint.get().host())
                .setPort(endpoint.get().port());
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
