package io.samsa.broker.group;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classic group protocol, as Kafka's GroupCoordinator runs it. Every operation and every timer runs
 * on one thread ({@code samsa-group-coordinator}), so group state needs no locks; callers get futures.
 * JoinGroup and SyncGroup futures stay pending until the rebalance (or the leader's assignment) completes.
 *
 * <p>Rebalance: a join, leave or session timeout moves the group to PreparingRebalance; the rebalance
 * completes when every known member has rejoined (or after the rebalance timeout, dropping dynamic
 * members that did not rejoin — this is how {@code max.poll.interval.ms} is enforced); the first rebalance
 * of an empty group waits {@code group.initial.rebalance.delay.ms} for more members. Then the next
 * generation starts in CompletingRebalance: every member gets its JoinGroup answer, the leader also the
 * member list; the leader's SyncGroup carries the assignments, which are persisted, handed out, and the
 * group is Stable.
 */
public final class GroupCoordinator implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);

    private final GroupCoordinatorConfig config;
    private final Clock clock;
    private final GroupMetadataLog store;
    private final ScheduledThreadPoolExecutor thread;
    /** Accessed on the coordinator thread only. */
    private final Map<String, ClassicGroup> groups = new HashMap<>();
    private long lastLiveRecords;

    private GroupCoordinator(GroupCoordinatorConfig config, Clock clock, GroupMetadataLog store) {
        this.config = config;
        this.clock = clock;
        this.store = store;
        this.thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "samsa-group-coordinator");
            t.setDaemon(true);
            return t;
        });
        thread.setRemoveOnCancelPolicy(true);
    }

    /** Opens the metadata log under {@code metaDir}, reloads groups and offsets, and starts the timers. */
    public static GroupCoordinator open(Path metaDir, GroupCoordinatorConfig config, Clock clock) throws IOException {
        GroupMetadataLog store = GroupMetadataLog.open(metaDir, clock);
        GroupCoordinator c = new GroupCoordinator(config, clock, store);
        try {
            c.call(() -> {
                c.load();
                return null;
            }).get();
        } catch (Exception e) {
            c.close();
            throw new IOException("Could not load the group metadata log", e);
        }
        c.thread.scheduleWithFixedDelay(c::guardedCleanup, config.offsetsRetentionCheckIntervalMs(),
                config.offsetsRetentionCheckIntervalMs(), TimeUnit.MILLISECONDS);
        return c;
    }

    // ---------------------------------------------------------------- membership

    public CompletableFuture<JoinResult> joinGroup(JoinRequest request) {
        return call(() -> doJoin(request)).thenCompose(f -> f);
    }

    public CompletableFuture<SyncResult> syncGroup(SyncRequest request) {
        return call(() -> doSync(request)).thenCompose(f -> f);
    }

    public CompletableFuture<Errors> heartbeat(String groupId, String memberId, String groupInstanceId,
                                               int generationId) {
        return call(() -> doHeartbeat(groupId, memberId, groupInstanceId, generationId));
    }

    /** Removes the members named (by member id, or by group.instance.id with an empty member id). */
    public CompletableFuture<LeaveResult> leaveGroup(String groupId, List<MemberIdentity> leaving) {
        return call(() -> doLeave(groupId, leaving));
    }

    /** A LeaveGroup's answer: a group-level error, and one per member. */
    public record LeaveResult(Errors error, List<MemberIdentity> members) {
    }

    // ---------------------------------------------------------------- offsets

    /**
     * Commits offsets (the caller has already dropped partitions of unknown topics). Group-level failures
     * (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS, ...) are reported for every partition.
     *
     * @param groupIdNotFoundIfUnknown OffsetCommit v9+: a member commit to an unknown group is GROUP_ID_NOT_FOUND
     */
    public CompletableFuture<Map<TopicPartition, Errors>> commitOffsets(String groupId, String memberId,
            String groupInstanceId, int generationId, Map<TopicPartition, OffsetAndMetadata> offsets,
            boolean groupIdNotFoundIfUnknown) {
        return call(() -> doCommit(groupId, memberId, groupInstanceId, generationId, offsets, groupIdNotFoundIfUnknown));
    }

    /** Committed offsets of the group: of {@code partitions}, or all when null. Missing ones are absent. */
    public CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> fetchOffsets(String groupId,
            Collection<TopicPartition> partitions) {
        return call(() -> {
            ClassicGroup group = groups.get(groupId);
            Map<TopicPartition, OffsetAndMetadata> out = new LinkedHashMap<>();
            if (group == null) {
                return out;
            }
            if (partitions == null) {
                out.putAll(group.offsets);
            } else {
                for (TopicPartition tp : partitions) {
                    OffsetAndMetadata o = group.offsets.get(tp);
                    if (o != null) {
                        out.put(tp, o);
                    }
                }
            }
            return out;
        });
    }

    /** OffsetDelete: a group-level error, or per-partition errors. */
    public record OffsetDeleteResult(Errors error, Map<TopicPartition, Errors> partitions) {
    }

    public CompletableFuture<OffsetDeleteResult> deleteOffsets(String groupId, Collection<TopicPartition> partitions) {
        return call(() -> doDeleteOffsets(groupId, partitions));
    }

    // ---------------------------------------------------------------- administration

    public CompletableFuture<List<GroupOverview>> listGroups() {
        return call(() -> {
            List<GroupOverview> out = new ArrayList<>();
            for (ClassicGroup g : groups.values()) {
                out.add(new GroupOverview(g.groupId, g.protocolType == null ? "" : g.protocolType, g.state()));
            }
            return out;
        });
    }

    /** Empty when the group does not exist. */
    public CompletableFuture<Optional<GroupDescription>> describeGroup(String groupId) {
        return call(() -> Optional.ofNullable(groups.get(groupId)).map(this::describe));
    }

    public CompletableFuture<Map<String, Errors>> deleteGroups(Collection<String> groupIds) {
        return call(() -> {
            Map<String, Errors> out = new LinkedHashMap<>();
            for (String id : groupIds) {
                ClassicGroup g = groups.get(id);
                if (id == null || id.isEmpty()) {
                    out.put(id, Errors.INVALID_GROUP_ID);
                } else if (g == null || g.is(GroupState.DEAD)) {
                    out.put(id, Errors.GROUP_ID_NOT_FOUND);
                } else if (!g.is(GroupState.EMPTY)) {
                    out.put(id, Errors.NON_EMPTY_GROUP);
                } else {
                    try {
                        deleteGroup(g);
                        out.put(id, Errors.NONE);
                    } catch (RuntimeException e) {
                        log.error("Deleting group {} failed", id, e);
                        out.put(id, Errors.forException(e));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Removes the committed offsets of deleted topics from every group, as Kafka's coordinator does when
     * partitions are deleted: tombstones go through the group log first, so the removal survives a restart, and
     * a group reading a re-created topic of the same name starts from {@code auto.offset.reset}. An Empty group
     * left without offsets is deleted. Completes with the number of offsets removed once they are written.
     */
    public CompletableFuture<Integer> onTopicsDeleted(Collection<String> topics) {
        Set<String> deleted = Set.copyOf(topics);
        return call(() -> removeOffsetsOfTopics(deleted::contains));
    }

    /**
     * At start: removes offsets of topics that do not exist (a deletion cut short between the topic and its
     * offsets; commits are only accepted for existing topics, so no other offsets can name a missing topic).
     */
    public CompletableFuture<Integer> removeOffsetsOfMissingTopics(Predicate<String> topicExists) {
        return call(() -> removeOffsetsOfTopics(topicExists.negate()));
    }

    /** Runs one offset-retention pass now (normally every offsets.retention.check.interval.ms). */
    public CompletableFuture<Integer> cleanupExpiredOffsets() {
        return call(this::doCleanup);
    }

    @Override
    public void close() throws IOException {
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }

    // ================================================================ on the coordinator thread

    private <T> CompletableFuture<T> call(Callable<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                try {
                    f.complete(task.call());
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(new CoordinatorNotAvailableException("The group coordinator is shut down"));
        }
        return f;
    }

    private void schedule(Runnable task, long delayMs) {
        thread.schedule(() -> guarded(task), delayMs, TimeUnit.MILLISECONDS);
    }

    private static void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.error("Group coordinator timer failed", e);
        }
    }

    private long now() {
        return clock.millis();
    }

    private static CompletableFuture<JoinResult> joinError(String memberId, Errors error) {
        return CompletableFuture.completedFuture(JoinResult.error(memberId, error));
    }

    private CompletableFuture<JoinResult> doJoin(JoinRequest r) {
        String memberId = r.memberId() == null ? "" : r.memberId();
        if (r.groupId() == null || r.groupId().isEmpty()) {
            return joinError(memberId, Errors.INVALID_GROUP_ID);
        }
        if (r.sessionTimeoutMs() < config.minSessionTimeoutMs() || r.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
            return joinError(memberId, Errors.INVALID_SESSION_TIMEOUT);
        }
        boolean unknownMember = memberId.isEmpty();
        ClassicGroup group = groups.get(r.groupId());
        if (group == null) {
            if (!unknownMember) {
                return joinError(memberId, Errors.UNKNOWN_MEMBER_ID);
            }
            if (r.protocolType() == null || r.protocolType().isEmpty() || r.protocols().isEmpty()) {
                return joinError(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL);
            }
            group = new ClassicGroup(r.groupId(), GroupState.EMPTY, now());
            groups.put(r.groupId(), group);
        }
        if (group.is(GroupState.DEAD)) {
            return joinError(memberId, Errors.COORDINATOR_NOT_AVAILABLE);
        }
        if (!group.supportsProtocols(r.protocolType(), r.protocols())) {
            return joinError(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL);
        }
        CompletableFuture<JoinResult> result = unknownMember ? joinAsNewMember(group, r) : joinAsKnownMember(group, r);
        if (group.is(GroupState.PREPARING_REBALANCE)) {
            tryCompleteJoin(group);
        }
        return result;
    }

    private CompletableFuture<JoinResult> joinAsNewMember(ClassicGroup group, JoinRequest r) {
        if (group.members.size() >= config.maxGroupSize()) {
            return joinError("", Errors.GROUP_MAX_SIZE_REACHED);
        }
        String prefix = r.groupInstanceId() != null ? r.groupInstanceId() : r.clientId();
        String newMemberId = prefix + "-" + UUID.randomUUID();
        if (r.groupInstanceId() != null) {
            String existing = group.staticMembers.get(r.groupInstanceId());
            if (existing != null) {
                return replaceStaticMember(group, group.members.get(existing), newMemberId, r);
            }
            return addMemberAndRebalance(group, newMemberId, r);
        }
        if (r.requireKnownMemberId()) {
            // KIP-394: the member must come back with this id; until then it holds up the rebalance.
            group.pendingMembers.add(newMemberId);
            ClassicGroup g = group;
            schedule(() -> expirePendingMember(g, newMemberId), r.sessionTimeoutMs());
            return joinError(newMemberId, Errors.MEMBER_ID_REQUIRED);
        }
        return addMemberAndRebalance(group, newMemberId, r);
    }

    private CompletableFuture<JoinResult> joinAsKnownMember(ClassicGroup group, JoinRequest r) {
        String memberId = r.memberId();
        if (group.pendingMembers.contains(memberId)) {
            return addMemberAndRebalance(group, memberId, r);
        }
        Errors error = group.validateMember(memberId, r.groupInstanceId());
        if (error == Errors.NONE && r.groupInstanceId() != null && !group.staticMembers.containsKey(r.groupInstanceId())) {
            error = Errors.UNKNOWN_MEMBER_ID;
        }
        if (error != Errors.NONE) {
            return joinError(memberId, error);
        }
        GroupMember m = group.members.get(memberId);
        switch (group.state()) {
            case PREPARING_REBALANCE:
                return updateMemberAndRebalance(group, m, r);
            case COMPLETING_REBALANCE:
                if (m.sameProtocols(r.protocols())) {
                    // The member lost our answer: send it again.
                    return CompletableFuture.completedFuture(joinResultFor(group, m, false));
                }
                return updateMemberAndRebalance(group, m, r);
            case STABLE:
                if (group.isLeader(memberId) || !m.sameProtocols(r.protocols())) {
                    return updateMemberAndRebalance(group, m, r);
                }
                return CompletableFuture.completedFuture(joinResultFor(group, m, false));
            default:
                return joinError(memberId, Errors.UNKNOWN_MEMBER_ID);
        }
    }

    private JoinResult joinResultFor(ClassicGroup group, GroupMember m, boolean skipAssignment) {
        boolean leader = group.isLeader(m.memberId);
        return new JoinResult(Errors.NONE, m.memberId, group.generationId, group.protocolType, group.protocolName,
                group.leaderId, skipAssignment, leader ? group.memberList() : List.of());
    }

    private CompletableFuture<JoinResult> addMemberAndRebalance(ClassicGroup group, String memberId, JoinRequest r) {
        GroupMember m = new GroupMember(memberId, r.groupInstanceId(), r.clientId(), r.clientHost(),
                r.rebalanceTimeoutMs(), r.sessionTimeoutMs(), r.protocolType(), r.protocols());
        m.supportsSkipAssignment = r.supportsSkipAssignment();
        m.isNew = true;
        CompletableFuture<JoinResult> f = new CompletableFuture<>();
        m.awaitingJoin = f;
        group.pendingMembers.remove(memberId);
        group.add(m);
        group.newMemberAdded = true;
        scheduleHeartbeatExpiry(group, m);
        maybePrepareRebalance(group, "Adding new member " + memberId + " with group instance id "
                + r.groupInstanceId() + "; client reason: " + r.reason());
        return f;
    }

    private CompletableFuture<JoinResult> updateMemberAndRebalance(ClassicGroup group, GroupMember m, JoinRequest r) {
        m.protocols = List.copyOf(r.protocols());
        m.rebalanceTimeoutMs = r.rebalanceTimeoutMs();
        m.sessionTimeoutMs = r.sessionTimeoutMs();
        m.clientId = r.clientId();
        m.clientHost = r.clientHost();
        m.supportsSkipAssignment = r.supportsSkipAssignment();
        // A second JoinGroup while one is held: the client gave up on the first.
        m.completeJoin(JoinResult.error(m.memberId, Errors.REBALANCE_IN_PROGRESS));
        CompletableFuture<JoinResult> f = new CompletableFuture<>();
        m.awaitingJoin = f;
        maybePrepareRebalance(group, "Updating metadata for member " + m.memberId + " during " + group.state().kafkaName()
                + "; client reason: " + r.reason());
        return f;
    }

    /** KIP-345: a known group.instance.id joined with no member id; the old id is fenced. */
    private CompletableFuture<JoinResult> replaceStaticMember(ClassicGroup group, GroupMember m, String newMemberId,
                                                              JoinRequest r) {
        String oldMemberId = m.memberId;
        m.completeJoin(JoinResult.error(oldMemberId, Errors.FENCED_INSTANCE_ID));
        m.completeSync(SyncResult.error(Errors.FENCED_INSTANCE_ID));
        List<Protocol> oldProtocols = m.protocols;
        group.replaceStaticMember(m, newMemberId);
        m.protocols = List.copyOf(r.protocols());
        m.rebalanceTimeoutMs = r.rebalanceTimeoutMs();
        m.sessionTimeoutMs = r.sessionTimeoutMs();
        m.clientId = r.clientId();
        m.clientHost = r.clientHost();
        m.supportsSkipAssignment = r.supportsSkipAssignment();
        CompletableFuture<JoinResult> f = new CompletableFuture<>();
        m.awaitingJoin = f;
        scheduleHeartbeatExpiry(group, m);
        log.info("Static member {} of group {} rejoined: member id {} replaces {}", m.groupInstanceId, group.groupId,
                newMemberId, oldMemberId);
        switch (group.state()) {
            case STABLE -> {
                if (group.protocolName != null && group.selectProtocol().equals(group.protocolName)) {
                    // Same protocol: no rebalance; the member carries on with its assignment.
                    try {
                        persistGroup(group, currentAssignment(group));
                    } catch (RuntimeException e) {
                        m.protocols = oldProtocols;
                        group.replaceStaticMember(m, oldMemberId);
                        m.awaitingJoin = null;
                        return joinError("", Errors.forException(e));
                    }
                    boolean leader = group.isLeader(newMemberId);
                    m.completeJoin(joinResultFor(group, m, leader && m.supportsSkipAssignment));
                } else {
                    maybePrepareRebalance(group, "Static member " + m.groupInstanceId + " changed its protocols");
                }
            }
            // Its old id may already be in the leader's member list: the assignment would not match.
            case COMPLETING_REBALANCE -> prepareRebalance(group, "Static member " + m.groupInstanceId + " rejoined");
            default -> { } // PreparingRebalance: it simply waits with the others.
        }
        return f;
    }

    private void maybePrepareRebalance(ClassicGroup group, String reason) {
        if (group.canRebalance()) {
            prepareRebalance(group, reason);
        }
    }

    private void prepareRebalance(ClassicGroup group, String reason) {
        if (group.is(GroupState.COMPLETING_REBALANCE)) {
            resetAndPropagateAssignmentError(group, Errors.REBALANCE_IN_PROGRESS);
        }
        cancelPendingSync(group);
        boolean initial = group.is(GroupState.EMPTY);
        group.transitionTo(GroupState.PREPARING_REBALANCE, now());
        log.info("Preparing to rebalance group {} (generation {}): {}", group.groupId, group.generationId, reason);
        if (initial) {
            group.newMemberAdded = false;
            int delay = config.initialRebalanceDelayMs();
            scheduleJoinTimer(group, delay, true, Math.max(group.rebalanceTimeoutMs() - delay, 0));
        } else {
            scheduleJoinTimer(group, group.rebalanceTimeoutMs(), false, 0);
        }
    }

    private void scheduleJoinTimer(ClassicGroup group, long delayMs, boolean initial, long remainingMs) {
        cancelJoinTimer(group);
        int epoch = group.joinTimerEpoch;
        group.initialJoinDelay = initial;
        group.joinTimer = thread.schedule(() -> guarded(() -> onJoinTimer(group, epoch, remainingMs)), delayMs,
                TimeUnit.MILLISECONDS);
    }

    private void cancelJoinTimer(ClassicGroup group) {
        group.joinTimerEpoch++;
        if (group.joinTimer != null) {
            group.joinTimer.cancel(false);
            group.joinTimer = null;
        }
    }

    private void onJoinTimer(ClassicGroup group, int epoch, long remainingMs) {
        if (group.joinTimerEpoch != epoch || groups.get(group.groupId) != group) {
            return;
        }
        group.joinTimer = null;
        if (group.initialJoinDelay && group.newMemberAdded && remainingMs > 0) {
            // More members arrived during the initial delay: wait again, within the rebalance timeout.
            group.newMemberAdded = false;
            long delay = Math.min(config.initialRebalanceDelayMs(), remainingMs);
            scheduleJoinTimer(group, delay, true, Math.max(remainingMs - delay, 0));
            return;
        }
        completeJoin(group);
    }

    /** Completes the rebalance early once everybody rejoined (not during the initial delay). */
    private void tryCompleteJoin(ClassicGroup group) {
        if (group.is(GroupState.PREPARING_REBALANCE) && !group.initialJoinDelay && group.hasAllMembersJoined()) {
            completeJoin(group);
        }
    }

    private void completeJoin(ClassicGroup group) {
        if (!group.is(GroupState.PREPARING_REBALANCE)) {
            return;
        }
        cancelJoinTimer(group);
        for (GroupMember m : new ArrayList<>(group.members.values())) {
            if (m.awaitingJoin == null && !m.isStatic()) {
                log.info("Member {} of group {} did not rejoin within the rebalance timeout; removing it",
                        m.memberId, group.groupId);
                m.completeSync(SyncResult.error(Errors.UNKNOWN_MEMBER_ID));
                group.remove(m.memberId);
            }
        }
        if (!group.maybeElectNewJoinedLeader() && !group.members.isEmpty()) {
            // Only static members that did not rejoin are left: wait for them or their session timeouts.
            log.warn("Group {} could not complete its rebalance: no member rejoined", group.groupId);
            scheduleJoinTimer(group, Math.max(group.rebalanceTimeoutMs(), 1), false, 0);
            return;
        }
        group.initNextGeneration(now());
        if (group.is(GroupState.EMPTY)) {
            log.info("Group {} with generation {} is now empty", group.groupId, group.generationId);
            try {
                persistGroup(group, Map.of());
            } catch (RuntimeException e) {
                log.error("Could not persist empty group {}", group.groupId, e);
            }
            return;
        }
        log.info("Stabilized group {} generation {} with {} members, protocol {}, leader {}", group.groupId,
                group.generationId, group.members.size(), group.protocolName, group.leaderId);
        for (GroupMember m : group.members.values()) {
            if (m.awaitingJoin != null) {
                m.completeJoin(joinResultFor(group, m, false));
                m.isNew = false;
                scheduleHeartbeatExpiry(group, m);
            }
            group.pendingSyncMembers.add(m.memberId);
        }
        int generation = group.generationId;
        group.pendingSyncTimer = thread.schedule(() -> guarded(() -> expirePendingSync(group, generation)),
                Math.max(group.rebalanceTimeoutMs(), 1), TimeUnit.MILLISECONDS);
    }

    private void cancelPendingSync(ClassicGroup group) {
        group.pendingSyncMembers.clear();
        if (group.pendingSyncTimer != null) {
            group.pendingSyncTimer.cancel(false);
            group.pendingSyncTimer = null;
        }
    }

    /** Members that got their JoinGroup answer but never synced within the rebalance timeout are removed. */
    private void expirePendingSync(ClassicGroup group, int generation) {
        if (groups.get(group.groupId) != group || group.generationId != generation
                || !(group.is(GroupState.COMPLETING_REBALANCE) || group.is(GroupState.STABLE))) {
            return;
        }
        for (String memberId : new ArrayList<>(group.pendingSyncMembers)) {
            GroupMember m = group.members.get(memberId);
            if (m != null) {
                removeMemberAndUpdateGroup(group, m, "did not sync within the rebalance timeout");
            }
        }
        group.pendingSyncMembers.clear();
    }

    private void expirePendingMember(ClassicGroup group, String memberId) {
        if (group.pendingMembers.remove(memberId)) {
            log.debug("Pending member {} of group {} did not rejoin in time", memberId, group.groupId);
            tryCompleteJoin(group);
        }
    }

    private CompletableFuture<SyncResult> doSync(SyncRequest r) {
        ClassicGroup group = groups.get(r.groupId());
        if (group == null) {
            return syncError(Errors.UNKNOWN_MEMBER_ID);
        }
        if (group.is(GroupState.DEAD)) {
            return syncError(Errors.COORDINATOR_NOT_AVAILABLE);
        }
        Errors error = group.validateMember(r.memberId(), r.groupInstanceId());
        if (error != Errors.NONE) {
            return syncError(error);
        }
        if (r.generationId() != group.generationId) {
            return syncError(Errors.ILLEGAL_GENERATION);
        }
        if ((r.protocolType() != null && !r.protocolType().equals(group.protocolType))
                || (r.protocolName() != null && !r.protocolName().equals(group.protocolName))) {
            return syncError(Errors.INCONSISTENT_GROUP_PROTOCOL);
        }
        GroupMember m = group.members.get(r.memberId());
        switch (group.state()) {
            case EMPTY:
                return syncError(Errors.UNKNOWN_MEMBER_ID);
            case PREPARING_REBALANCE:
                return syncError(Errors.REBALANCE_IN_PROGRESS);
            case COMPLETING_REBALANCE: {
                m.completeSync(SyncResult.error(Errors.REBALANCE_IN_PROGRESS));
                CompletableFuture<SyncResult> f = new CompletableFuture<>();
                m.awaitingSync = f;
                group.pendingSyncMembers.remove(m.memberId);
                scheduleHeartbeatExpiry(group, m);
                if (group.isLeader(m.memberId)) {
                    Map<String, byte[]> assignment = new LinkedHashMap<>();
                    for (String id : group.members.keySet()) {
                        byte[] a = r.assignments().get(id);
                        assignment.put(id, a == null ? new byte[0] : a);
                    }
                    try {
                        persistGroup(group, assignment);
                    } catch (RuntimeException e) {
                        log.error("Could not persist the assignment of group {}", group.groupId, e);
                        resetAndPropagateAssignmentError(group, Errors.COORDINATOR_NOT_AVAILABLE);
                        maybePrepareRebalance(group, "the assignment could not be persisted");
                        return f;
                    }
                    group.transitionTo(GroupState.STABLE, now());
                    for (GroupMember member : group.members.values()) {
                        member.assignment = assignment.get(member.memberId);
                        member.completeSync(new SyncResult(Errors.NONE, group.protocolType, group.protocolName,
                                member.assignment));
                    }
                    log.info("Group {} generation {} is stable", group.groupId, group.generationId);
                }
                return f;
            }
            case STABLE:
                group.pendingSyncMembers.remove(m.memberId);
                scheduleHeartbeatExpiry(group, m);
                return CompletableFuture.completedFuture(new SyncResult(Errors.NONE, group.protocolType,
                        group.protocolName, m.assignment));
            default:
                return syncError(Errors.COORDINATOR_NOT_AVAILABLE);
        }
    }

    private static CompletableFuture<SyncResult> syncError(Errors error) {
        return CompletableFuture.completedFuture(SyncResult.error(error));
    }

    private void resetAndPropagateAssignmentError(ClassicGroup group, Errors error) {
        for (GroupMember m : group.members.values()) {
            m.assignment = new byte[0];
            m.completeSync(SyncResult.error(error));
        }
    }

    private Errors doHeartbeat(String groupId, String memberId, String groupInstanceId, int generationId) {
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (group.is(GroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        Errors error = group.validateMember(memberId, groupInstanceId);
        if (error != Errors.NONE) {
            return error;
        }
        if (generationId != group.generationId) {
            return Errors.ILLEGAL_GENERATION;
        }
        GroupMember m = group.members.get(memberId);
        switch (group.state()) {
            case COMPLETING_REBALANCE, STABLE -> {
                scheduleHeartbeatExpiry(group, m);
                return Errors.NONE;
            }
            case PREPARING_REBALANCE -> {
                scheduleHeartbeatExpiry(group, m);
                return Errors.REBALANCE_IN_PROGRESS;
            }
            default -> {
                return Errors.UNKNOWN_MEMBER_ID;
            }
        }
    }

    private LeaveResult doLeave(String groupId, List<MemberIdentity> leaving) {
        ClassicGroup group = groups.get(groupId);
        List<MemberIdentity> out = new ArrayList<>();
        if (group == null) {
            leaving.forEach(l -> out.add(new MemberIdentity(l.memberId(), l.groupInstanceId(), Errors.UNKNOWN_MEMBER_ID)));
            return new LeaveResult(Errors.NONE, out);
        }
        if (group.is(GroupState.DEAD)) {
            return new LeaveResult(Errors.COORDINATOR_NOT_AVAILABLE, List.of());
        }
        for (MemberIdentity l : leaving) {
            String memberId = l.memberId() == null ? "" : l.memberId();
            Errors error;
            if (memberId.isEmpty() && l.groupInstanceId() != null) {
                String holder = group.staticMembers.get(l.groupInstanceId());
                if (holder == null) {
                    error = Errors.UNKNOWN_MEMBER_ID;
                } else {
                    removeMemberAndUpdateGroup(group, group.members.get(holder), "static member left (by instance id)");
                    error = Errors.NONE;
                }
            } else if (group.pendingMembers.remove(memberId)) {
                tryCompleteJoin(group);
                error = Errors.NONE;
            } else {
                error = group.validateMember(memberId, l.groupInstanceId());
                if (error == Errors.NONE) {
                    removeMemberAndUpdateGroup(group, group.members.get(memberId), "member left the group");
                }
            }
            out.add(new MemberIdentity(memberId, l.groupInstanceId(), error));
        }
        return new LeaveResult(Errors.NONE, out);
    }

    private void removeMemberAndUpdateGroup(ClassicGroup group, GroupMember m, String reason) {
        m.completeJoin(JoinResult.error(m.memberId, Errors.UNKNOWN_MEMBER_ID));
        m.completeSync(SyncResult.error(Errors.UNKNOWN_MEMBER_ID));
        group.remove(m.memberId);
        log.info("Member {} removed from group {}: {}", m.memberId, group.groupId, reason);
        switch (group.state()) {
            case STABLE, COMPLETING_REBALANCE -> {
                maybePrepareRebalance(group, "removing member " + m.memberId + ": " + reason);
                // The last member gone (or all others already rejoined): complete now, not at the join timer.
                tryCompleteJoin(group);
            }
            case PREPARING_REBALANCE -> tryCompleteJoin(group);
            default -> { }
        }
    }

    /** (Re)arms the member's session timer; new members awaiting their first join get the longer timeout. */
    private void scheduleHeartbeatExpiry(ClassicGroup group, GroupMember m) {
        m.cancelHeartbeat();
        long timeout = m.isNew ? config.newMemberJoinTimeoutMs() : m.sessionTimeoutMs;
        m.heartbeatTimer = thread.schedule(() -> guarded(() -> onHeartbeatExpired(group, m)), timeout,
                TimeUnit.MILLISECONDS);
    }

    private void onHeartbeatExpired(ClassicGroup group, GroupMember m) {
        if (groups.get(group.groupId) != group || group.members.get(m.memberId) != m) {
            return;
        }
        m.heartbeatTimer = null;
        if (!m.isNew && (m.awaitingJoin != null || m.awaitingSync != null)) {
            // Waiting for us is as good as heartbeating.
            scheduleHeartbeatExpiry(group, m);
            return;
        }
        removeMemberAndUpdateGroup(group, m, "session timeout of " + m.sessionTimeoutMs + " ms expired");
    }

    // ---------------------------------------------------------------- offsets, on the coordinator thread

    private Map<TopicPartition, Errors> doCommit(String groupId, String memberId, String groupInstanceId,
            int generationId, Map<TopicPartition, OffsetAndMetadata> offsets, boolean groupIdNotFoundIfUnknown) {
        memberId = memberId == null ? "" : memberId;
        if (groupId == null || groupId.isEmpty()) {
            return all(offsets.keySet(), Errors.INVALID_GROUP_ID);
        }
        ClassicGroup group = groups.get(groupId);
        boolean created = false;
        if (group == null) {
            if (generationId >= 0 || !memberId.isEmpty() || groupInstanceId != null) {
                return all(offsets.keySet(), groupIdNotFoundIfUnknown ? Errors.GROUP_ID_NOT_FOUND : Errors.ILLEGAL_GENERATION);
            }
            // A consumer that assigns partitions itself and keeps its offsets here ("simple" group).
            group = new ClassicGroup(groupId, GroupState.EMPTY, now());
            groups.put(groupId, group);
            created = true;
        }
        Errors error = validateOffsetCommit(group, memberId, groupInstanceId, generationId);
        if (error != Errors.NONE) {
            return all(offsets.keySet(), error);
        }
        GroupMember member = group.members.get(memberId);
        if (member != null && (group.is(GroupState.STABLE) || group.is(GroupState.PREPARING_REBALANCE))) {
            scheduleHeartbeatExpiry(group, member);
        }
        Map<TopicPartition, Errors> result = new LinkedHashMap<>();
        List<GroupMetadataRecord.Offset> records = new ArrayList<>();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
            String md = e.getValue().metadata();
            if (md != null && md.length() > config.offsetMetadataMaxBytes()) {
                result.put(e.getKey(), Errors.OFFSET_METADATA_TOO_LARGE);
            } else {
                result.put(e.getKey(), Errors.NONE);
                records.add(new GroupMetadataRecord.Offset(groupId, e.getKey(), e.getValue()));
            }
        }
        try {
            store.append(records);
        } catch (RuntimeException e) {
            log.error("Could not append offset commits of group {}", groupId, e);
            if (created && group.offsets.isEmpty()) {
                groups.remove(groupId);
            }
            return all(offsets.keySet(), Errors.COORDINATOR_NOT_AVAILABLE);
        }
        for (GroupMetadataRecord.Offset r : records) {
            group.offsets.put(r.partition(), r.offset());
        }
        maybeCompact();
        return result;
    }

    private static Errors validateOffsetCommit(ClassicGroup group, String memberId, String groupInstanceId,
                                               int generationId) {
        if (group.is(GroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        if (generationId < 0 && group.is(GroupState.EMPTY)) {
            return Errors.NONE; // admin tools and consumers without group management
        }
        if (generationId >= 0 || !memberId.isEmpty() || groupInstanceId != null) {
            Errors e = group.validateMember(memberId, groupInstanceId);
            if (e != Errors.NONE) {
                return e;
            }
            if (generationId != group.generationId) {
                return Errors.ILLEGAL_GENERATION;
            }
        } else if (!group.is(GroupState.EMPTY)) {
            return Errors.UNKNOWN_MEMBER_ID; // only members may commit to a group with members
        }
        if (group.is(GroupState.COMPLETING_REBALANCE)) {
            // A valid member that has not synced yet: let it finish the rebalance first.
            return Errors.REBALANCE_IN_PROGRESS;
        }
        return Errors.NONE;
    }

    private static Map<TopicPartition, Errors> all(Collection<TopicPartition> partitions, Errors error) {
        Map<TopicPartition, Errors> out = new LinkedHashMap<>();
        partitions.forEach(tp -> out.put(tp, error));
        return out;
    }

    private OffsetDeleteResult doDeleteOffsets(String groupId, Collection<TopicPartition> partitions) {
        ClassicGroup group = groups.get(groupId);
        if (group == null || group.is(GroupState.DEAD)) {
            return new OffsetDeleteResult(Errors.GROUP_ID_NOT_FOUND, Map.of());
        }
        if (!group.is(GroupState.EMPTY) && !group.usesConsumerProtocol()) {
            return new OffsetDeleteResult(Errors.NON_EMPTY_GROUP, Map.of());
        }
        Map<TopicPartition, Errors> result = new LinkedHashMap<>();
        List<GroupMetadataRecord.Offset> tombstones = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            if (!group.is(GroupState.EMPTY) && group.isSubscribedToTopic(tp.topic())) {
                result.put(tp, Errors.GROUP_SUBSCRIBED_TO_TOPIC);
            } else {
                result.put(tp, Errors.NONE);
                if (group.offsets.containsKey(tp)) {
                    tombstones.add(new GroupMetadataRecord.Offset(groupId, tp, null));
                }
            }
        }
        store.append(tombstones);
        tombstones.forEach(t -> group.offsets.remove(t.partition()));
        return new OffsetDeleteResult(Errors.NONE, result);
    }

    // ---------------------------------------------------------------- retention, deletion, persistence

    private void guardedCleanup() {
        try {
            doCleanup();
        } catch (RuntimeException e) {
            log.error("Offset retention pass failed", e);
        }
    }

    /**
     * Kafka's rule (KIP-211): offsets of an Empty consumer group expire once {@code offsets.retention.minutes}
     * passed since the group became empty; those of a group without a protocol (simple commits) or of a
     * Stable group's topics it no longer subscribes to, that long after their commit; an explicit expiry
     * time (OffsetCommit v2–4) wins. An Empty group left without offsets is deleted.
     */
    private int doCleanup() {
        long now = now();
        int expiredCount = 0;
        for (ClassicGroup group : new ArrayList<>(groups.values())) {
            boolean empty = group.is(GroupState.EMPTY);
            boolean simple = group.protocolType == null || group.protocolType.isEmpty();
            boolean stableConsumer = group.usesConsumerProtocol() && group.is(GroupState.STABLE);
            List<GroupMetadataRecord.Offset> tombstones = new ArrayList<>();
            if (empty || simple || stableConsumer) {
                for (Map.Entry<TopicPartition, OffsetAndMetadata> e : group.offsets.entrySet()) {
                    OffsetAndMetadata o = e.getValue();
                    if (!empty && group.isSubscribedToTopic(e.getKey().topic())) {
                        continue;
                    }
                    long base = empty && !simple ? group.stateTimestampMs() : o.commitTimestampMs();
                    boolean expired = o.expireTimestampMs() >= 0 ? now >= o.expireTimestampMs()
                            : now - base >= config.offsetsRetentionMs();
                    if (expired) {
                        tombstones.add(new GroupMetadataRecord.Offset(group.groupId, e.getKey(), null));
                    }
                }
            }
            if (!tombstones.isEmpty()) {
                store.append(tombstones);
                tombstones.forEach(t -> group.offsets.remove(t.partition()));
                expiredCount += tombstones.size();
                log.info("Expired {} offsets of group {}", tombstones.size(), group.groupId);
            }
            if (empty && group.offsets.isEmpty() && group.pendingMembers.isEmpty()) {
                deleteGroup(group);
            }
        }
        maybeCompact();
        return expiredCount;
    }

    private int removeOffsetsOfTopics(Predicate<String> deleted) {
        int removed = 0;
        for (ClassicGroup group : new ArrayList<>(groups.values())) {
            List<GroupMetadataRecord.Offset> tombstones = new ArrayList<>();
            for (TopicPartition tp : group.offsets.keySet()) {
                if (deleted.test(tp.topic())) {
                    tombstones.add(new GroupMetadataRecord.Offset(group.groupId, tp, null));
                }
            }
            if (tombstones.isEmpty()) {
                continue;
            }
            store.append(tombstones);
            tombstones.forEach(t -> group.offsets.remove(t.partition()));
            removed += tombstones.size();
            log.info("Removed {} offsets of deleted topics from group {}", tombstones.size(), group.groupId);
            if (group.is(GroupState.EMPTY) && group.offsets.isEmpty() && group.pendingMembers.isEmpty()) {
                deleteGroup(group);
            }
        }
        return removed;
    }

    private void deleteGroup(ClassicGroup group) {
        List<GroupMetadataRecord> tombstones = new ArrayList<>();
        group.offsets.keySet().forEach(tp -> tombstones.add(new GroupMetadataRecord.Offset(group.groupId, tp, null)));
        if (group.persisted != null) {
            tombstones.add(new GroupMetadataRecord.Group(group.groupId, null));
        }
        store.append(tombstones);
        cancelJoinTimer(group);
        cancelPendingSync(group);
        group.transitionTo(GroupState.DEAD, now());
        groups.remove(group.groupId);
        log.info("Group {} deleted", group.groupId);
    }

    private static Map<String, byte[]> currentAssignment(ClassicGroup group) {
        Map<String, byte[]> a = new LinkedHashMap<>();
        group.members.values().forEach(m -> a.put(m.memberId, m.assignment));
        return a;
    }

    private void persistGroup(ClassicGroup group, Map<String, byte[]> assignment) {
        List<GroupMetadataRecord.Member> members = new ArrayList<>();
        for (GroupMember m : group.members.values()) {
            byte[] subscription = group.protocolName == null ? null : m.metadata(group.protocolName);
            members.add(new GroupMetadataRecord.Member(m.memberId, m.groupInstanceId, m.clientId, m.clientHost,
                    m.rebalanceTimeoutMs, m.sessionTimeoutMs, subscription, assignment.getOrDefault(m.memberId, new byte[0])));
        }
        GroupMetadataRecord.Value value = new GroupMetadataRecord.Value(group.protocolType, group.generationId,
                group.protocolName, group.leaderId, group.stateTimestampMs(), members);
        store.append(List.of(new GroupMetadataRecord.Group(group.groupId, value)));
        group.persisted = value;
        maybeCompact();
    }

    /**
     * Compacts once the log holds {@code compactionMinRecords} more records than the live state. The live
     * count is only recomputed when the last known one says it may be time.
     */
    private void maybeCompact() {
        if (store.appendedSinceCompaction() < config.compactionMinRecords() + lastLiveRecords) {
            return;
        }
        long live = 0;
        for (ClassicGroup g : groups.values()) {
            live += g.offsets.size() + (g.persisted != null ? 1 : 0);
        }
        lastLiveRecords = live;
        if (store.appendedSinceCompaction() < config.compactionMinRecords() + live) {
            return;
        }
        List<GroupMetadataRecord> records = new ArrayList<>();
        for (ClassicGroup g : groups.values()) {
            if (g.persisted != null) {
                records.add(new GroupMetadataRecord.Group(g.groupId, g.persisted));
            }
            g.offsets.forEach((tp, o) -> records.add(new GroupMetadataRecord.Offset(g.groupId, tp, o)));
        }
        try {
            store.compact(records);
        } catch (RuntimeException e) {
            log.error("Compacting the group metadata log failed", e);
        }
    }

    /** Replays the metadata log: groups with members come back Stable, their members with fresh session timers. */
    private void load() throws IOException {
        Map<String, GroupMetadataRecord.Value> metadata = new HashMap<>();
        Map<String, Map<TopicPartition, OffsetAndMetadata>> offsets = new HashMap<>();
        store.replay(r -> {
            if (r instanceof GroupMetadataRecord.Offset o) {
                Map<TopicPartition, OffsetAndMetadata> m = offsets.computeIfAbsent(o.groupId(), k -> new HashMap<>());
                if (o.offset() == null) {
                    m.remove(o.partition());
                } else {
                    m.put(o.partition(), o.offset());
                }
            } else if (r instanceof GroupMetadataRecord.Group g) {
                if (g.metadata() == null) {
                    metadata.remove(g.groupId());
                } else {
                    metadata.put(g.groupId(), g.metadata());
                }
            }
        });
        long now = now();
        for (Map.Entry<String, GroupMetadataRecord.Value> e : metadata.entrySet()) {
            GroupMetadataRecord.Value v = e.getValue();
            ClassicGroup g = new ClassicGroup(e.getKey(), v.members().isEmpty() ? GroupState.EMPTY : GroupState.STABLE,
                    v.members().isEmpty() ? v.stateTimestampMs() : now);
            g.generationId = v.generationId();
            g.protocolType = v.protocolType();
            g.protocolName = v.protocolName();
            for (GroupMetadataRecord.Member pm : v.members()) {
                GroupMember m = new GroupMember(pm.memberId(), pm.groupInstanceId(), pm.clientId(), pm.clientHost(),
                        pm.rebalanceTimeoutMs(), pm.sessionTimeoutMs(), v.protocolType(),
                        List.of(new Protocol(v.protocolName(), pm.subscription() == null ? new byte[0] : pm.subscription())));
                m.assignment = pm.assignment() == null ? new byte[0] : pm.assignment();
                g.add(m);
                scheduleHeartbeatExpiry(g, m);
            }
            g.protocolType = v.protocolType();
            g.leaderId = v.leaderId() != null && g.members.containsKey(v.leaderId()) ? v.leaderId() : g.leaderId;
            g.persisted = v;
            g.computeSubscribedTopics();
            groups.put(g.groupId, g);
        }
        for (Map.Entry<String, Map<TopicPartition, OffsetAndMetadata>> e : offsets.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            ClassicGroup g = groups.computeIfAbsent(e.getKey(), id -> new ClassicGroup(id, GroupState.EMPTY, now));
            g.offsets.putAll(e.getValue());
        }
        log.info("Loaded {} groups ({} with members) from the group metadata log", groups.size(),
                groups.values().stream().filter(g -> !g.members.isEmpty()).count());
    }

    private GroupDescription describe(ClassicGroup g) {
        boolean stable = g.is(GroupState.STABLE);
        List<GroupDescription.Member> members = new ArrayList<>();
        if (!g.is(GroupState.DEAD)) {
            for (GroupMember m : g.members.values()) {
                byte[] md = stable ? m.metadata(g.protocolName) : null;
                members.add(new GroupDescription.Member(m.memberId, m.groupInstanceId, m.clientId, m.clientHost,
                        md == null ? new byte[0] : md, stable ? m.assignment : new byte[0]));
            }
        }
        return new GroupDescription(g.groupId, g.state(), g.protocolType == null ? "" : g.protocolType,
                stable && g.protocolName != null ? g.protocolName : "", members);
    }
}
