package io.samsa.broker.handler;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.group.GroupCoordinator;
import io.samsa.broker.group.CommittedOffset;
import io.samsa.broker.topic.TopicInfo;
import io.samsa.broker.topic.TopicRegistry;

/**
 * OffsetCommit: partitions of unknown topics get UNKNOWN_TOPIC_OR_PARTITION (UNKNOWN_TOPIC_ID for v10's
 * topic ids); the rest go to the coordinator, which checks the member and generation. v2–4 may carry a
 * retention time (an explicit expiry), v6+ the leader epoch, v7+ group.instance.id, v9+ answers
 * GROUP_ID_NOT_FOUND for a member commit to an unknown group.
 */
public final class OffsetCommitHandler implements ApiHandler<OffsetCommitRequestData> {
    /**
     * Classic groups: the floors librdkafka needs (v0, OffsetFetch 1, OffsetCommit 2 is the oldest
     * kafka-clients parses) up to the newest kafka-clients 4.4 knows.
     */
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.OFFSET_COMMIT, 2, 10);

    private final GroupCoordinator coordinator;
    private final TopicRegistry topics;
    private final Clock clock;

    public OffsetCommitHandler(GroupCoordinator coordinator, TopicRegistry topics, Clock clock) {
        this.coordinator = coordinator;
        this.topics = topics;
        this.clock = clock;
    }

    @Override
    public CompletionStage<OffsetCommitResponseData> handle(RequestContext context, OffsetCommitRequestData request) {
        short v = context.apiVersion();
        context.require(AclOperation.READ, ResourceType.GROUP, request.groupId());
        long now = clock.millis();
        long expireAt = v <= 4 && request.retentionTimeMs() >= 0 ? now + request.retentionTimeMs() : -1L;
        Map<TopicPartition, CommittedOffset> valid = new LinkedHashMap<>();
        Map<TopicPartition, Errors> rejected = new LinkedHashMap<>();
        for (OffsetCommitRequestTopic t : request.topics()) {
            TopicInfo info = v >= 10 ? topics.get(t.topicId()).orElse(null) : topics.get(t.name()).orElse(null);
            String name = v >= 10 ? (info == null ? null : info.name()) : t.name();
            boolean authorized = name == null || context.authorize(AclOperation.READ, ResourceType.TOPIC, name);
            for (OffsetCommitRequestPartition p : t.partitions()) {
                TopicPartition tp = new TopicPartition(v >= 10 ? String.valueOf(t.topicId()) : t.name(), p.partitionIndex());
                if (!authorized) {
                    rejected.put(tp, Errors.TOPIC_AUTHORIZATION_FAILED);
                } else if (info == null) {
                    rejected.put(tp, v >= 10 ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION);
                } else if (p.partitionIndex() < 0 || p.partitionIndex() >= info.partitions()) {
                    rejected.put(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION);
                } else {
                    valid.put(new TopicPartition(info.name(), p.partitionIndex()), new CommittedOffset(
                            p.committedOffset(), v >= 6 ? p.committedLeaderEpoch() : -1, p.committedMetadata(), now,
                            expireAt));
                }
            }
        }
        String instanceId = v >= 7 ? request.groupInstanceId() : null;
        return coordinator.commitOffsets(request.groupId(), request.memberId(), instanceId,
                request.generationIdOrMemberEpoch(), valid, v >= 9).thenApply(errors -> {
                    OffsetCommitResponseData response = new OffsetCommitResponseData();
                    for (OffsetCommitRequestTopic t : request.topics()) {
                        OffsetCommitResponseTopic rt = new OffsetCommitResponseTopic();
                        String resolvedName;
                        if (v >= 10) {
                            rt.setTopicId(t.topicId());
                            resolvedName = topics.get(t.topicId()).map(TopicInfo::name).orElse(null);
                        } else {
                            rt.setName(t.name());
                            resolvedName = t.name();
                        }
                        for (OffsetCommitRequestPartition p : t.partitions()) {
                            String key = v >= 10 ? String.valueOf(t.topicId()) : t.name();
                            Errors e = rejected.get(new TopicPartition(key, p.partitionIndex()));
                            if (e == null) {
                                e = errors.getOrDefault(new TopicPartition(resolvedName, p.partitionIndex()),
                                        Errors.UNKNOWN_TOPIC_OR_PARTITION);
                            }
                            rt.partitions().add(new OffsetCommitResponsePartition()
                                    .setPartitionIndex(p.partitionIndex()).setErrorCode(e.code()));
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
