package io.samsa.broker.handler;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.resource.ResourceType;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.group.GroupCoordinator;
import io.samsa.broker.group.SyncRequest;

/**
 * SyncGroup: the leader hands in every member's assignment; each member gets its own back once the
 * leader's has arrived (the coordinator holds the other members' responses). v3+ carries
 * group.instance.id, v5+ the protocol type and name (checked, and echoed).
 */
public final class SyncGroupHandler implements ApiHandler<SyncGroupRequestData> {
    /**
     * Classic groups: the floors librdkafka needs (v0, OffsetFetch 1, OffsetCommit 2 is the oldest
     * kafka-clients parses) up to the newest kafka-clients 4.4 knows.
     */
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.SYNC_GROUP, 0, 5);

    private final GroupCoordinator coordinator;

    public SyncGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletionStage<SyncGroupResponseData> handle(RequestContext context, SyncGroupRequestData request) {
        context.require(AclOperation.READ, ResourceType.GROUP, request.groupId());
        short v = context.apiVersion();
        Map<String, byte[]> assignments = new LinkedHashMap<>();
        for (SyncGroupRequestAssignment a : request.assignments()) {
            assignments.put(a.memberId(), a.assignment());
        }
        SyncRequest sync = new SyncRequest(request.groupId(), request.generationId(), request.memberId(),
                v >= 3 ? request.groupInstanceId() : null, v >= 5 ? request.protocolType() : null,
                v >= 5 ? request.protocolName() : null, assignments);
        return coordinator.syncGroup(sync).thenApply(r -> {
            SyncGroupResponseData response = new SyncGroupResponseData().setErrorCode(r.error().code())
                    .setAssignment(r.assignment() == null ? new byte[0] : r.assignment());
            if (v >= 5) {
                response.setProtocolType(r.protocolType()).setProtocolName(r.protocolName());
            }
            return response;
        });
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
