package io.samsa.broker.handler;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.group.GroupCoordinator;
import io.samsa.broker.topic.TopicInfo;
import io.samsa.broker.topic.TopicRegistry;

/**
 * OffsetDelete (KIP-496): removes committed offsets of partitions the group no longer consumes; a
 * partition of a topic the group subscribes to is GROUP_SUBSCRIBED_TO_TOPIC, of an unknown topic
 * UNKNOWN_TOPIC_OR_PARTITION.
 */
public final class OffsetDeleteHandler implements ApiHandler<OffsetDeleteRequestData> {
    /**
     * Classic groups: the floors librdkafka needs (v0, OffsetFetch 1, OffsetCommit 2 is the oldest
     * kafka-clients parses) up to the newest kafka-clients 4.4 knows.
     */
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.OFFSET_DELETE, 0, 0);

    private final GroupCoordinator coordinator;
    private final TopicRegistry topics;

    public OffsetDeleteHandler(GroupCoordinator coordinator, TopicRegistry topics) {
        this.coordinator = coordinator;
        this.topics = topics;
    }

    @Override
    public CompletionStage<OffsetDeleteResponseData> handle(RequestContext context, OffsetDeleteRequestData request) {
        context.require(AclOperation.DELETE, ResourceType.GROUP, request.groupId());
        List<TopicPartition> known = new ArrayList<>();
        Set<String> denied = new HashSet<>();
        for (OffsetDeleteRequestTopic t : request.topics()) {
            TopicInfo info = topics.get(t.name()).orElse(null);
            if (!context.authorize(AclOperation.READ, ResourceType.TOPIC, t.name())) {
                denied.add(t.name());
                continue;
            }
            for (OffsetDeleteRequestPartition p : t.partitions()) {
                if (info != null && p.partitionIndex() >= 0 && p.partitionIndex() < info.partitions()) {
                    known.add(new TopicPartition(t.name(), p.partitionIndex()));
                }
            }
        }
        return coordinator.deleteOffsets(request.groupId(), known).thenApply(result -> {
            OffsetDeleteResponseData response = new OffsetDeleteResponseData().setErrorCode(result.error().code());
            if (result.error() != Errors.NONE) {
                return response;
            }
            for (OffsetDeleteRequestTopic t : request.topics()) {
                OffsetDeleteResponseTopic rt = new OffsetDeleteResponseTopic().setName(t.name());
                for (OffsetDeleteRequestPartition p : t.partitions()) {
                    Errors e = denied.contains(t.name()) ? Errors.TOPIC_AUTHORIZATION_FAILED
                            : result.partitions().getOrDefault(new TopicPartition(t.name(), p.partitionIndex()),
                                    Errors.UNKNOWN_TOPIC_OR_PARTITION);
                    rt.partitions().add(new OffsetDeleteResponsePartition().setPartitionIndex(p.partitionIndex())
                            .setErrorCode(e.code()));
                }
                response.topics().add(rt);
            }
            return response;
        });
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
