package io.samsa.broker.handler;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartition;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopic;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
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
 * OffsetFetch: committed offsets, -1 (and empty metadata) where nothing is committed. v1–7 ask for one
 * group (v2+ may ask for all its topics with a null list, and get a top-level error), v8+ for a batch
 * of groups, v10 names topics by id (an unknown id is UNKNOWN_TOPIC_ID).
 */
public final class OffsetFetchHandler implements ApiHandler<OffsetFetchRequestData> {
    /**
     * Classic groups: the floors librdkafka needs (v0, OffsetFetch 1, OffsetCommit 2 is the oldest
     * kafka-clients parses) up to the newest kafka-clients 4.4 knows.
     */
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.OFFSET_FETCH, 1, 10);

    private final GroupCoordinator coordinator;
    private final TopicRegistry topics;

    public OffsetFetchHandler(GroupCoordinator coordinator, TopicRegistry topics) {
        this.coordinator = coordinator;
        this.topics = topics;
    }

    /** One requested topic: its name (null for an unknown id), id, and partitions. */
    private record Wanted(String name, Uuid id, List<Integer> partitions) {
    }

    @Override
    public CompletionStage<OffsetFetchResponseData> handle(RequestContext context, OffsetFetchRequestData request) {
        short v = context.apiVersion();
        if (v < 8) {
            List<Wanted> wanted = null;
            if (request.topics() != null) {
                wanted = new ArrayList<>();
                for (OffsetFetchRequestData.OffsetFetchRequestTopic t : request.topics()) {
                    wanted.add(new Wanted(t.name(), null, t.partitionIndexes()));
                }
            }
            return fetchGroup(context, request.groupId(), wanted, v, v >= 7 && request.requireStable()).thenApply(g -> {
                OffsetFetchResponseData response = new OffsetFetchResponseData();
                for (OffsetFetchResponseTopics t : g.topics()) {
                    OffsetFetchResponseTopic rt = new OffsetFetchResponseTopic().setName(t.name());
                    for (OffsetFetchResponsePartitions p : t.partitions()) {
                        OffsetFetchResponsePartition rp = new OffsetFetchResponsePartition()
                                .setPartitionIndex(p.partitionIndex()).setCommittedOffset(p.committedOffset())
                                .setMetadata(p.metadata()).setErrorCode(p.errorCode());
                        if (v >= 5) {
                            rp.setCommittedLeaderEpoch(p.committedLeaderEpoch());
                        }
                        rt.partitions().add(rp);
                    }
                    response.topics().add(rt);
                }
                if (v >= 2) {
                    response.setErrorCode(g.errorCode());
                }
                return response;
            });
        }
        List<CompletableFuture<OffsetFetchResponseGroup>> futures = new ArrayList<>();
        for (OffsetFetchRequestGroup group : request.groups()) {
            List<Wanted> wanted = null;
            if (group.topics() != null) {
                wanted = new ArrayList<>();
                for (OffsetFetchRequestTopics t : group.topics()) {
                    String name = v >= 10 ? topics.get(t.topicId()).map(TopicInfo::name).orElse(null) : t.name();
                    wanted.add(new Wanted(name, t.topicId(), t.partitionIndexes()));
                }
            }
            futures.add(fetchGroup(context, group.groupId(), wanted, v, request.requireStable()));
        }
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            OffsetFetchResponseData response = new OffsetFetchResponseData();
            futures.forEach(f -> response.groups().add(f.join()));
            return response;
        });
    }

    /**
     * One group's answer, built in the v8+ shape (the v1–7 path converts it). With {@code requireStable} (v7+, a
     * read_committed consumer) a partition whose offset an open transaction is about to change answers
     * UNSTABLE_OFFSET_COMMIT, which the consumer retries, as Kafka answers it. As Kafka's ACL checks: DESCRIBE on
     * the group, else GROUP_AUTHORIZATION_FAILED; a named topic without DESCRIBE is TOPIC_AUTHORIZATION_FAILED, and
     * such a topic is left out of an all-topics answer.
     */
    private CompletableFuture<OffsetFetchResponseGroup> fetchGroup(RequestContext context, String groupId,
                                                                   List<Wanted> wanted, short v,
                                                                   boolean requireStable) {
        if (!context.authorize(AclOperation.DESCRIBE, ResourceType.GROUP, groupId)) {
            return CompletableFuture.completedFuture(new OffsetFetchResponseGroup().setGroupId(groupId)
                    .setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code()));
        }
        Set<String> denied = new HashSet<>();
        List<TopicPartition> partitions = null;
        if (wanted != null) {
            partitions = new ArrayList<>();
            for (Wanted w : wanted) {
                if (w.name() != null && !context.authorize(AclOperation.DESCRIBE, ResourceType.TOPIC, w.name())) {
                    denied.add(w.name());
                } else if (w.name() != null) {
                    for (int p : w.partitions()) {
                        partitions.add(new TopicPartition(w.name(), p));
                    }
                }
            }
        }
        List<Wanted> requested = wanted;
        return coordinator.fetchOffsets(groupId, partitions, requireStable).thenApply(fetched -> {
            Map<TopicPartition, CommittedOffset> committed = fetched.committed();
            OffsetFetchResponseGroup g = new OffsetFetchResponseGroup().setGroupId(groupId);
            List<Wanted> answer = requested;
            if (answer == null) {
                Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
                committed.keySet().forEach(tp -> byTopic.computeIfAbsent(tp.topic(), k -> new ArrayList<>()).add(tp.partition()));
                answer = new ArrayList<>();
                for (Map.Entry<String, List<Integer>> e : byTopic.entrySet()) {
                    if (!context.canSee(AclOperation.DESCRIBE, ResourceType.TOPIC, e.getKey())) {
                        continue;
                    }
                    Uuid id = topics.get(e.getKey()).map(TopicInfo::id).orElse(null);
                    if (v >= 10 && id == null) {
                        continue; // a deleted topic cannot be named by id
                    }
                    answer.add(new Wanted(e.getKey(), id, e.getValue()));
                }
            }
            for (Wanted w : answer) {
                OffsetFetchResponseTopics t = new OffsetFetchResponseTopics();
                if (v >= 10) {
                    t.setTopicId(w.id());
                } else {
                    t.setName(w.name());
                }
                for (int p : w.partitions()) {
                    TopicPartition tp = w.name() == null ? null : new TopicPartition(w.name(), p);
                    boolean unstable = tp != null && fetched.unstable().contains(tp);
                    CommittedOffset o = tp == null || unstable ? null : committed.get(tp);
                    Errors error = tp == null ? Errors.UNKNOWN_TOPIC_ID
                            : denied.contains(w.name()) ? Errors.TOPIC_AUTHORIZATION_FAILED
                            : unstable ? Errors.UNSTABLE_OFFSET_COMMIT : Errors.NONE;
                    OffsetFetchResponsePartitions rp = new OffsetFetchResponsePartitions().setPartitionIndex(p)
                            .setCommittedOffset(o == null ? -1L : o.offset())
                            .setCommittedLeaderEpoch(o == null ? -1 : o.leaderEpoch())
                            .setMetadata(o == null || o.metadata() == null ? "" : o.metadata())
                            .setErrorCode(error.code());
                    t.partitions().add(rp);
                }
                g.topics().add(t);
            }
            return g;
        });
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
