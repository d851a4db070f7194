package io.samsa.clients.consumer.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.clients.consumer.io.ConsumerIo;
import io.samsa.clients.metadata.MetadataCache;

/**
 * Committed offsets: OffsetCommit and OffsetFetch to the coordinator. Names topics by id from the versions that
 * want ids (10+). A commit from a member carries its generation; from a consumer with only an assignment,
 * generation -1 and no member id (Kafka's "simple" commits). Called from the application thread; the requests
 * are built and answered on the I/O thread (through {@link Coordinator}), completing the returned futures there.
 */
public final class Offsets {
    private final String groupId;
    private final String groupInstanceId;
    private final Coordinator coordinator;
    private final MetadataCache metadata;
    private final GroupMember member;

    public Offsets(String groupId, String groupInstanceId, Coordinator coordinator, MetadataCache metadata,
                   GroupMember member) {
        this.groupId = groupId;
        this.groupInstanceId = groupInstanceId;
        this.coordinator = coordinator;
        this.metadata = metadata;
        this.member = member;
    }

    /** Sends a commit; the future fails with CommitFailedException when fenced, a RetriableException otherwise. */
    public CompletableFuture<Void> commit(Map<TopicPartition, OffsetAndMetadata> offsets, boolean groupManaged) {
        GroupMember.Generation g = groupManaged ? member.generation() : GroupMember.Generation.NONE;
        if (groupManaged && g.id() < 0) {
            return CompletableFuture.failedFuture(new RebalanceInProgressException("Offset commit cannot be "
                    + "completed since the consumer is rebalancing; it can be retried after the rebalance."));
        }
        Map<TopicPartition, OffsetAndMetadata> copy = new LinkedHashMap<>(offsets);
        return coordinator.send(ApiKeys.OFFSET_COMMIT, version -> {
            Map<String, OffsetCommitRequestData.OffsetCommitRequestTopic> topics = new LinkedHashMap<>();
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : copy.entrySet()) {
                String name = e.getKey().topic();
                OffsetCommitRequestData.OffsetCommitRequestTopic t = topics.computeIfAbsent(name, n -> {
                    OffsetCommitRequestData.OffsetCommitRequestTopic nt =
                            new OffsetCommitRequestData.OffsetCommitRequestTopic();
                    return version >= 10 ? nt.setTopicId(topicId(n)) : nt.setName(n);
                });
                OffsetCommitRequestData.OffsetCommitRequestPartition p =
                        new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                .setPartitionIndex(e.getKey().partition())
                                .setCommittedOffset(e.getValue().offset())
                                .setCommittedMetadata(e.getValue().metadata());
                if (version >= 6) {
                    p.setCommittedLeaderEpoch(e.getValue().leaderEpoch().orElse(-1));
                }
                t.partitions().add(p);
            }
            OffsetCommitRequestData req = new OffsetCommitRequestData().setGroupId(groupId)
                    .setTopics(new ArrayList<>(topics.values()));
            if (version >= 1) {
                req.setGenerationIdOrMemberEpoch(g.id()).setMemberId(g.memberId());
            }
            if (version >= 7 && groupInstanceId != null && groupManaged) {
                req.setGroupInstanceId(groupInstanceId);
            }
            return req;
        }).thenAccept(r -> {
            OffsetCommitResponseData data = (OffsetCommitResponseData) r.body();
            for (OffsetCommitResponseData.OffsetCommitResponseTopic t : data.topics()) {
                for (OffsetCommitResponseData.OffsetCommitResponsePartition p : t.partitions()) {
                    Errors error = Errors.forCode(p.errorCode());
                    if (error == Errors.NONE) {
                        continue;
                    }
                    switch (error) {
                        case NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE -> {
                            coordinator.markUnknown();
                            throw new CoordinatorNotAvailableException("Coordinator moved during commit");
                        }
                        case UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, FENCED_INSTANCE_ID -> {
                            member.fenced = groupManaged;
                            throw new CommitFailedException("Commit cannot be completed since the group has already "
                                    + "rebalanced and assigned the partitions to another member (" + error + ")");
                        }
                        case REBALANCE_IN_PROGRESS -> {
                            member.requestRejoin();
                            throw new RebalanceInProgressException("Offset commit cannot be completed since the "
                                    + "consumer is rebalancing; it can be retried after the rebalance.");
                        }
                        default -> throw error.exception("Offset commit failed");
                    }
                }
            }
        });
    }

    /** Committed offsets (null for none) of {@code partitions}. Retriable failures surface as RetriableException. */
    public CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> fetch(Set<TopicPartition> partitions) {
        Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
        }
        GroupMember.Generation g = member.generation();
        return coordinator.send(ApiKeys.OFFSET_FETCH, version -> {
            if (version >= 8) {
                List<OffsetFetchRequestData.OffsetFetchRequestTopics> topics = new ArrayList<>();
                byTopic.forEach((name, parts) -> {
                    OffsetFetchRequestData.OffsetFetchRequestTopics t =
                            new OffsetFetchRequestData.OffsetFetchRequestTopics().setPartitionIndexes(parts);
                    topics.add(version >= 10 ? t.setTopicId(topicId(name)) : t.setName(name));
                });
                OffsetFetchRequestData.OffsetFetchRequestGroup group =
                        new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId(groupId).setTopics(topics);
                if (version >= 9 && g.id() >= 0) {
                    group.setMemberId(g.memberId()).setMemberEpoch(g.id());
                }
                return new OffsetFetchRequestData().setGroups(List.of(group)).setRequireStable(true);
            }
            List<OffsetFetchRequestData.OffsetFetchRequestTopic> topics = new ArrayList<>();
            byTopic.forEach((name, parts) -> topics.add(new OffsetFetchRequestData.OffsetFetchRequestTopic()
                    .setName(name).setPartitionIndexes(parts)));
            OffsetFetchRequestData req = new OffsetFetchRequestData().setGroupId(groupId).setTopics(topics);
            if (version >= 7) {
                req.setRequireStable(true);
            }
            return req;
        }).thenApply(r -> {
            OffsetFetchResponseData data = (OffsetFetchResponseData) r.body();
            Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
            if (r.version() >= 8) {
                OffsetFetchResponseData.OffsetFetchResponseGroup group = data.groups().get(0);
                check(Errors.forCode(group.errorCode()));
                for (OffsetFetchResponseData.OffsetFetchResponseTopics t : group.topics()) {
                    String name = r.version() >= 10 ? metadata.topicName(t.topicId()) : t.name();
                    for (OffsetFetchResponseData.OffsetFetchResponsePartitions p : t.partitions()) {
                        add(out, name, p.partitionIndex(), Errors.forCode(p.errorCode()), p.committedOffset(),
                                p.committedLeaderEpoch(), p.metadata());
                    }
                }
            } else {
                check(Errors.forCode(data.errorCode()));
                for (OffsetFetchResponseData.OffsetFetchResponseTopic t : data.topics()) {
                    for (OffsetFetchResponseData.OffsetFetchResponsePartition p : t.partitions()) {
                        add(out, t.name(), p.partitionIndex(), Errors.forCode(p.errorCode()), p.committedOffset(),
                                p.committedLeaderEpoch(), p.metadata());
                    }
                }
            }
            return out;
        });
    }

    private void check(Errors error) {
        if (error == Errors.NONE) {
            return;
        }
        if (error == Errors.NOT_COORDINATOR || error == Errors.COORDINATOR_NOT_AVAILABLE) {
            coordinator.markUnknown();
        }
        throw error.exception("Fetching committed offsets of group " + groupId + " failed");
    }

    private static void add(Map<TopicPartition, OffsetAndMetadata> out, String topic, int partition, Errors error,
                            long offset, int leaderEpoch, String meta) {
        if (error == Errors.UNSTABLE_OFFSET_COMMIT) {
            throw error.exception("Committed offsets of " + topic + "-" + partition + " are not stable yet");
        }
        if (error != Errors.NONE && error != Errors.UNKNOWN_TOPIC_OR_PARTITION) {
            throw error.exception("Fetching committed offset of " + topic + "-" + partition + " failed");
        }
        out.put(new TopicPartition(topic, partition), offset < 0 ? null
                : new OffsetAndMetadata(offset, leaderEpoch >= 0 ? Optional.of(leaderEpoch) : Optional.empty(),
                        meta == null ? "" : meta));
    }

    private Uuid topicId(String name) {
        MetadataCache.TopicInfo t = metadata.topic(name);
        if (t == null || t.id() == null || Uuid.ZERO_UUID.equals(t.id())) {
            metadata.wantedTopics().add(name);
            metadata.requestUpdate();
            throw new UnknownTopicOrPartitionException("No topic id known yet for " + name);
        }
        return t.id();
    }
}
