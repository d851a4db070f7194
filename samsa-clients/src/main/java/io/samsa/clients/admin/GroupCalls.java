package io.samsa.clients.admin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.IntFunction;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.protocol.consumer.ConsumerProtocolCodec;

/**
 * The group side of {@link SamsaAdmin}: FindCoordinator first, then ListGroups (every broker), DescribeGroups,
 * OffsetFetch, OffsetCommit (as an admin: no member, generation -1, accepted only while the group is Empty) and
 * DeleteGroups to the group's coordinator. A coordinator that moved or is loading is looked up again until the
 * deadline. Not thread-safe; {@link SamsaAdmin} serializes calls.
 */
final class GroupCalls {
    private final AdminChannel channel;
    private final CoordinatorLookup coordinators;
    private final long timeoutMs;
    /** Metadata for the named topics (null: all) that also teaches the channel the brokers' addresses. */
    private final Function<List<String>, MetadataResponseData> metadata;

    GroupCalls(AdminChannel channel, long timeoutMs, Function<List<String>, MetadataResponseData> metadata) {
        this.channel = channel;
        this.coordinators = new CoordinatorLookup(channel, CoordinatorLookup.GROUP);
        this.timeoutMs = timeoutMs;
        this.metadata = metadata;
    }

    /** ListGroups on every broker (each lists the groups it coordinates), merged and sorted by id. */
    List<GroupListing> list(long deadlineMs) {
        Map<String, GroupListing> groups = new TreeMap<>();
        for (MetadataResponseData.MetadataResponseBroker b : metadata.apply(List.of()).brokers()) {
            ListGroupsResponseData r = channel.call(b.nodeId(), ApiKeys.LIST_GROUPS, v -> new ListGroupsRequestData(),
                    deadlineMs);
            Errors error = Errors.forCode(r.errorCode());
            if (error != Errors.NONE) {
                throw error.exception();
            }
            for (ListGroupsResponseData.ListedGroup g : r.groups()) {
                groups.put(g.groupId(), new GroupListing(g.groupId(), g.groupState() == null ? "" : g.groupState(),
                        g.protocolType() == null ? "" : g.protocolType()));
            }
        }
        return List.copyOf(groups.values());
    }

    GroupDescription describe(String groupId, long deadlineMs) {
        return onCoordinator(groupId, deadlineMs, node -> {
            DescribeGroupsResponseData r = channel.call(node, ApiKeys.DESCRIBE_GROUPS,
                    v -> new DescribeGroupsRequestData().setGroups(List.of(groupId)), deadlineMs);
            DescribeGroupsResponseData.DescribedGroup g = r.groups().get(0);
            Errors error = Errors.forCode(g.errorCode());
            // Before v6 an unknown group is described as Dead, from v6 it is GROUP_ID_NOT_FOUND.
            if (error == Errors.GROUP_ID_NOT_FOUND || (error == Errors.NONE && "Dead".equals(g.groupState()))) {
                throw new UnknownGroupException(groupId);
            }
            if (error != Errors.NONE) {
                throw error.exception("Group '" + groupId + "': " + error.message());
            }
            boolean consumer = ConsumerProtocolCodec.PROTOCOL_TYPE.equals(g.protocolType());
            List<GroupDescription.Member> members = new ArrayList<>();
            for (DescribeGroupsResponseData.DescribedGroupMember m : g.members()) {
                members.add(new GroupDescription.Member(m.memberId(), m.groupInstanceId(), m.clientId(),
                        m.clientHost(), consumer ? assignment(m.memberAssignment()) : List.of()));
            }
            members.sort(Comparator.comparing(GroupDescription.Member::memberId));
            return new GroupDescription(groupId, g.groupState(), g.protocolType(), g.protocolData(),
                    List.copyOf(members));
        });
    }

    /**
     * The group's offsets: every partition with a committed offset and every partition assigned to a member,
     * sorted, each with its log end offset.
     */
    List<GroupOffset> offsets(String groupId, long deadlineMs) {
        GroupDescription group = describe(groupId, deadlineMs);
        Map<TopicPartition, Long> committed = new HashMap<>(committed(groupId, deadlineMs));
        group.members().forEach(m -> m.assignment().forEach(tp -> committed.putIfAbsent(tp, -1L)));
        Map<String, Map<Integer, Long>> ends = logOffsets(
                committed.keySet().stream().map(TopicPartition::topic).distinct().toList(),
                ListOffsetsLookup.LATEST, deadlineMs);
        List<GroupOffset> out = new ArrayList<>();
        committed.forEach((tp, offset) -> out.add(new GroupOffset(tp, offset,
                ends.getOrDefault(tp.topic(), Map.of()).getOrDefault(tp.partition(), -1L))));
        out.sort(Comparator.comparing((GroupOffset o) -> o.partition().topic())
                .thenComparingInt(o -> o.partition().partition()));
        return List.copyOf(out);
    }

    /** Plans (and with {@code execute} commits) new offsets for {@code partitions}; see {@link SamsaAdmin}. */
    List<OffsetChange> reset(String groupId, Collection<TopicPartition> partitions, OffsetReset to, boolean execute,
                             long deadlineMs) {
        try {
            GroupDescription group = describe(groupId, deadlineMs);
            if (!group.isEmpty()) {
                throw notInactive(groupId, group.state());
            }
        } catch (UnknownGroupException e) {
            // As with Kafka's tool: offsets may be set for a group that has not consumed yet; committing creates it.
        }
        Map<TopicPartition, Long> committed = committed(groupId, deadlineMs);
        Map<String, List<MetadataResponsePartition>> topics = partitionsOf(
                partitions.stream().map(TopicPartition::topic).distinct().toList());
        for (TopicPartition tp : partitions) {
            if (topics.get(tp.topic()).stream().noneMatch(p -> p.partitionIndex() == tp.partition())) {
                throw new IllegalArgumentException("Topic '" + tp.topic() + "' has no partition " + tp.partition());
            }
        }
        Map<String, Map<Integer, Long>> start = ListOffsetsLookup.offsets(channel, topics, ListOffsetsLookup.EARLIEST,
                timeoutMs, deadlineMs, metadata);
        Map<String, Map<Integer, Long>> end = ListOffsetsLookup.offsets(channel, topics, ListOffsetsLookup.LATEST,
                timeoutMs, deadlineMs, metadata);
        Map<String, Map<Integer, Long>> atTime = to instanceof OffsetReset.ToTimestamp t
                ? ListOffsetsLookup.offsets(channel, topics, t.timestampMs(), timeoutMs, deadlineMs, metadata) : Map.of();
        List<OffsetChange> plan = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            Long first = start.get(tp.topic()).get(tp.partition());
            Long last = end.get(tp.topic()).get(tp.partition());
            if (first == null || last == null) {
                throw new CoordinatorNotAvailableException("The leader of " + tp + " did not report its offsets; "
                        + "try again");
            }
            long current = committed.getOrDefault(tp, -1L);
            long target;
            if (to instanceof OffsetReset.Earliest) {
                target = first;
            } else if (to instanceof OffsetReset.Latest) {
                target = last;
            } else if (to instanceof OffsetReset.ToOffset o) {
                target = o.offset();
            } else if (to instanceof OffsetReset.ToTimestamp) {
                long found = atTime.get(tp.topic()).getOrDefault(tp.partition(), -1L);
                target = found < 0 ? last : found;
            } else {
                if (current < 0) {
                    throw new IllegalArgumentException("Cannot shift the offset of " + tp + ": group '" + groupId
                            + "' has no committed offset there");
                }
                target = current + ((OffsetReset.ShiftBy) to).delta();
            }
            plan.add(new OffsetChange(tp, current, Math.max(first, Math.min(last, target))));
        }
        plan.sort(Comparator.comparing((OffsetChange c) -> c.partition().topic())
                .thenComparingInt(c -> c.partition().partition()));
        if (execute && !plan.isEmpty()) {
            Map<String, Uuid> ids = new HashMap<>();
            metadata.apply(new ArrayList<>(topics.keySet())).topics().forEach(t -> ids.put(t.name(), t.topicId()));
            commit(groupId, plan, ids, deadlineMs);
        }
        return List.copyOf(plan);
    }

    void delete(String groupId, long deadlineMs) {
        onCoordinator(groupId, deadlineMs, node -> {
            DeleteGroupsResponseData r = channel.call(node, ApiKeys.DELETE_GROUPS,
                    v -> new DeleteGroupsRequestData().setGroupsNames(List.of(groupId)), deadlineMs);
            Errors error = Errors.forCode(r.results().iterator().next().errorCode());
            switch (error) {
                case NONE:
                    return null;
                case GROUP_ID_NOT_FOUND:
                    throw new UnknownGroupException(groupId);
                case NON_EMPTY_GROUP:
                    throw new GroupNotEmptyException("Group '" + groupId + "' has active members; it can be deleted "
                            + "only when Empty (stop its consumers first)");
                default:
                    throw error.exception("Group '" + groupId + "': " + error.message());
            }
        });
    }

    // ---- helpers ----

    private static GroupNotEmptyException notInactive(String groupId, String state) {
        return new GroupNotEmptyException("Assignments can only be reset if the group '" + groupId
                + "' is inactive, but the current state is " + state + ".");
    }

    /** Committed offsets of every partition the group has one for. */
    private Map<TopicPartition, Long> committed(String groupId, long deadlineMs) {
        return onCoordinator(groupId, deadlineMs, node -> {
            short[] version = new short[1];
            OffsetFetchResponseData r = channel.call(node, ApiKeys.OFFSET_FETCH, v -> {
                version[0] = v;
                if (v >= 8) {
                    return new OffsetFetchRequestData().setGroups(List.of(
                            new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId(groupId).setTopics(null)));
                }
                return new OffsetFetchRequestData().setGroupId(groupId).setTopics(null);
            }, deadlineMs);
            Map<TopicPartition, Long> out = new HashMap<>();
            if (version[0] < 8) {
                check(groupId, r.errorCode());
                for (OffsetFetchResponseData.OffsetFetchResponseTopic t : r.topics()) {
                    for (OffsetFetchResponseData.OffsetFetchResponsePartition p : t.partitions()) {
                        if (p.errorCode() == Errors.NONE.code() && p.committedOffset() >= 0) {
                            out.put(new TopicPartition(t.name(), p.partitionIndex()), p.committedOffset());
                        }
                    }
                }
                return out;
            }
            OffsetFetchResponseData.OffsetFetchResponseGroup g = r.groups().get(0);
            check(groupId, g.errorCode());
            Map<Uuid, String> names = version[0] >= 10 ? topicNames() : Map.of();
            for (OffsetFetchResponseData.OffsetFetchResponseTopics t : g.topics()) {
                String name = version[0] >= 10 ? names.get(t.topicId()) : t.name();
                for (OffsetFetchResponseData.OffsetFetchResponsePartitions p : t.partitions()) {
                    if (name != null && p.errorCode() == Errors.NONE.code() && p.committedOffset() >= 0) {
                        out.put(new TopicPartition(name, p.partitionIndex()), p.committedOffset());
                    }
                }
            }
            return out;
        });
    }

    /** OffsetCommit as an admin (no member, generation -1): the coordinator accepts it only for an Empty group. */
    private void commit(String groupId, List<OffsetChange> plan, Map<String, Uuid> ids, long deadlineMs) {
        onCoordinator(groupId, deadlineMs, node -> {
            short[] version = new short[1];
            OffsetCommitResponseData r = channel.call(node, ApiKeys.OFFSET_COMMIT, v -> {
                version[0] = v;
                OffsetCommitRequestData request = new OffsetCommitRequestData().setGroupId(groupId)
                        .setMemberId("").setGenerationIdOrMemberEpoch(-1).setGroupInstanceId(null);
                Map<String, OffsetCommitRequestData.OffsetCommitRequestTopic> byTopic = new LinkedHashMap<>();
                for (OffsetChange c : plan) {
                    String topic = c.partition().topic();
                    byTopic.computeIfAbsent(topic, n -> v >= 10
                            ? new OffsetCommitRequestData.OffsetCommitRequestTopic().setTopicId(ids.get(n))
                            : new OffsetCommitRequestData.OffsetCommitRequestTopic().setName(n))
                            .partitions().add(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                    .setPartitionIndex(c.partition().partition()).setCommittedOffset(c.newOffset()));
                }
                request.topics().addAll(byTopic.values());
                return request;
            }, deadlineMs);
            for (OffsetCommitResponseData.OffsetCommitResponseTopic t : r.topics()) {
                for (OffsetCommitResponseData.OffsetCommitResponsePartition p : t.partitions()) {
                    Errors error = Errors.forCode(p.errorCode());
                    if (error == Errors.NONE) {
                        continue;
                    }
                    if (error == Errors.UNKNOWN_MEMBER_ID || error == Errors.ILLEGAL_GENERATION
                            || error == Errors.REBALANCE_IN_PROGRESS) {
                        throw notInactive(groupId, "active (a consumer joined)");
                    }
                    String topic = version[0] >= 10 ? String.valueOf(t.topicId()) : t.name();
                    throw error.exception("Committing " + topic + "-" + p.partitionIndex() + " for group '"
                            + groupId + "': " + error.message());
                }
            }
            return null;
        });
    }

    /** Runs {@code call} on the group's coordinator, finding it again while it has moved or is loading. */
    private <T> T onCoordinator(String groupId, long deadlineMs, IntFunction<T> call) {
        return coordinators.onCoordinator(groupId, deadlineMs, call);
    }

    private static void check(String groupId, short errorCode) {
        Errors error = Errors.forCode(errorCode);
        if (error == Errors.GROUP_ID_NOT_FOUND) {
            throw new UnknownGroupException(groupId);
        }
        if (error != Errors.NONE) {
            throw error.exception("Group '" + groupId + "': " + error.message());
        }
    }

    private Map<Uuid, String> topicNames() {
        Map<Uuid, String> names = new HashMap<>();
        metadata.apply(null).topics().forEach(t -> names.put(t.topicId(), t.name()));
        return names;
    }

    /** The topics' metadata partitions; an unknown topic is {@link UnknownTopicException}. */
    private Map<String, List<MetadataResponsePartition>> partitionsOf(List<String> topics) {
        Map<String, List<MetadataResponsePartition>> out = new LinkedHashMap<>();
        if (topics.isEmpty()) {
            return out;
        }
        MetadataResponseData md = metadata.apply(topics);
        for (String name : topics) {
            MetadataResponseData.MetadataResponseTopic t = md.topics().find(name);
            if (t == null || t.errorCode() == Errors.UNKNOWN_TOPIC_OR_PARTITION.code()) {
                throw new UnknownTopicException(name);
            }
            Errors error = Errors.forCode(t.errorCode());
            if (error != Errors.NONE) {
                throw error.exception("Topic '" + name + "': " + error.message());
            }
            out.put(name, new ArrayList<>(t.partitions()));
        }
        return out;
    }

    /** Offsets at {@code timestamp} of every partition of the topics that still exist (gone ones are skipped). */
    private Map<String, Map<Integer, Long>> logOffsets(List<String> topics, long timestamp, long deadlineMs) {
        if (topics.isEmpty()) {
            return Map.of();
        }
        MetadataResponseData md = metadata.apply(topics);
        Map<String, List<MetadataResponsePartition>> existing = new LinkedHashMap<>();
        for (MetadataResponseData.MetadataResponseTopic t : md.topics()) {
            if (t.errorCode() == Errors.NONE.code()) {
                existing.put(t.name(), new ArrayList<>(t.partitions()));
            }
        }
        return ListOffsetsLookup.offsets(channel, existing, timestamp, timeoutMs, deadlineMs, metadata);
    }

    /** The partitions of a consumer-protocol assignment (empty when there is none or it cannot be read). */
    private static List<TopicPartition> assignment(byte[] bytes) {
        if (bytes == null || bytes.length < 2) {
            return List.of();
        }
        try {
            List<TopicPartition> out = new ArrayList<>(ConsumerProtocolCodec.readAssignment(bytes).partitions());
            out.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
            return List.copyOf(out);
        } catch (RuntimeException e) {
            return List.of(); // not ours to interpret (a custom protocol named "consumer")
        }
    }
}
