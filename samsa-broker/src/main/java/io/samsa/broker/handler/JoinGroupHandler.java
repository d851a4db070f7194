package io.samsa.broker.handler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.resource.ResourceType;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.group.GroupCoordinator;
import io.samsa.broker.group.JoinRequest;
import io.samsa.broker.group.JoinResult;
import io.samsa.broker.group.Protocol;

/**
 * JoinGroup: answered when the rebalance completes (the coordinator holds the response). v0 has no
 * rebalance timeout (the session timeout serves), v4+ first answers a new member MEMBER_ID_REQUIRED,
 * v5+ carries group.instance.id, v7+ the protocol type, v9+ may tell a static leader to skip assignment.
 */
public final class JoinGroupHandler implements ApiHandler<JoinGroupRequestData> {
    /**
     * Classic groups: the floors librdkafka needs (v0, OffsetFetch 1, OffsetCommit 2 is the oldest
     * kafka-clients parses) up to the newest kafka-clients 4.4 knows.
     */
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.JOIN_GROUP, 0, 9);

    private final GroupCoordinator coordinator;

    public JoinGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletionStage<JoinGroupResponseData> handle(RequestContext context, JoinGroupRequestData request) {
        context.require(AclOperation.READ, ResourceType.GROUP, request.groupId());
        short v = context.apiVersion();
        List<Protocol> protocols = new ArrayList<>();
        for (JoinGroupRequestProtocol p : request.protocols()) {
            protocols.add(new Protocol(p.name(), p.metadata()));
        }
        int rebalanceTimeout = v >= 1 && request.rebalanceTimeoutMs() > 0 ? request.rebalanceTimeoutMs()
                : request.sessionTimeoutMs();
        JoinRequest join = new JoinRequest(request.groupId(), request.memberId(), v >= 5 ? request.groupInstanceId() : null,
                context.clientId(), GroupHandlers.clientHost(context), request.sessionTimeoutMs(), rebalanceTimeout,
                request.protocolType(), protocols, v >= 4, v >= 9, v >= 8 ? request.reason() : null);
        return coordinator.joinGroup(join).thenApply(r -> toResponse(r, v));
    }

    static JoinGroupResponseData toResponse(JoinResult r, short v) {
        JoinGroupResponseData response = new JoinGroupResponseData()
                .setErrorCode(r.error().code())
                .setGenerationId(r.generationId())
                .setLeader(r.leaderId() == null ? "" : r.leaderId())
                .setMemberId(r.memberId() == null ? "" : r.memberId());
        if (v >= 7) {
            response.setProtocolType(r.protocolType()).setProtocolName(r.protocolName());
        } else {
            response.setProtocolName(r.protocolName() == null ? "" : r.protocolName());
        }
        if (v >= 9) {
            response.setSkipAssignment(r.skipAssignment());
        }
        for (JoinResult.Member m : r.members()) {
            JoinGroupResponseMember member = new JoinGroupResponseMember().setMemberId(m.memberId())
                    .setMetadata(m.metadata() == null ? new byte[0] : m.metadata());
            if (v >= 5) {
                member.setGroupInstanceId(m.groupInstanceId());
            }
            response.members().add(member);
        }
        return response;
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
