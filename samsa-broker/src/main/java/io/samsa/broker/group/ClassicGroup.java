package io.samsa.broker.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.protocol.consumer.ConsumerProtocolCodec;

/**
 * One classic group: its state, generation, members and committed offsets. Pure bookkeeping; the
 * protocol (what happens on a join, a sync, a timeout) lives in {@link GroupCoordinator}. Owned by the
 * coordinator thread.
 */
final class ClassicGroup {
    final String groupId;
    private GroupState state;
    private long stateTimestampMs;
    int generationId;
    /** Set by the first member (or loaded); null for a group that only stores offsets ("simple" group). */
    String protocolType;
    String protocolName;
    String leaderId;
    final LinkedHashMap<String, GroupMember> members = new LinkedHashMap<>();
    /** Dynamic members told MEMBER_ID_REQUIRED and not yet back (KIP-394). */
    final Set<String> pendingMembers = new HashSet<>();
    /** Members that got their JoinGroup answer but have not sent SyncGroup yet. */
    final Set<String> pendingSyncMembers = new HashSet<>();
    /** group.instance.id → member id. */
    final Map<String, String> staticMembers = new HashMap<>();
    final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    /** Topics the members subscribe to; empty when unknown (not the consumer protocol, or unparseable). */
    private Optional<Set<String>> subscribedTopics = Optional.empty();
    /** The group record last written to the metadata log, or null if none (kept for compaction). */
    GroupMetadataRecord.Value persisted;

    /** The pending rebalance timer (initial delay or rebalance timeout); timers check the epoch. */
    ScheduledFuture<?> joinTimer;
    int joinTimerEpoch;
    boolean initialJoinDelay;
    boolean newMemberAdded;
    ScheduledFuture<?> pendingSyncTimer;

    ClassicGroup(String groupId, GroupState initialState, long nowMs) {
        this.groupId = groupId;
        this.state = initialState;
        this.stateTimestampMs = nowMs;
    }

    GroupState state() {
        return state;
    }

    boolean is(GroupState s) {
        return state == s;
    }

    /** When the group entered its current state (the base of offset expiry for an Empty group). */
    long stateTimestampMs() {
        return stateTimestampMs;
    }

    void transitionTo(GroupState target, long nowMs) {
        if (!target.validPreviousStates().contains(state)) {
            throw new IllegalStateException("Group " + groupId + " cannot move from " + state.kafkaName() + " to "
                    + target.kafkaName());
        }
        state = target;
        stateTimestampMs = nowMs;
    }

    boolean canRebalance() {
        return state == GroupState.STABLE || state == GroupState.COMPLETING_REBALANCE || state == GroupState.EMPTY;
    }

    boolean isLeader(String memberId) {
        return memberId.equals(leaderId);
    }

    void add(GroupMember m) {
        if (members.isEmpty()) {
            protocolType = m.protocolType;
        }
        members.put(m.memberId, m);
        if (m.isStatic()) {
            staticMembers.put(m.groupInstanceId, m.memberId);
        }
        if (leaderId == null) {
            leaderId = m.memberId;
        }
    }

    void remove(String memberId) {
        GroupMember m = members.remove(memberId);
        if (m == null) {
            return;
        }
        m.cancelHeartbeat();
        if (m.isStatic() && memberId.equals(staticMembers.get(m.groupInstanceId))) {
            staticMembers.remove(m.groupInstanceId);
        }
        pendingSyncMembers.remove(memberId);
        if (isLeader(memberId)) {
            leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
        }
    }

    /** A static member rejoined with a new member id: the old id is fenced, assignment and role carry over. */
    void replaceStaticMember(GroupMember m, String newMemberId) {
        String oldId = m.memberId;
        LinkedHashMap<String, GroupMember> reordered = new LinkedHashMap<>();
        members.forEach((id, member) -> reordered.put(id.equals(oldId) ? newMemberId : id, member));
        members.clear();
        members.putAll(reordered);
        m.memberId = newMemberId;
        staticMembers.put(m.groupInstanceId, newMemberId);
        if (pendingSyncMembers.remove(oldId)) {
            pendingSyncMembers.add(newMemberId);
        }
        if (isLeader(oldId)) {
            leaderId = newMemberId;
        }
    }

    /** FENCED_INSTANCE_ID when another member holds the instance id, UNKNOWN_MEMBER_ID when not a member. */
    Errors validateMember(String memberId, String groupInstanceId) {
        if (groupInstanceId != null) {
            String holder = staticMembers.get(groupInstanceId);
            if (holder != null && !holder.equals(memberId)) {
                return Errors.FENCED_INSTANCE_ID;
            }
        }
        return members.containsKey(memberId) ? Errors.NONE : Errors.UNKNOWN_MEMBER_ID;
    }

    boolean hasAllMembersJoined() {
        return pendingMembers.isEmpty() && members.values().stream().allMatch(m -> m.awaitingJoin != null);
    }

    int rebalanceTimeoutMs() {
        return members.values().stream().mapToInt(m -> m.rebalanceTimeoutMs).max().orElse(0);
    }

    /** Protocols every member supports (with {@code extra} counted as a member). */
    Set<String> candidateProtocols(List<Protocol> extra) {
        Set<String> result = null;
        List<List<Protocol>> all = new ArrayList<>();
        members.values().forEach(m -> all.add(m.protocols));
        if (extra != null) {
            all.add(extra);
        }
        for (List<Protocol> ps : all) {
            Set<String> names = new LinkedHashSet<>();
            ps.forEach(p -> names.add(p.name()));
            if (result == null) {
                result = names;
            } else {
                result.retainAll(names);
            }
        }
        return result == null ? Set.of() : result;
    }

    boolean supportsProtocols(String type, List<Protocol> protocols) {
        if (members.isEmpty()) {
            return type != null && !type.isEmpty() && !protocols.isEmpty();
        }
        if (!java.util.Objects.equals(type, protocolType)) {
            return false;
        }
        Set<String> candidates = candidateProtocols(null);
        return protocols.stream().anyMatch(p -> candidates.contains(p.name()));
    }

    /** Each member votes for its most preferred protocol among those all support; most votes wins. */
    String selectProtocol() {
        Set<String> candidates = candidateProtocols(null);
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (GroupMember m : members.values()) {
            votes.merge(m.vote(candidates), 1, Integer::sum);
        }
        return votes.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    /** Makes an awaiting member the leader if the leader did not rejoin; false if nobody rejoined. */
    boolean maybeElectNewJoinedLeader() {
        if (leaderId == null) {
            return false;
        }
        GroupMember leader = members.get(leaderId);
        if (leader != null && leader.awaitingJoin != null) {
            return true;
        }
        for (GroupMember m : members.values()) {
            if (m.awaitingJoin != null) {
                leaderId = m.memberId;
                return true;
            }
        }
        return false;
    }

    /** Next generation: CompletingRebalance with the chosen protocol, or Empty when nobody is left. */
    void initNextGeneration(long nowMs) {
        generationId++;
        if (members.isEmpty()) {
            protocolName = null;
            transitionTo(GroupState.EMPTY, nowMs);
        } else {
            protocolName = selectProtocol();
            transitionTo(GroupState.COMPLETING_REBALANCE, nowMs);
        }
        computeSubscribedTopics();
    }

    void computeSubscribedTopics() {
        if (!ConsumerProtocolCodec.PROTOCOL_TYPE.equals(protocolType)) {
            subscribedTopics = Optional.empty();
        } else if (members.isEmpty()) {
            subscribedTopics = Optional.of(Set.of());
        } else if (protocolName == null) {
            subscribedTopics = Optional.empty();
        } else {
            try {
                Set<String> topics = new HashSet<>();
                for (GroupMember m : members.values()) {
                    byte[] md = m.metadata(protocolName);
                    topics.addAll(ConsumerProtocolCodec.readSubscription(md).topics());
                }
                subscribedTopics = Optional.of(topics);
            } catch (RuntimeException e) {
                subscribedTopics = Optional.empty();
            }
        }
    }

    /** Whether offsets of {@code topic} are in use (an unknown subscription counts as in use for consumers). */
    boolean isSubscribedToTopic(String topic) {
        return subscribedTopics.map(t -> t.contains(topic))
                .orElse(ConsumerProtocolCodec.PROTOCOL_TYPE.equals(protocolType));
    }

    boolean usesConsumerProtocol() {
        return ConsumerProtocolCodec.PROTOCOL_TYPE.equals(protocolType);
    }

    /** The leader's view of the members, with their metadata for the chosen protocol. */
    List<JoinResult.Member> memberList() {
        List<JoinResult.Member> list = new ArrayList<>(members.size());
        for (GroupMember m : members.values()) {
            list.add(new JoinResult.Member(m.memberId, m.groupInstanceId, m.metadata(protocolName)));
        }
        return list;
    }
}
