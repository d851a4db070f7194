package io.samsa.broker.handler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.group.GroupCoordinator;

/**
 * DeleteGroups: only an Empty group can go (NON_EMPTY_GROUP otherwise, GROUP_ID_NOT_FOUND if unknown);
 * its offsets and metadata are tombstoned in its {@code __consumer_offsets} partition. v3 adds an error message per group.
 */
public final class DeleteGroupsHandler implements ApiHandler<DeleteGroupsRequestData> {
    /**
     * Classic groups: the floors librdkafka needs (v0, OffsetFetch 1, OffsetCommit 2 is the oldest
     * kafka-clients parses) up to the newest kafka-clients 4.4 knows.
     */
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.DELETE_GROUPS, 0, 3);

    private final GroupCoordinator coordinator;

    public DeleteGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletionStage<DeleteGroupsResponseData> handle(RequestContext context, DeleteGroupsRequestData request) {
        short v = context.apiVersion();
        Map<String, Errors> denied = new LinkedHashMap<>();
        List<String> allowed = new ArrayList<>();
        for (String group : request.groupsNames()) {
            if (context.authorize(AclOperation.DELETE, ResourceType.GROUP, group)) {
                allowed.add(group);
            } else {
                denied.put(group, Errors.GROUP_AUTHORIZATION_FAILED);
            }
        }
        return coordinator.deleteGroups(allowed).thenApply(deleted -> {
            Map<String, Errors> results = new LinkedHashMap<>(deleted);
            results.putAll(denied);
            DeleteGroupsResponseData response = new DeleteGroupsResponseData();
            for (Map.Entry<String, Errors> e : results.entrySet()) {
                DeletableGroupResult r = new DeletableGroupResult().setGroupId(e.getKey())
                        .setErrorCode(e.getValue().code());
                if (v >= 3 && e.getValue() != Errors.NONE) {
                    r.setErrorMessage(e.getValue().message());
                }
                response.results().add(r);
            }
            return response;
        });
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
