package io.samsa.broker.group;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rebalance mechanics the join, sync, heartbeat and leave operations share, as Kafka's classic
 * coordinator runs them: a join, leave or session timeout moves the group to PreparingRebalance; the rebalance
 * completes when every known member has rejoined (or after the rebalance timeout, dropping dynamic members that
 * did not rejoin — this is how {@code max.poll.interval.ms} is enforced); the first rebalance of an empty group
 * waits {@code group.initial.rebalance.delay.ms} for more members. Then the next generation starts in
 * CompletingRebalance and every member gets its JoinGroup answer, the leader also the member list. Timers
 * ({@link GroupTimers}) drive the timeouts; methods that may write take the operation's
 * {@link CoordinatorResult.Builder}. Runs on the coordinator thread.
 */
final class Rebalance {
    private static final Logger log = LoggerFactory.getLogger(Rebalance.class);

    private final GroupStore store;

    Rebalance(GroupStore store) {
        this.store = store;
    }

    JoinResult joinResultFor(ClassicGroup group, ClassicGroupMember m, boolean skipAssignment) {
        boolean leader = group.isLeader(m.memberId());
        return new JoinResult(Errors.NONE, m.memberId(), group.generationId(), group.protocolType(),
                group.protocolName(), group.leaderId(), skipAssignment, leader ? group.memberList() : List.of());
    }

    void maybePrepareRebalance(ClassicGroup group, String reason) {
        if (group.canRebalance()) {
            prepareRebalance(group, reason);
        }
    }

    void prepareRebalance(ClassicGroup group, String reason) {
        if (group.is(GroupState.COMPLETING_REBALANCE)) {
            group.resetAndPropagateAssignmentError(Errors.REBALANCE_IN_PROGRESS);
        }
        cancelPendingSync(group);
        boolean initial = group.is(GroupState.EMPTY);
        group.transitionTo(GroupState.PREPARING_REBALANCE, store.now());
        log.info("Preparing to rebalance group {} (generation {}): {}", group.groupId, group.generationId(), reason);
        if (initial) {
            int delay = store.config.initialRebalanceDelayMs();
            scheduleJoinTimer(group, delay, true, Math.max(group.rebalanceTimeoutMs() - delay, 0));
        } else {
            scheduleJoinTimer(group, group.rebalanceTimeoutMs(), false, 0);
        }
    }

    private void scheduleJoinTimer(ClassicGroup group, long delayMs, boolean initial, long remainingMs) {
        group.startJoinPhase(initial);
        store.timer.schedule(GroupTimers.join(group.groupId), delayMs, () -> onJoinTimer(group, remainingMs));
    }

    private CoordinatorResult<Void> onJoinTimer(ClassicGroup group, long remainingMs) {
        CoordinatorResult.Builder writes = new CoordinatorResult.Builder();
        if (!store.isLive(group)) {
            return writes.respond(() -> null);
        }
        if (group.inInitialJoinDelay() && group.takeNewMemberAdded() && remainingMs > 0) {
            // More members arrived during the initial delay: wait again, within the rebalance timeout.
            long delay = Math.min(store.config.initialRebalanceDelayMs(), remainingMs);
            store.timer.schedule(GroupTimers.join(group.groupId), delay,
                    () -> onJoinTimer(group, Math.max(remainingMs - delay, 0)));
            return writes.respond(() -> null);
        }
        completeJoin(group, writes);
        return writes.respond(() -> null);
    }

    /** Completes the rebalance early once everybody rejoined (not during the initial delay). */
    void tryCompleteJoin(ClassicGroup group, CoordinatorResult.Builder writes) {
        if (group.is(GroupState.PREPARING_REBALANCE) && !group.inInitialJoinDelay() && group.hasAllMembersJoined()) {
            completeJoin(group, writes);
        }
    }

    private void completeJoin(ClassicGroup group, CoordinatorResult.Builder writes) {
        if (!group.is(GroupState.PREPARING_REBALANCE)) {
            return;
        }
        store.timer.cancel(GroupTimers.join(group.groupId));
        for (ClassicGroupMember m : new ArrayList<>(group.members())) {
            if (!m.isAwaitingJoin() && !m.isStatic()) {
                log.info("Member {} of group {} did not rejoin within the rebalance timeout; removing it",
                        m.memberId(), group.groupId);
                m.completeSync(SyncResult.error(Errors.UNKNOWN_MEMBER_ID));
                removeMember(group, m);
            }
        }
        if (!group.maybeElectNewJoinedLeader() && group.hasMembers()) {
            // Only static members that did not rejoin are left: wait for them or their session timeouts.
            log.warn("Group {} could not complete its rebalance: no member rejoined", group.groupId);
            scheduleJoinTimer(group, Math.max(group.rebalanceTimeoutMs(), 1), false, 0);
            return;
        }
        group.initNextGeneration(store.now());
        if (group.is(GroupState.EMPTY)) {
            log.info("Group {} with generation {} is now empty", group.groupId, group.generationId());
            writes.write(List.of(groupRecord(group, Map.of())), () -> { },
                    e -> log.error("Could not persist empty group {}", group.groupId, e));
            return;
        }
        log.info("Stabilized group {} generation {} with {} members, protocol {}, leader {}", group.groupId,
                group.generationId(), group.memberCount(), group.protocolName(), group.leaderId());
        for (ClassicGroupMember m : group.members()) {
            if (m.isAwaitingJoin()) {
                m.completeJoin(joinResultFor(group, m, false));
                scheduleHeartbeatExpiry(group, m);
            }
        }
        group.awaitSyncFromAll();
        int generation = group.generationId();
        store.timer.schedule(GroupTimers.pendingSync(group.groupId), Math.max(group.rebalanceTimeoutMs(), 1),
                () -> expirePendingSync(group, generation));
    }

    /** The record of the group as it is now, with {@code assignment}. */
    static GroupMetadataRecord.Group groupRecord(ClassicGroup group, Map<String, byte[]> assignment) {
        return new GroupMetadataRecord.Group(group.groupId, group.toRecord(assignment, null, null));
    }

    void cancelPendingSync(ClassicGroup group) {
        group.takePendingSyncMembers();
        store.timer.cancel(GroupTimers.pendingSync(group.groupId));
    }

    /** Members that got their JoinGroup answer but never synced within the rebalance timeout are removed. */
    private CoordinatorResult<Void> expirePendingSync(ClassicGroup group, int generation) {
        CoordinatorResult.Builder writes = new CoordinatorResult.Builder();
        if (!store.isLive(group) || group.generationId() != generation
                || !(group.is(GroupState.COMPLETING_REBALANCE) || group.is(GroupState.STABLE))) {
            return writes.respond(() -> null);
        }
        for (String memberId : group.takePendingSyncMembers()) {
            ClassicGroupMember m = group.member(memberId);
            if (m != null) {
                removeMemberAndUpdateGroup(group, m, "did not sync within the rebalance timeout", writes);
            }
        }
        return writes.respond(() -> null);
    }

    /** A member told MEMBER_ID_REQUIRED: it must come back within its session timeout. */
    void addPendingMember(ClassicGroup group, String memberId, int sessionTimeoutMs) {
        group.addPendingMember(memberId);
        store.timer.schedule(GroupTimers.pendingMember(group.groupId, memberId), sessionTimeoutMs, () -> {
            CoordinatorResult.Builder writes = new CoordinatorResult.Builder();
            if (store.isLive(group) && group.removePendingMember(memberId)) {
                log.debug("Pending member {} of group {} did not rejoin in time", memberId, group.groupId);
                tryCompleteJoin(group, writes);
            }
            return writes.respond(() -> null);
        });
    }

    void removeMemberAndUpdateGroup(ClassicGroup group, ClassicGroupMember m, String reason,
                                    CoordinatorResult.Builder writes) {
        m.completeJoin(JoinResult.error(m.memberId(), Errors.UNKNOWN_MEMBER_ID));
        m.completeSync(SyncResult.error(Errors.UNKNOWN_MEMBER_ID));
        removeMember(group, m);
        log.info("Member {} removed from group {}: {}", m.memberId(), group.groupId, reason);
        switch (group.state()) {
            case STABLE, COMPLETING_REBALANCE -> {
                maybePrepareRebalance(group, "removing member " + m.memberId() + ": " + reason);
                // The last member gone (or all others already rejoined): complete now, not at the join timer.
                tryCompleteJoin(group, writes);
            }
            case PREPARING_REBALANCE -> tryCompleteJoin(group, writes);
            default -> { }
        }
    }

    private void removeMember(ClassicGroup group, ClassicGroupMember m) {
        store.timer.cancel(GroupTimers.heartbeat(group.groupId, m.memberId()));
        group.remove(m.memberId());
    }

    /** (Re)arms the member's session timer; new members awaiting their first join get the longer timeout. */
    void scheduleHeartbeatExpiry(ClassicGroup group, ClassicGroupMember m) {
        long timeout = m.isNew() ? store.config.newMemberJoinTimeoutMs() : m.sessionTimeoutMs();
        String memberId = m.memberId();
        store.timer.schedule(GroupTimers.heartbeat(group.groupId, memberId), timeout,
                () -> onHeartbeatExpired(group, m, memberId));
    }

    private CoordinatorResult<Void> onHeartbeatExpired(ClassicGroup group, ClassicGroupMember m, String memberId) {
        CoordinatorResult.Builder writes = new CoordinatorResult.Builder();
        if (!store.isLive(group) || group.member(memberId) != m) {
            return writes.respond(() -> null);
        }
        if (!m.isNew() && (m.isAwaitingJoin() || m.isAwaitingSync())) {
            // Waiting for us is as good as heartbeating.
            scheduleHeartbeatExpiry(group, m);
        } else {
            removeMemberAndUpdateGroup(group, m, "session timeout of " + m.sessionTimeoutMs() + " ms expired", writes);
        }
        return writes.respond(() -> null);
    }
}
