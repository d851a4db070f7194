package io.samsa.broker.handler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.group.GroupCoordinator;
import io.samsa.broker.group.MemberIdentity;

/**
 * LeaveGroup: v0–2 one member by id (its error is the response's), v3+ a batch by member id or
 * group.instance.id (KIP-345), each with its own error.
 */
public final class LeaveGroupHandler implements ApiHandler<LeaveGroupRequestData> {
    /**
     * Classic groups: the floors librdkafka needs (v0, OffsetFetch 1, OffsetCommit 2 is the oldest
     * kafka-clients parses) up to the newest kafka-clients 4.4 knows.
     */
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.LEAVE_GROUP, 0, 5);

    private final GroupCoordinator coordinator;

    public LeaveGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletionStage<LeaveGroupResponseData> handle(RequestContext context, LeaveGroupRequestData request) {
        context.require(AclOperation.READ, ResourceType.GROUP, request.groupId());
        short v = context.apiVersion();
        List<MemberIdentity> leaving = new ArrayList<>();
        if (v >= 3) {
            request.members().forEach(m -> leaving.add(new MemberIdentity(m.memberId(), m.groupInstanceId())));
        } else {
            leaving.add(new MemberIdentity(request.memberId(), null));
        }
        return coordinator.leaveGroup(request.groupId(), leaving).thenApply(r -> {
            LeaveGroupResponseData response = new LeaveGroupResponseData();
            if (v >= 3) {
                response.setErrorCode(r.error().code());
                for (MemberIdentity m : r.members()) {
                    response.members().add(new MemberResponse().setMemberId(m.memberId())
                            .setGroupInstanceId(m.groupInstanceId()).setErrorCode(m.error().code()));
                }
            } else {
                Errors error = r.error() != Errors.NONE || r.members().isEmpty() ? r.error() : r.members().get(0).error();
                response.setErrorCode(error.code());
            }
            return response;
        });
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
