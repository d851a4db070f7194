package io.samsa.broker.group;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SyncGroup, Heartbeat and LeaveGroup. The leader's SyncGroup carries the assignments: they are written as
 * the group record, and only once that is committed is the group Stable and every held SyncGroup answered; a
 * failed write answers COORDINATOR_NOT_AVAILABLE and starts a new rebalance. Runs on the coordinator thread.
 */
final class MembershipOperations {
    private static final Logger log = LoggerFactory.getLogger(MembershipOperations.class);

    private final GroupStore store;
    private final Rebalance rebalance;

    MembershipOperations(GroupStore store, Rebalance rebalance) {
        this.store = store;
        this.rebalance = rebalance;
    }

    private static CoordinatorResult<CompletableFuture<SyncResult>> syncError(Errors error) {
        return CoordinatorResult.of(CompletableFuture.completedFuture(SyncResult.error(error)));
    }

    CoordinatorResult<CompletableFuture<SyncResult>> sync(SyncRequest r) {
        ClassicGroup group = store.get(r.groupId());
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
        if (r.generationId() != group.generationId()) {
            return syncError(Errors.ILLEGAL_GENERATION);
        }
        if ((r.protocolType() != null && !r.protocolType().equals(group.protocolType()))
                || (r.protocolName() != null && !r.protocolName().equals(group.protocolName()))) {
            return syncError(Errors.INCONSISTENT_GROUP_PROTOCOL);
        }
        ClassicGroupMember m = group.member(r.memberId());
        switch (group.state()) {
            case EMPTY:
                return syncError(Errors.UNKNOWN_MEMBER_ID);
            case PREPARING_REBALANCE:
                return syncError(Errors.REBALANCE_IN_PROGRESS);
            case COMPLETING_REBALANCE: {
                CompletableFuture<SyncResult> f = m.awaitSync();
                group.syncedBy(m.memberId());
                rebalance.scheduleHeartbeatExpiry(group, m);
                CoordinatorResult.Builder writes = new CoordinatorResult.Builder();
                if (group.isLeader(m.memberId())) {
                    storeAssignment(group, r.assignments(), writes);
                }
                return writes.respond(() -> f);
            }
            case STABLE:
                group.syncedBy(m.memberId());
                rebalance.scheduleHeartbeatExpiry(group, m);
                return CoordinatorResult.of(CompletableFuture.completedFuture(new SyncResult(Errors.NONE,
                        group.protocolType(), group.protocolName(), m.assignment())));
            default:
                return syncError(Errors.COORDINATOR_NOT_AVAILABLE);
        }
    }

    private void storeAssignment(ClassicGroup group, Map<String, byte[]> assignments, CoordinatorResult.Builder writes) {
        Map<String, byte[]> assignment = new LinkedHashMap<>();
        for (ClassicGroupMember member : group.members()) {
            byte[] a = assignments.get(member.memberId());
            assignment.put(member.memberId(), a == null ? new byte[0] : a);
        }
        int generation = group.generationId();
        writes.write(List.of(Rebalance.groupRecord(group, assignment)), () -> {
            // Another rebalance may have begun while the record was being committed: then it is moot.
            if (store.isLive(group) && group.generationId() == generation && group.is(GroupState.COMPLETING_REBALANCE)) {
                group.completeAssignment(assignment, store.now());
                log.info("Group {} generation {} is stable", group.groupId, group.generationId());
            }
        }, e -> {
            if (store.isLive(group) && group.generationId() == generation && group.is(GroupState.COMPLETING_REBALANCE)) {
                group.resetAndPropagateAssignmentError(CoordinatorResult.writeError(e));
                rebalance.maybePrepareRebalance(group, "the assignment could not be persisted");
            }
        });
    }

    CoordinatorResult<Errors> heartbeat(String groupId, String memberId, String groupInstanceId, int generationId) {
        ClassicGroup group = store.get(groupId);
        if (group == null) {
            return CoordinatorResult.of(Errors.UNKNOWN_MEMBER_ID);
        }
        if (group.is(GroupState.DEAD)) {
            return CoordinatorResult.of(Errors.COORDINATOR_NOT_AVAILABLE);
        }
        Errors error = group.validateMember(memberId, groupInstanceId);
        if (error != Errors.NONE) {
            return CoordinatorResult.of(error);
        }
        if (generationId != group.generationId()) {
            return CoordinatorResult.of(Errors.ILLEGAL_GENERATION);
        }
        ClassicGroupMember m = group.member(memberId);
        switch (group.state()) {
            case COMPLETING_REBALANCE, STABLE -> {
                rebalance.scheduleHeartbeatExpiry(group, m);
                return CoordinatorResult.of(Errors.NONE);
            }
            case PREPARING_REBALANCE -> {
                rebalance.scheduleHeartbeatExpiry(group, m);
                return CoordinatorResult.of(Errors.REBALANCE_IN_PROGRESS);
            }
            default -> {
                return CoordinatorResult.of(Errors.UNKNOWN_MEMBER_ID);
            }
        }
    }

    /** Removes the members named (by member id, or by group.instance.id with an empty member id). */
    CoordinatorResult<GroupCoordinator.LeaveResult> leave(String groupId, List<MemberIdentity> leaving) {
        ClassicGroup group = store.get(groupId);
        List<MemberIdentity> out = new ArrayList<>();
        if (group == null) {
            leaving.forEach(l -> out.add(new MemberIdentity(l.memberId(), l.groupInstanceId(), Errors.UNKNOWN_MEMBER_ID)));
            return CoordinatorResult.of(new GroupCoordinator.LeaveResult(Errors.NONE, out));
        }
        if (group.is(GroupState.DEAD)) {
            return CoordinatorResult.of(new GroupCoordinator.LeaveResult(Errors.COORDINATOR_NOT_AVAILABLE, List.of()));
        }
        CoordinatorResult.Builder writes = new CoordinatorResult.Builder();
        for (MemberIdentity l : leaving) {
            String memberId = l.memberId() == null ? "" : l.memberId();
            Errors error;
            if (memberId.isEmpty() && l.groupInstanceId() != null) {
                String holder = group.staticMemberId(l.groupInstanceId());
                if (holder == null) {
                    error = Errors.UNKNOWN_MEMBER_ID;
                } else {
                    rebalance.removeMemberAndUpdateGroup(group, group.member(holder), "static member left (by instance id)",
                            writes);
                    error = Errors.NONE;
                }
            } else if (group.removePendingMember(memberId)) {
                store.timer.cancel(GroupTimers.pendingMember(groupId, memberId));
                rebalance.tryCompleteJoin(group, writes);
                error = Errors.NONE;
            } else {
                error = group.validateMember(memberId, l.groupInstanceId());
                if (error == Errors.NONE) {
                    rebalance.removeMemberAndUpdateGroup(group, group.member(memberId), "member left the group", writes);
                }
            }
            out.add(new MemberIdentity(memberId, l.groupInstanceId(), error));
        }
        GroupCoordinator.LeaveResult result = new GroupCoordinator.LeaveResult(Errors.NONE, out);
        return writes.respond(() -> result);
    }
}
