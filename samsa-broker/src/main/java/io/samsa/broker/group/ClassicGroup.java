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
import java.util.Collection;
import java.util.Collections;
import java.util.Objects;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.protocol.consumer.ConsumerProtocolCodec;

/**
 * One classic group: its state, generation, members and committed offsets. Bookkeeping with behaviour: the
 * operations ({@link JoinOperations}, {@link SyncOperations}, {@link MembershipOperations}, ...) decide what
 * happens on a join, a sync or a timeout and change a group only through these methods; every state change
 * is checked against {@link GroupState#validPreviousStates}. Offsets and the persisted group record change
 * only when committed records are replayed ({@link GroupStore#replay}). Owned by the coordinator thread.
 */
final class ClassicGroup {
    final String groupId;
    private GroupState state;
    private long stateTimestampMs;
    private int generationId;
    /** Set by the first member (or loaded); null for a group that only stores offsets ("simple" group). */
    private String protocolType;
    private String protocolName;
    private String leaderId;
    private final LinkedHashMap<String, ClassicGroupMember> members = new LinkedHashMap<>();
    /** Dynamic members told MEMBER_ID_REQUIRED and not yet back (KIP-394). */
    private final Set<String> pendingMembers = new HashSet<>();
    /** Members that got their JoinGroup answer but have not sent SyncGroup yet. */
    private final Set<String> pendingSyncMembers = new HashSet<>();
    /** group.instance.id → member id. */
    private final Map<String, String> staticMembers = new HashMap<>();
    private final Map<TopicPartition, CommittedOffset> offsets = new HashMap<>();
    /** Topics the members subscribe to; empty when unknown (not the consumer protocol, or unparseable). */
    private Optional<Set<String>> subscribedTopics = Optional.empty();
    /** The group record last committed to the metadata log, or null if none (kept for compaction). */
    private GroupMetadataRecord.Value persisted;
    /** The pending join timer is the initial delay (more members may come), not the rebalance timeout. */
    private boolean initialJoinDelay;
    private boolean newMemberAdded;

    ClassicGroup(String groupId, GroupState initialState, long nowMs) {
        this.groupId = groupId;
        this.state = initialState;
        this.stateTimestampMs = nowMs;
    }

    /** A group as its last committed record describes it: Stable with its members, or Empty. */
    static ClassicGroup loaded(String groupId, GroupMetadataRecord.Value v, long nowMs) {
        ClassicGroup g = new ClassicGroup(groupId, v.members().isEmpty() ? GroupState.EMPTY : GroupState.STABLE,
                v.members().isEmpty() ? v.stateTimestampMs() : nowMs);
        g.generationId = v.generationId();
        g.protocolType = v.protocolType();
        g.protocolName = v.protocolName();
        for (GroupMetadataRecord.Member pm : v.members()) {
            g.add(ClassicGroupMember.loaded(pm, v.protocolType(), v.protocolName()));
        }
        g.protocolType = v.protocolType();
        g.leaderId = v.leaderId() != null && g.members.containsKey(v.leaderId()) ? v.leaderId() : g.leaderId;
        g.persisted = v;
        g.computeSubscribedTopics();
        return g;
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

    int generationId() {
        return generationId;
    }

    String protocolType() {
        return protocolType;
    }

    String protocolName() {
        return protocolName;
    }

    String leaderId() {
        return leaderId;
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

    // ---------------------------------------------------------------- members

    ClassicGroupMember member(String memberId) {
        return members.get(memberId);
    }

    /** The members in join order (the leader's list order); unmodifiable. */
    Collection<ClassicGroupMember> members() {
        return Collections.unmodifiableCollection(members.values());
    }

    int memberCount() {
        return members.size();
    }

    boolean hasMembers() {
        return !members.isEmpty();
    }

    /** The member id holding {@code groupInstanceId}, or null. */
    String staticMemberId(String groupInstanceId) {
        return staticMembers.get(groupInstanceId);
    }

    void add(ClassicGroupMember m) {
        if (members.isEmpty()) {
            protocolType = m.protocolType();
        }
        members.put(m.memberId(), m);
        if (m.isStatic()) {
            staticMembers.put(m.groupInstanceId(), m.memberId());
        }
        if (leaderId == null) {
            leaderId = m.memberId();
        }
    }

    /** A member told MEMBER_ID_REQUIRED came back: it joins, counted as a new member of this rebalance. */
    void addNewMember(ClassicGroupMember m) {
        pendingMembers.remove(m.memberId());
        add(m);
        newMemberAdded = true;
    }

    void remove(String memberId) {
        ClassicGroupMember m = members.remove(memberId);
        if (m == null) {
            return;
        }
        if (m.isStatic() && memberId.equals(staticMembers.get(m.groupInstanceId()))) {
            staticMembers.remove(m.groupInstanceId());
        }
        pendingSyncMembers.remove(memberId);
        if (isLeader(memberId)) {
            leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
        }
    }

    /** A static member rejoined with a new member id: the old id is fenced, assignment and role carry over. */
    void replaceStaticMember(ClassicGroupMember m, String newMemberId) {
        String oldId = m.memberId();
        LinkedHashMap<String, ClassicGroupMember> reordered = new LinkedHashMap<>();
        members.forEach((id, member) -> reordered.put(id.equals(oldId) ? newMemberId : id, member));
        members.clear();
        members.putAll(reordered);
        m.renameTo(newMemberId);
        staticMembers.put(m.groupInstanceId(), newMemberId);
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
        return pendingMembers.isEmpty() && members.values().stream().allMatch(ClassicGroupMember::isAwaitingJoin);
    }

    int rebalanceTimeoutMs() {
        return members.values().stream().mapToInt(ClassicGroupMember::rebalanceTimeoutMs).max().orElse(0);
    }

    // ---------------------------------------------------------------- KIP-394 pending members, pending syncs

    void addPendingMember(String memberId) {
        pendingMembers.add(memberId);
    }

    /** True if {@code memberId} was pending (and no longer is). */
    boolean removePendingMember(String memberId) {
        return pendingMembers.remove(memberId);
    }

    boolean isPendingMember(String memberId) {
        return pendingMembers.contains(memberId);
    }

    boolean hasPendingMembers() {
        return !pendingMembers.isEmpty();
    }

    /** The next generation started: every member owes a SyncGroup. */
    void awaitSyncFromAll() {
        pendingSyncMembers.addAll(members.keySet());
    }

    void syncedBy(String memberId) {
        pendingSyncMembers.remove(memberId);
    }

    /** Members that still owe a SyncGroup, as a copy; clears the set. */
    List<String> takePendingSyncMembers() {
        List<String> out = new ArrayList<>(pendingSyncMembers);
        pendingSyncMembers.clear();
        return out;
    }

    // ---------------------------------------------------------------- rebalance

    /** Preparing a rebalance: the initial delay of an empty group gathers members before the timeout runs. */
    void startJoinPhase(boolean initialDelay) {
        initialJoinDelay = initialDelay;
        if (initialDelay) {
            newMemberAdded = false;
        }
    }

    boolean inInitialJoinDelay() {
        return initialJoinDelay;
    }

    /** Whether members arrived since the initial delay was last extended; resets the flag. */
    boolean takeNewMemberAdded() {
        boolean added = newMemberAdded;
        newMemberAdded = false;
        return added;
    }

    /** Protocols every member supports. */
    Set<String> candidateProtocols() {
        List<List<Protocol>> all = new ArrayList<>();
        members.values().forEach(m -> all.add(m.protocols()));
        return commonProtocols(all);
    }

    private static Set<String> commonProtocols(Collection<List<Protocol>> protocolLists) {
        Set<String> result = null;
        for (List<Protocol> ps : protocolLists) {
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
        if (!Objects.equals(type, protocolType)) {
            return false;
        }
        Set<String> candidates = candidateProtocols();
        return protocols.stream().anyMatch(p -> candidates.contains(p.name()));
    }

    /** Each member votes for its most preferred protocol among those all support; most votes wins. */
    String selectProtocol() {
        return selectProtocol(null, null);
    }

    /** As {@link #selectProtocol()}, with member {@code memberId} holding {@code protocols} instead of its own. */
    String selectProtocol(String memberId, List<Protocol> protocols) {
        Map<String, List<Protocol>> byMember = new LinkedHashMap<>();
        members.values().forEach(m -> byMember.put(m.memberId(), m.memberId().equals(memberId) ? protocols : m.protocols()));
        Set<String> all = commonProtocols(byMember.values());
        Map<String, Integer> votes = new LinkedHashMap<>();
        byMember.forEach((id, ps) -> votes.merge(ClassicGroupMember.vote(ps, all, id), 1, Integer::sum));
        return votes.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    /** Makes an awaiting member the leader if the leader did not rejoin; false if nobody rejoined. */
    boolean maybeElectNewJoinedLeader() {
        if (leaderId == null) {
            return false;
        }
        ClassicGroupMember leader = members.get(leaderId);
        if (leader != null && leader.isAwaitingJoin()) {
            return true;
        }
        for (ClassicGroupMember m : members.values()) {
            if (m.isAwaitingJoin()) {
                leaderId = m.memberId();
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

    /** The leader's assignment is committed: every member takes its part and the group is Stable. */
    void completeAssignment(Map<String, byte[]> assignment, long nowMs) {
        transitionTo(GroupState.STABLE, nowMs);
        for (ClassicGroupMember m : members.values()) {
            m.assign(assignment.get(m.memberId()));
            m.completeSync(new SyncResult(Errors.NONE, protocolType, protocolName, m.assignment()));
        }
    }

    /** The assignment is void (a rebalance began, or it could not be stored): held syncs get {@code error}. */
    void resetAndPropagateAssignmentError(Errors error) {
        for (ClassicGroupMember m : members.values()) {
            m.assign(new byte[0]);
            m.completeSync(SyncResult.error(error));
        }
    }

    // ---------------------------------------------------------------- persisted state (changed by replay only)

    CommittedOffset offset(TopicPartition tp) {
        return offsets.get(tp);
    }

    /** The committed offsets; unmodifiable. */
    Map<TopicPartition, CommittedOffset> offsets() {
        return Collections.unmodifiableMap(offsets);
    }

    /** Replay of a committed offset record: null removes (a tombstone). */
    void applyOffset(TopicPartition tp, CommittedOffset offset) {
        if (offset == null) {
            offsets.remove(tp);
        } else {
            offsets.put(tp, offset);
        }
    }

    GroupMetadataRecord.Value persisted() {
        return persisted;
    }

    /** Replay of a committed group record. */
    void applyPersisted(GroupMetadataRecord.Value value) {
        persisted = value;
    }

    /**
     * The group record for the current members, with {@code assignment} (member id → bytes; absent members
     * get none); {@code replaced} (old member id) is stored as {@code replacement} instead, for a static member
     * whose new id is only taken once the record is committed.
     */
    GroupMetadataRecord.Value toRecord(Map<String, byte[]> assignment, String replaced,
                                       GroupMetadataRecord.Member replacement) {
        List<GroupMetadataRecord.Member> list = new ArrayList<>();
        for (ClassicGroupMember m : members.values()) {
            if (m.memberId().equals(replaced)) {
                list.add(replacement);
            } else {
                list.add(m.toRecord(protocolName, assignment.getOrDefault(m.memberId(), new byte[0])));
            }
        }
        String leader = replaced != null && replaced.equals(leaderId) ? replacement.memberId() : leaderId;
        return new GroupMetadataRecord.Value(protocolType, generationId, protocolName, leader, stateTimestampMs, list);
    }

    /** Every member's current assignment (for a record that changes no assignment). */
    Map<String, byte[]> currentAssignment() {
        Map<String, byte[]> a = new LinkedHashMap<>();
        members.values().forEach(m -> a.put(m.memberId(), m.assignment()));
        return a;
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
                for (ClassicGroupMember m : members.values()) {
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
        for (ClassicGroupMember m : members.values()) {
            list.add(new JoinResult.Member(m.memberId(), m.groupInstanceId(), m.metadata(protocolName)));
        }
        return list;
    }
}
