package io.samsa.broker.group;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JoinGroup, as Kafka's classic coordinator answers it: new members (KIP-394 member ids, KIP-345 static
 * members replacing their old id), known members rejoining, and the rebalance they trigger ({@link Rebalance}).
 * The answer is a future, held until the rebalance completes. Runs on the coordinator thread.
 */
final class JoinOperations {
    private static final Logger log = LoggerFactory.getLogger(JoinOperations.class);

    private final GroupStore store;
    private final Rebalance rebalance;

    JoinOperations(GroupStore store, Rebalance rebalance) {
        this.store = store;
        this.rebalance = rebalance;
    }

    private static CoordinatorResult<CompletableFuture<JoinResult>> error(String memberId, Errors error) {
        return CoordinatorResult.of(CompletableFuture.completedFuture(JoinResult.error(memberId, error)));
    }

    private static CoordinatorResult<CompletableFuture<JoinResult>> answered(CoordinatorResult.Builder writes,
                                                                           CompletableFuture<JoinResult> f) {
        return writes.respond(() -> f);
    }

    CoordinatorResult<CompletableFuture<JoinResult>> join(JoinRequest r) {
        String memberId = r.memberId() == null ? "" : r.memberId();
        GroupCoordinatorConfig config = store.config;
        if (r.groupId() == null || r.groupId().isEmpty()) {
            return error(memberId, Errors.INVALID_GROUP_ID);
        }
        if (r.sessionTimeoutMs() < config.minSessionTimeoutMs() || r.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
            return error(memberId, Errors.INVALID_SESSION_TIMEOUT);
        }
        boolean unknownMember = memberId.isEmpty();
        ClassicGroup group = store.get(r.groupId());
        if (group == null) {
            if (!unknownMember) {
                return error(memberId, Errors.UNKNOWN_MEMBER_ID);
            }
            if (r.protocolType() == null || r.protocolType().isEmpty() || r.protocols().isEmpty()) {
                return error(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL);
            }
            group = store.create(r.groupId());
        }
        if (group.is(GroupState.DEAD)) {
            return error(memberId, Errors.COORDINATOR_NOT_AVAILABLE);
        }
        if (!group.supportsProtocols(r.protocolType(), r.protocols())) {
            return error(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL);
        }
        CoordinatorResult.Builder writes = new CoordinatorResult.Builder();
        CoordinatorResult<CompletableFuture<JoinResult>> result = unknownMember
                ? joinAsNewMember(group, r, writes) : joinAsKnownMember(group, r, writes);
        if (group.is(GroupState.PREPARING_REBALANCE)) {
            rebalance.tryCompleteJoin(group, writes);
        }
        return result;
    }

    private CoordinatorResult<CompletableFuture<JoinResult>> joinAsNewMember(ClassicGroup group, JoinRequest r,
                                                                             CoordinatorResult.Builder writes) {
        if (group.memberCount() >= store.config.maxGroupSize()) {
            return error("", Errors.GROUP_MAX_SIZE_REACHED);
        }
        String prefix = r.groupInstanceId() != null ? r.groupInstanceId() : r.clientId();
        String newMemberId = prefix + "-" + UUID.randomUUID();
        if (r.groupInstanceId() != null) {
            String existing = group.staticMemberId(r.groupInstanceId());
            if (existing != null) {
                return replaceStaticMember(group, group.member(existing), newMemberId, r, writes);
            }
            return answered(writes, addMemberAndRebalance(group, newMemberId, r));
        }
        if (r.requireKnownMemberId()) {
            // KIP-394: the member must come back with this id; until then it holds up the rebalance.
            rebalance.addPendingMember(group, newMemberId, r.sessionTimeoutMs());
            return error(newMemberId, Errors.MEMBER_ID_REQUIRED);
        }
        return answered(writes, addMemberAndRebalance(group, newMemberId, r));
    }

    private CoordinatorResult<CompletableFuture<JoinResult>> joinAsKnownMember(ClassicGroup group, JoinRequest r,
                                                                               CoordinatorResult.Builder writes) {
        String memberId = r.memberId();
        if (group.isPendingMember(memberId)) {
            store.timer.cancel(GroupTimers.pendingMember(group.groupId, memberId));
            return answered(writes, addMemberAndRebalance(group, memberId, r));
        }
        Errors error = group.validateMember(memberId, r.groupInstanceId());
        if (error == Errors.NONE && r.groupInstanceId() != null && group.staticMemberId(r.groupInstanceId()) == null) {
            error = Errors.UNKNOWN_MEMBER_ID;
        }
        if (error != Errors.NONE) {
            return error(memberId, error);
        }
        ClassicGroupMember m = group.member(memberId);
        switch (group.state()) {
            case PREPARING_REBALANCE:
                return answered(writes, updateMemberAndRebalance(group, m, r));
            case COMPLETING_REBALANCE:
                if (m.sameProtocols(r.protocols())) {
                    // The member lost our answer: send it again.
                    return CoordinatorResult.of(CompletableFuture.completedFuture(rebalance.joinResultFor(group, m, false)));
                }
                return answered(writes, updateMemberAndRebalance(group, m, r));
            case STABLE:
                if (group.isLeader(memberId) || !m.sameProtocols(r.protocols())) {
                    return answered(writes, updateMemberAndRebalance(group, m, r));
                }
                return CoordinatorResult.of(CompletableFuture.completedFuture(rebalance.joinResultFor(group, m, false)));
            default:
                return error(memberId, Errors.UNKNOWN_MEMBER_ID);
        }
    }

    private CompletableFuture<JoinResult> addMemberAndRebalance(ClassicGroup group, String memberId, JoinRequest r) {
        ClassicGroupMember m = ClassicGroupMember.joining(memberId, r);
        CompletableFuture<JoinResult> f = m.awaitJoin(Errors.REBALANCE_IN_PROGRESS);
        group.addNewMember(m);
        rebalance.scheduleHeartbeatExpiry(group, m);
        rebalance.maybePrepareRebalance(group, "Adding new member " + memberId + " with group instance id "
                + r.groupInstanceId() + "; client reason: " + r.reason());
        return f;
    }

    private CompletableFuture<JoinResult> updateMemberAndRebalance(ClassicGroup group, ClassicGroupMember m,
                                                                   JoinRequest r) {
        m.updateFrom(r);
        // A second JoinGroup while one is held: the client gave up on the first.
        CompletableFuture<JoinResult> f = m.awaitJoin(Errors.REBALANCE_IN_PROGRESS);
        rebalance.maybePrepareRebalance(group, "Updating metadata for member " + m.memberId() + " during "
                + group.state().kafkaName() + "; client reason: " + r.reason());
        return f;
    }

    /**
     * KIP-345: a known group.instance.id joined with no member id; the old id is fenced. In a Stable group whose
     * protocol the new member keeps, there is no rebalance: the group record with the new id is written, and only
     * once it is committed does the new id replace the old one (a failed write leaves the old member in place
     * and answers the error).
     */
    private CoordinatorResult<CompletableFuture<JoinResult>> replaceStaticMember(ClassicGroup group,
            ClassicGroupMember m, String newMemberId, JoinRequest r, CoordinatorResult.Builder writes) {
        String oldMemberId = m.memberId();
        if (group.is(GroupState.STABLE) && group.protocolName() != null
                && group.selectProtocol(oldMemberId, r.protocols()).equals(group.protocolName())) {
            // Same protocol: no rebalance; the member carries on with its assignment.
            ClassicGroupMember replacement = ClassicGroupMember.joining(newMemberId, r);
            GroupMetadataRecord.Value value = group.toRecord(group.currentAssignment(), oldMemberId,
                    replacement.toRecord(group.protocolName(), m.assignment()));
            CompletableFuture<JoinResult> f = new CompletableFuture<>();
            writes.write(List.of(new GroupMetadataRecord.Group(group.groupId, value)), () -> {
                if (!store.isLive(group) || group.member(oldMemberId) != m || !group.is(GroupState.STABLE)) {
                    f.complete(JoinResult.error("", Errors.REBALANCE_IN_PROGRESS));
                    return;
                }
                CompletableFuture<JoinResult> held = replace(group, m, newMemberId, r);
                boolean leader = group.isLeader(newMemberId);
                m.completeJoin(rebalance.joinResultFor(group, m, leader && m.supportsSkipAssignment()));
                f.complete(held.join());
            }, e -> f.complete(JoinResult.error("", CoordinatorResult.writeError(e))));
            return answered(writes, f);
        }
        CompletableFuture<JoinResult> f = replace(group, m, newMemberId, r);
        if (group.is(GroupState.STABLE)) {
            rebalance.maybePrepareRebalance(group, "Static member " + m.groupInstanceId() + " changed its protocols");
        } else if (group.is(GroupState.COMPLETING_REBALANCE)) {
            // Its old id may already be in the leader's member list: the assignment would not match.
            rebalance.prepareRebalance(group, "Static member " + m.groupInstanceId() + " rejoined");
        } // PreparingRebalance: it simply waits with the others.
        return answered(writes, f);
    }

    /** Fences the old id and gives the member its new id and settings; returns its held JoinGroup answer. */
    private CompletableFuture<JoinResult> replace(ClassicGroup group, ClassicGroupMember m, String newMemberId,
                                                  JoinRequest r) {
        String oldMemberId = m.memberId();
        m.completeSync(SyncResult.error(Errors.FENCED_INSTANCE_ID));
        CompletableFuture<JoinResult> f = m.awaitJoin(Errors.FENCED_INSTANCE_ID);
        store.timer.cancel(GroupTimers.heartbeat(group.groupId, oldMemberId));
        group.replaceStaticMember(m, newMemberId);
        m.updateFrom(r);
        rebalance.scheduleHeartbeatExpiry(group, m);
        log.info("Static member {} of group {} rejoined: member id {} replaces {}", m.groupInstanceId(), group.groupId,
                newMemberId, oldMemberId);
        return f;
    }
}
