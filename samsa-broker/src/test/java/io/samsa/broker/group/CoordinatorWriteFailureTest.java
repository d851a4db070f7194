package io.samsa.broker.group;

import static io.samsa.broker.group.CoordinatorHarness.get;
import static io.samsa.broker.group.CoordinatorHarness.joinRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every operation that writes answers only after its records are committed, and a write that fails leaves the
 * state as it was and answers the error: offset commit, offset delete, the leader's assignment, a static member's
 * replacement, group deletion, offset expiry and the removal of deleted topics' offsets.
 */
class CoordinatorWriteFailureTest {
    static final String G = "g";
    static final TopicPartition TP = new TopicPartition("t", 0);

    @TempDir
    Path dir;
    CoordinatorHarness h;

    @BeforeEach
    void open() throws Exception {
        h = new CoordinatorHarness(dir, CoordinatorHarness.fastConfig().withOffsetsRetentionMs(60_000));
    }

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    /** A Stable group of one member (generation 1) with offset 42 committed on TP. */
    private JoinResult stableGroupWithOffset() throws Exception {
        JoinResult a = get(h.joinNew(G, 10_000, 10_000, "t"));
        h.sync(G, a, Map.of(a.memberId(), new byte[] {1}));
        assertThat(h.commit(G, a.memberId(), 1, TP, 42).get(TP)).isEqualTo(Errors.NONE);
        return a;
    }

    @Test
    void aFailedOffsetCommitAnswersTheErrorAndKeepsTheLastCommittedOffset() throws Exception {
        JoinResult a = stableGroupWithOffset();
        h.log.failNextAppends(1);
        assertThat(h.commit(G, a.memberId(), 1, TP, 43).get(TP)).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        assertThat(h.log.refused()).hasSize(1);
        assertThat(h.fetch(G).get(TP).offset()).isEqualTo(42);
        // A first commit of a "simple" group that fails does not leave the group behind.
        h.log.failNextAppends(1);
        assertThat(h.commit("simple", "", -1, TP, 1).get(TP)).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        assertThat(get(h.coordinator.describeGroup("simple"))).isEmpty();
        assertThat(get(h.coordinator.listGroups())).extracting(GroupOverview::groupId).containsExactly(G);
        // And nothing of it was written: it is not there after a restart either.
        h.restart();
        assertThat(h.fetch(G).get(TP).offset()).isEqualTo(42);
        assertThat(h.fetch("simple")).isEmpty();
    }

    @Test
    void aFailedOffsetDeleteAnswersTheErrorAndKeepsTheOffset() throws Exception {
        JoinResult a = stableGroupWithOffset();
        get(h.coordinator.leaveGroup(G, List.of(new MemberIdentity(a.memberId(), null))));
        h.log.failNextAppends(1);
        GroupCoordinator.OffsetDeleteResult r = get(h.coordinator.deleteOffsets(G, List.of(TP)));
        assertThat(r.error()).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        assertThat(h.log.refused()).hasSize(1);
        assertThat(h.fetch(G)).containsOnlyKeys(TP);
        assertThat(get(h.coordinator.deleteOffsets(G, List.of(TP))).error()).isEqualTo(Errors.NONE);
        assertThat(h.fetch(G)).isEmpty();
    }

    @Test
    void aFailedAssignmentWriteAnswersEveryHeldSyncAndStartsAnotherRebalance() throws Exception {
        JoinResult a = get(h.joinNew(G, 10_000, 10_000, "t"));
        h.sync(G, a, Map.of(a.memberId(), new byte[] {1}));
        CompletableFuture<JoinResult> bJoin = h.joinNew(G, 10_000, 10_000, "t");
        JoinResult a2 = get(h.join(joinRequest(G, a.memberId(), null, 10_000, 10_000, "t")));
        JoinResult b = get(bJoin);
        CompletableFuture<SyncResult> bSync = h.coordinator.syncGroup(new SyncRequest(G, 2, b.memberId(), null, null,
                null, Map.of()));
        assertThat(bSync).isNotDone();

        h.log.failNextAppends(1);
        SyncResult leader = h.sync(G, a2, Map.of(a.memberId(), new byte[] {7}, b.memberId(), new byte[] {8}));
        assertThat(leader.error()).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        assertThat(get(bSync).error()).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        assertThat(h.log.refused()).hasSize(1);
        GroupSnapshot d = get(h.coordinator.describeGroup(G)).orElseThrow();
        assertThat(d.state()).isEqualTo(GroupState.PREPARING_REBALANCE);
        // The last committed group record is still generation 1 with a's assignment {1}.
        h.restart();
        GroupSnapshot reloaded = get(h.coordinator.describeGroup(G)).orElseThrow();
        assertThat(reloaded.members()).extracting(GroupSnapshot.Member::memberId).containsExactly(a.memberId());
        assertThat(reloaded.members().get(0).assignment()).containsExactly(1);
    }

    @Test
    void aFailedStaticReplacementAnswersTheErrorAndTheOldIdStaysTheMember() throws Exception {
        JoinResult a = get(h.join(joinRequest(G, "", "instance-a", 10_000, 10_000, "t")));
        h.sync(G, a, Map.of(a.memberId(), new byte[] {4, 2}));
        h.log.failNextAppends(1);
        JoinResult again = get(h.join(joinRequest(G, "", "instance-a", 10_000, 10_000, "t")));
        assertThat(again.error()).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        assertThat(h.log.refused()).hasSize(1);
        assertThat(get(h.coordinator.heartbeat(G, a.memberId(), "instance-a", 1))).isEqualTo(Errors.NONE);
        GroupSnapshot d = get(h.coordinator.describeGroup(G)).orElseThrow();
        assertThat(d.state()).isEqualTo(GroupState.STABLE);
        assertThat(d.members()).extracting(GroupSnapshot.Member::memberId).containsExactly(a.memberId());
        // The retry succeeds and fences the old id.
        JoinResult retried = get(h.join(joinRequest(G, "", "instance-a", 10_000, 10_000, "t")));
        assertThat(retried.error()).isEqualTo(Errors.NONE);
        assertThat(get(h.coordinator.heartbeat(G, a.memberId(), "instance-a", 1))).isEqualTo(Errors.FENCED_INSTANCE_ID);
    }

    @Test
    void aFailedGroupDeletionAnswersTheErrorAndKeepsTheGroup() throws Exception {
        JoinResult a = stableGroupWithOffset();
        get(h.coordinator.leaveGroup(G, List.of(new MemberIdentity(a.memberId(), null))));
        h.log.failNextAppends(1);
        assertThat(get(h.coordinator.deleteGroups(List.of(G)))).containsEntry(G, Errors.COORDINATOR_NOT_AVAILABLE);
        assertThat(h.log.refused()).hasSize(1);
        assertThat(get(h.coordinator.describeGroup(G)).orElseThrow().state()).isEqualTo(GroupState.EMPTY);
        assertThat(h.fetch(G).get(TP).offset()).isEqualTo(42);
        assertThat(get(h.coordinator.deleteGroups(List.of(G)))).containsEntry(G, Errors.NONE);
        assertThat(get(h.coordinator.describeGroup(G))).isEmpty();
    }

    @Test
    void aFailedExpiryPassFailsAndKeepsTheOffsetsAndTheGroup() throws Exception {
        JoinResult a = stableGroupWithOffset();
        get(h.coordinator.leaveGroup(G, List.of(new MemberIdentity(a.memberId(), null))));
        h.clock.advance(60_000);
        h.log.failNextAppends(1);
        assertThatThrownBy(() -> h.coordinator.cleanupExpiredOffsets().get()).isInstanceOf(ExecutionException.class);
        assertThat(h.log.refused()).hasSize(1);
        assertThat(h.fetch(G)).containsOnlyKeys(TP);
        assertThat(get(h.coordinator.describeGroup(G))).isPresent();
        assertThat(get(h.coordinator.cleanupExpiredOffsets())).isEqualTo(1);
        assertThat(get(h.coordinator.describeGroup(G))).isEmpty();
    }

    @Test
    void aFailedRemovalOfDeletedTopicsOffsetsFailsAndKeepsThem() throws Exception {
        stableGroupWithOffset();
        h.log.failNextAppends(1);
        assertThatThrownBy(() -> h.coordinator.onTopicsDeleted(List.of("t")).get()).isInstanceOf(ExecutionException.class);
        assertThat(h.fetch(G)).containsOnlyKeys(TP);
        assertThat(get(h.coordinator.onTopicsDeleted(List.of("t")))).isEqualTo(1);
        assertThat(h.fetch(G)).isEmpty();
    }

    @Test
    void theRetentionPassRunsOnItsTimer() throws Exception {
        h.commit("simple", "", -1, TP, 1);
        h.timer.advance(h.config.offsetsRetentionCheckIntervalMs() - 1);
        assertThat(h.fetch("simple")).containsOnlyKeys(TP); // the pass has not run, and 60 s had passed anyway
        h.timer.advance(1);
        assertThat(h.fetch("simple")).isEmpty();
        assertThat(h.timer.remainingMs(GroupTimers.OFFSET_RETENTION)).isEqualTo(h.config.offsetsRetentionCheckIntervalMs());
    }
}
