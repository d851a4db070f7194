package io.samsa.broker.handler;

import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.resource.ResourceType;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.group.GroupCoordinator;

/**
 * Heartbeat: keeps the member's session alive; REBALANCE_IN_PROGRESS tells it to rejoin,
 * ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID / FENCED_INSTANCE_ID that it has been left behind. v3+ carries
 * group.instance.id.
 */
public final class HeartbeatHandler implements ApiHandler<HeartbeatRequestData> {
    /**
     * Classic groups: the floors librdkafka needs (v0, OffsetFetch 1, OffsetCommit 2 is the oldest
     * kafka-clients parses) up to the newest kafka-clients 4.4 knows.
     */
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.HEARTBEAT, 0, 4);

    private final GroupCoordinator coordinator;

    public HeartbeatHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletionStage<HeartbeatResponseData> handle(RequestContext context, HeartbeatRequestData request) {
        context.require(AclOperation.READ, ResourceType.GROUP, request.groupId());
        String instanceId = context.apiVersion() >= 3 ? request.groupInstanceId() : null;
        return coordinator.heartbeat(request.groupId(), request.memberId(), instanceId, request.generationId())
                .thenApply(error -> new HeartbeatResponseData().setErrorCode(error.code()));
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
