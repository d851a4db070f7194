package io.samsa.broker.group;

import static io.samsa.broker.group.CoordinatorHarness.get;
import static io.samsa.broker.group.CoordinatorHarness.joinRequest;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The classic group protocol's states, transitions and errors, driven directly against the coordinator. */
class GroupCoordinatorTest {
    static final String G = "g";
    static final TopicPartition TP = new TopicPartition("t", 0);

    @TempDir
    Path dir;
    CoordinatorHarness h;

    @AfterEach
    void close() throws Exception {
        if (h != null) {
            h.close();
        }
    }

    private CoordinatorHarness harness(GroupCoordinatorConfig config) throws Exception {
        h = new CoordinatorHarness(dir, config);
        return h;
    }

    @Test
    void newMemberIsAskedForItsIdThenLeadsGenerationOne() throws Exception {
        harness(CoordinatorHarness.fastConfig());
        JoinResult first = get(h.join(joinRequest(G, "", null, 10_000, 10_000, "t")));
        assertThat(first.error()).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        assertThat(first.memberId()).startsWith("client-");
        JoinResult joined = get(h.join(joinRequest(G, first.memberId(), null, 10_000, 10_000, "t")));
        assertThat(joined.error()).isEqualTo(Errors.NONE);
        assertThat(joined.generationId()).isEqualTo(1);
        assertThat(joined.leaderId()).isEqualTo(first.memberId());
        assertThat(joined.protocolName()).isEqualTo("range");
        assertThat(joined.members()).extracting(JoinResult.Member::memberId).containsExactly(first.memberId());
        // Before the leader's SyncGroup: commits are refused with REBALANCE_IN_PROGRESS, heartbeats are fine.
        assertThat(h.commit(G, joined.memberId(), 1, TP, 5).get(TP)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        assertThat(h.heartbeat(G, joined.memberId(), 1)).isEqualTo(Errors.NONE);
        SyncResult synced = h.sync(G, joined, Map.of(joined.memberId(), new byte[] {7}));
        assertThat(synced.error()).isEqualTo(Errors.NONE);
        assertThat(synced.assignment()).containsExactly(7);
        assertThat(get(h.coordinator.describeGroup(G)).orElseThrow().state()).isEqualTo(GroupState.STABLE);
    }

    @Test
    void aJoiningMemberTriggersARebalanceThatWaitsForEveryone() throws Exception {
        harness(CoordinatorHarness.fastConfig());
        JoinResult a = get(h.joinNew(G, 10_000, 10_000, "t"));
        h.sync(G, a, Map.of(a.memberId(), new byte[0]));

        CompletableFuture<JoinResult> bJoin = h.joinNew(G, 10_000, 10_000, "t");
        assertThat(bJoin).isNotDone(); // held until a rejoins
        assertThat(h.heartbeat(G, a.memberId(), 1)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        assertThat(h.sync(G, a, Map.of()).error()).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        JoinResult a2 = get(h.join(joinRequest(G, a.memberId(), null, 10_000, 10_000, "t")));
        JoinResult b = get(bJoin);
        assertThat(a2.generationId()).isEqualTo(2).isEqualTo(b.generationId());
        assertThat(a2.leaderId()).isEqualTo(a.memberId());
        assertThat(a2.members()).hasSize(2);
        assertThat(b.members()).isEmpty(); // only the leader gets the member list

        // b's SyncGroup waits for the leader's assignment.
        CompletableFuture<SyncResult> bSync = h.coordinator.syncGroup(new SyncRequest(G, 2, b.memberId(), null, null,
                null, Map.of()));
        assertThat(bSync).isNotDone();
        h.sync(G, a2, Map.of(a2.memberId(), new byte[] {1}, b.memberId(), new byte[] {2}));
        assertThat(get(bSync).assignment()).containsExactly(2);

        assertThat(h.heartbeat(G, a.memberId(), 1)).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(h.heartbeat(G, "nobody", 2)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(h.commit(G, b.memberId(), 1, TP, 9).get(TP)).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(h.commit(G, b.memberId(), 2, TP, 9).get(TP)).isEqualTo(Errors.NONE);
        assertThat(h.commit(G, "", -1, TP, 9).get(TP)).isEqualTo(Errors.UNKNOWN_MEMBER_ID); // group not empty
    }

    @Test
    void sessionTimeoutRemovesASilentMemberAndRebalancesTheRest() throws Exception {
        harness(CoordinatorHarness.fastConfig());
        JoinResult a = get(h.joinNew(G, 10_000, 10_000, "t"));
        h.sync(G, a, Map.of());
        CompletableFuture<JoinResult> bJoin = h.joinNew(G, 300, 10_000, "t"); // b: 300 ms session
        JoinResult a2 = get(h.join(joinRequest(G, a.memberId(), null, 10_000, 10_000, "t")));
        JoinResult b = get(bJoin);
        h.sync(G, a2, Map.of());
        h.sync(G, b, Map.of());
        // a keeps heartbeating, b goes silent: a is told to rebalance, and the next generation is a alone.
        h.timer.advance(299);
        assertThat(h.heartbeat(G, a.memberId(), 2)).isEqualTo(Errors.NONE); // b's session has 1 ms left
        h.timer.advance(1);
        Errors e = h.heartbeat(G, a.memberId(), 2);
        assertThat(e).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        JoinResult a3 = get(h.join(joinRequest(G, a.memberId(), null, 10_000, 10_000, "t")));
        assertThat(a3.generationId()).isEqualTo(3);
        assertThat(a3.members()).extracting(JoinResult.Member::memberId).containsExactly(a.memberId());
        assertThat(h.heartbeat(G, b.memberId(), 2)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void aMemberThatDoesNotRejoinWithinTheRebalanceTimeoutIsDropped() throws Exception {
        harness(CoordinatorHarness.fastConfig());
        // Rebalance timeout (max.poll.interval.ms) 500 ms; a stops polling but would keep heartbeating.
        JoinResult a = get(h.joinNew(G, 10_000, 500, "t"));
        h.sync(G, a, Map.of());
        CompletableFuture<JoinResult> bJoin = h.joinNew(G, 10_000, 500, "t");
        h.timer.advance(499);
        assertThat(bJoin).isNotDone(); // a still has 1 ms to rejoin
        h.timer.advance(1);
        JoinResult b = get(bJoin);
        assertThat(b.generationId()).isEqualTo(2);
        assertThat(b.leaderId()).isEqualTo(b.memberId());
        assertThat(b.members()).extracting(JoinResult.Member::memberId).containsExactly(b.memberId());
        assertThat(h.heartbeat(G, a.memberId(), 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void leaveGroupRebalancesAndAnEmptiedGroupKeepsItsOffsets() throws Exception {
        harness(CoordinatorHarness.fastConfig());
        JoinResult a = get(h.joinNew(G, 10_000, 10_000, "t"));
        h.sync(G, a, Map.of());
        assertThat(h.commit(G, a.memberId(), 1, TP, 42).get(TP)).isEqualTo(Errors.NONE);
        GroupCoordinator.LeaveResult left = get(h.coordinator.leaveGroup(G, List.of(new MemberIdentity(a.memberId(), null),
                new MemberIdentity("nobody", null))));
        assertThat(left.members()).extracting(MemberIdentity::error).containsExactly(Errors.NONE, Errors.UNKNOWN_MEMBER_ID);
        GroupSnapshot d = get(h.coordinator.describeGroup(G)).orElseThrow();
        assertThat(d.state()).isEqualTo(GroupState.EMPTY);
        assertThat(h.fetch(G).get(TP).offset()).isEqualTo(42);
        assertThat(h.commit(G, "", -1, TP, 43).get(TP)).isEqualTo(Errors.NONE); // admin commit to an empty group
        assertThat(get(h.coordinator.deleteGroups(List.of(G, "nope"))))
                .containsEntry(G, Errors.NONE).containsEntry("nope", Errors.GROUP_ID_NOT_FOUND);
        assertThat(h.fetch(G)).isEmpty();
    }

    @Test
    void invalidJoinsAreRejected() throws Exception {
        harness(GroupCoordinatorConfig.DEFAULTS.withInitialRebalanceDelayMs(0));
        assertThat(get(h.join(joinRequest(G, "", null, 5_000, 10_000, "t"))).error())
                .isEqualTo(Errors.INVALID_SESSION_TIMEOUT);
        assertThat(get(h.join(joinRequest(G, "", null, 2_000_000, 10_000, "t"))).error())
                .isEqualTo(Errors.INVALID_SESSION_TIMEOUT);
        assertThat(get(h.join(joinRequest("", "", null, 10_000, 10_000, "t"))).error())
                .isEqualTo(Errors.INVALID_GROUP_ID);
        assertThat(get(h.join(joinRequest(G, "who", null, 10_000, 10_000, "t"))).error())
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        JoinResult a = get(h.joinNew(G, 10_000, 10_000, "t"));
        JoinRequest otherType = new JoinRequest(G, "", null, "c", "/h", 10_000, 10_000, "connect",
                List.of(new Protocol("range", new byte[0])), true, true, null);
        assertThat(get(h.join(otherType)).error()).isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
        assertThat(a.error()).isEqualTo(Errors.NONE);
    }

    @Test
    void initialRebalanceDelayGathersMembersIntoOneGeneration() throws Exception {
        harness(CoordinatorHarness.fastConfig().withInitialRebalanceDelayMs(300));
        CompletableFuture<JoinResult> a = h.joinNew(G, 10_000, 10_000, "t");
        h.timer.advance(100);
        CompletableFuture<JoinResult> b = h.joinNew(G, 10_000, 10_000, "t");
        h.timer.advance(200);
        // b joined during the delay: it is extended by another 300 ms (within the rebalance timeout).
        assertThat(a).isNotDone();
        h.timer.advance(299);
        assertThat(a).isNotDone();
        h.timer.advance(1);
        assertThat(get(a).generationId()).isEqualTo(1);
        assertThat(get(b).generationId()).isEqualTo(1);
        assertThat(get(a).members().size() + get(b).members().size()).isEqualTo(2);
    }

    @Test
    void staticMemberRejoiningWithANewIdKeepsItsAssignmentAndFencesTheOldId() throws Exception {
        harness(CoordinatorHarness.fastConfig());
        JoinResult a = get(h.join(joinRequest(G, "", "instance-a", 10_000, 10_000, "t")));
        assertThat(a.error()).isEqualTo(Errors.NONE); // static members skip MEMBER_ID_REQUIRED
        assertThat(a.memberId()).startsWith("instance-a-");
        h.sync(G, a, Map.of(a.memberId(), new byte[] {4, 2}));

        // The instance restarts (no LeaveGroup) and joins with no member id: no rebalance, same generation.
        JoinResult again = get(h.join(joinRequest(G, "", "instance-a", 10_000, 10_000, "t")));
        assertThat(again.error()).isEqualTo(Errors.NONE);
        assertThat(again.memberId()).isNotEqualTo(a.memberId());
        assertThat(again.generationId()).isEqualTo(1);
        assertThat(again.skipAssignment()).isTrue(); // the leader need not reassign
        SyncResult s = get(h.coordinator.syncGroup(new SyncRequest(G, 1, again.memberId(), "instance-a", null, null,
                Map.of())));
        assertThat(s.assignment()).containsExactly(4, 2);
        assertThat(get(h.coordinator.heartbeat(G, a.memberId(), "instance-a", 1))).isEqualTo(Errors.FENCED_INSTANCE_ID);
        assertThat(get(h.coordinator.heartbeat(G, again.memberId(), "instance-a", 1))).isEqualTo(Errors.NONE);
        // Leaving by instance id.
        GroupCoordinator.LeaveResult left = get(h.coordinator.leaveGroup(G, List.of(new MemberIdentity("", "instance-a"))));
        assertThat(left.members().get(0).error()).isEqualTo(Errors.NONE);
        assertThat(get(h.coordinator.describeGroup(G)).orElseThrow().state()).isEqualTo(GroupState.EMPTY);
    }

    @Test
    void offsetsOfAnEmptyGroupExpireAfterRetentionAndTheGroupGoes() throws Exception {
        long retention = 60_000;
        harness(CoordinatorHarness.fastConfig().withOffsetsRetentionMs(retention));
        JoinResult a = get(h.joinNew(G, 10_000, 10_000, "t"));
        h.sync(G, a, Map.of());
        h.commit(G, a.memberId(), 1, TP, 10);
        h.commit(G, a.memberId(), 1, new TopicPartition("other", 0), 3);
        // Stable and subscribed to "t": only the offset of the unsubscribed topic may expire.
        h.clock.advance(retention + 1);
        assertThat(get(h.coordinator.cleanupExpiredOffsets())).isEqualTo(1);
        assertThat(h.fetch(G)).containsOnlyKeys(TP);

        get(h.coordinator.leaveGroup(G, List.of(new MemberIdentity(a.memberId(), null))));
        h.clock.advance(retention - 1);
        assertThat(get(h.coordinator.cleanupExpiredOffsets())).isZero(); // counted from when it became empty
        h.clock.advance(2);
        assertThat(get(h.coordinator.cleanupExpiredOffsets())).isEqualTo(1);
        assertThat(get(h.coordinator.describeGroup(G))).isEmpty();
        assertThat(get(h.coordinator.listGroups())).isEmpty();

        // A simple (manual-assignment) group: from each commit; an explicit retention time (v2–4) wins.
        h.commit("simple", "", -1, TP, 1);
        get(h.coordinator.commitOffsets("simple", "", null, -1, Map.of(new TopicPartition("t", 1),
                new CommittedOffset(2, -1, null, h.clock.millis(), h.clock.millis() + 1_000)), false));
        h.clock.advance(1_000);
        assertThat(get(h.coordinator.cleanupExpiredOffsets())).isEqualTo(1);
        assertThat(h.fetch("simple")).containsOnlyKeys(TP);
    }
}
