package io.samsa.broker.handler;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.resource.ResourceType;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.group.GroupCoordinator;
import io.samsa.broker.group.GroupOverview;

/**
 * ListGroups: every live group. v4+ filter by state (KIP-518) and report it, v5+ filter by type and
 * report it (all Samsa groups are "classic").
 */
public final class ListGroupsHandler implements ApiHandler<ListGroupsRequestData> {
    /**
     * Classic groups: the floors librdkafka needs (v0, OffsetFetch 1, OffsetCommit 2 is the oldest
     * kafka-clients parses) up to the newest kafka-clients 4.4 knows.
     */
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.LIST_GROUPS, 0, 5);

    static final String CLASSIC = "classic";

    private final GroupCoordinator coordinator;

    public ListGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletionStage<ListGroupsResponseData> handle(RequestContext context, ListGroupsRequestData request) {
        short v = context.apiVersion();
        Set<String> states = new HashSet<>();
        if (v >= 4) {
            request.statesFilter().forEach(s -> states.add(s.toLowerCase(Locale.ROOT)));
        }
        Set<String> types = new HashSet<>();
        if (v >= 5) {
            request.typesFilter().forEach(t -> types.add(t.toLowerCase(Locale.ROOT)));
        }
        // As Kafka: DESCRIBE on the cluster lists every group, else only the groups the principal may DESCRIBE.
        boolean everyGroup = context.canSee(AclOperation.DESCRIBE, ResourceType.CLUSTER, RequestContext.CLUSTER_NAME);
        return coordinator.listGroups().thenApply(groups -> {
            ListGroupsResponseData response = new ListGroupsResponseData();
            if (!types.isEmpty() && !types.contains(CLASSIC)) {
                return response;
            }
            for (GroupOverview g : groups) {
                if (!states.isEmpty() && !states.contains(g.state().kafkaName().toLowerCase(Locale.ROOT))) {
                    continue;
                }
                if (!everyGroup && !context.canSee(AclOperation.DESCRIBE, ResourceType.GROUP, g.groupId())) {
                    continue;
                }
                ListedGroup listed = new ListedGroup().setGroupId(g.groupId()).setProtocolType(g.protocolType());
                if (v >= 4) {
                    listed.setGroupState(g.state().kafkaName());
                }
                if (v >= 5) {
                    listed.setGroupType(CLASSIC);
                }
                response.groups().add(listed);
            }
            return response;
        });
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
