package io.samsa.broker.handler;

import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.group.GroupCoordinator;

/**
 * Heartbeat: keeps the member's session alive; REBALANCE_IN_PROGRESS tells it to rejoin,
 * ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID / FENCED_INSTANCE_ID that it has been left behind. v3+ carries
 * group.instance.id.
 */
public final class HeartbeatHandler implements ApiHandler<HeartbeatRequestData> {
    private final GroupCoordinator coordinator;

    public HeartbeatHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletionStage<HeartbeatResponseData> handle(RequestContext context, HeartbeatRequestData request) {
        String instanceId = context.apiVersion() >= 3 ? request.groupInstanceId() : null;
        return coordinator.heartbeat(request.groupId(), request.memberId(), instanceId, request.generationId())
                .thenApply(error -> new HeartbeatResponseData().setErrorCode(error.code()));
    }
}
