package io.samsa.broker.handler;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.authorizer.AuthorizedOperations;
import io.samsa.broker.group.GroupCoordinator;
import io.samsa.broker.group.GroupSnapshot;
import io.samsa.broker.group.GroupState;

/**
 * DescribeGroups: state, protocol and members (metadata and assignments only when Stable). An unknown
 * group is reported as Dead before v6 and as GROUP_ID_NOT_FOUND from v6 (KIP-1043). v3+ may ask for the
 * authorized operations: with no ACLs in Samsa, all group operations.
 */
public final class DescribeGroupsHandler implements ApiHandler<DescribeGroupsRequestData> {
    /**
     * Classic groups: the floors librdkafka needs (v0, OffsetFetch 1, OffsetCommit 2 is the oldest
     * kafka-clients parses) up to the newest kafka-clients 4.4 knows.
     */
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.DESCRIBE_GROUPS, 0, 6);

    private final GroupCoordinator coordinator;

    public DescribeGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletionStage<DescribeGroupsResponseData> handle(RequestContext context, DescribeGroupsRequestData request) {
        short v = context.apiVersion();
        boolean includeOps = v >= 3 && request.includeAuthorizedOperations();
        List<CompletableFuture<DescribedGroup>> futures = new ArrayList<>();
        for (String groupId : request.groups()) {
            if (!context.authorize(AclOperation.DESCRIBE, ResourceType.GROUP, groupId)) {
                futures.add(CompletableFuture.completedFuture(new DescribedGroup().setGroupId(groupId)
                        .setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code())));
                continue;
            }
            int ops = includeOps ? context.authorizedOperations(ResourceType.GROUP, groupId)
                    : AuthorizedOperations.NOT_REQUESTED;
            futures.add(coordinator.describeGroup(groupId).thenApply(d -> described(groupId, d, v, ops)));
        }
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            DescribeGroupsResponseData response = new DescribeGroupsResponseData();
            futures.forEach(f -> response.groups().add(f.join()));
            return response;
        });
    }

    private static DescribedGroup described(String groupId, Optional<GroupSnapshot> found, short v,
                                            int authorizedOperations) {
        DescribedGroup g = new DescribedGroup().setGroupId(groupId);
        if (found.isEmpty()) {
            g.setGroupState(GroupState.DEAD.kafkaName()).setProtocolType("").setProtocolData("");
            if (v >= 6) {
                g.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setErrorMessage("Group " + groupId + " not found.");
            }
            return g;
        }
        GroupSnapshot d = found.get();
        g.setGroupState(d.state().kafkaName()).setProtocolType(d.protocolType()).setProtocolData(d.protocolData());
        for (GroupSnapshot.Member m : d.members()) {
            DescribedGroupMember member = new DescribedGroupMember().setMemberId(m.memberId())
                    .setClientId(m.clientId() == null ? "" : m.clientId()).setClientHost(m.clientHost())
                    .setMemberMetadata(m.metadata()).setMemberAssignment(m.assignment());
            if (v >= 4) {
                member.setGroupInstanceId(m.groupInstanceId());
            }
            g.members().add(member);
        }
        return g.setAuthorizedOperations(authorizedOperations);
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
