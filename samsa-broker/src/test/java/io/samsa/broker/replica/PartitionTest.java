package io.samsa.broker.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.log.EpochEndOffset;
import io.samsa.log.FetchIsolation;
import io.samsa.log.Log;
import io.samsa.log.LogConfig;

/**
 * The leader's questions answered by a partition: its epoch checks, min.insync.replicas, and a high watermark
 * that is the smallest log end offset over the ISR — the log end at once when this node is alone, held back by a
 * follower whose fetches lag.
 */
class PartitionTest {
    private static final int SELF = 1;
    private static final int FOLLOWER = 2;

    @TempDir
    Path dir;
    private final List<Log> logs = new ArrayList<>();
    private static final long LAG_MS = 1000;
    private static final long BACKOFF_MS = 50;

    private record Alter(List<Integer> newIsr, CompletableFuture<LeaderAndIsr> result) {
    }

    private final List<String> events = new ArrayList<>();
    private final List<Alter> alters = new ArrayList<>();
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final ReplicationMetrics metrics = new ReplicationMetrics();
    private final PartitionListener recorder = new PartitionListener() {
        @Override
        public void onLogEndAdvanced(PartitionKey partition) {
            events.add("leo");
        }

        @Override
        public void onHighWatermarkAdvanced(PartitionKey partition) {
            events.add("hw");
        }

        @Override
        public void onStateChanged(PartitionKey partition) {
            events.add("state");
        }
    };

    @AfterEach
    void closeLogs() throws Exception {
        for (Log l : logs) {
            l.close();
        }
    }

    @Test
    void aLoneLeaderAdvancesTheHighWatermarkToTheLogEndWithinTheAppend() throws Exception {
        Partition p = partition(LeaderAndIsr.singleNode(SELF));
        assertThat(p.role()).isEqualTo(PartitionRole.LEADER);
        p.appendAsLeader(Batches.of(3));
        assertThat(p.logEndOffset()).isEqualTo(3);
        assertThat(p.highWatermark()).isEqualTo(3);
        assertThat(events).containsExactly("leo", "hw");
        PartitionRead read = p.read(0, 1 << 20, true, FetchIsolation.HIGH_WATERMARK);
        assertThat(read.records().sizeInBytes()).isPositive();
        assertThat(read.highWatermark()).isEqualTo(3);
    }

    @Test
    void aLaggingFollowerHoldsTheHighWatermarkBackAndConsumersSeeOnlyWhatIsBelowIt() throws Exception {
        Partition p = partition(new LeaderAndIsr(SELF, 0, List.of(SELF, FOLLOWER), List.of(SELF, FOLLOWER)));
        p.appendAsLeader(Batches.of(2));
        p.appendAsLeader(Batches.of(3));
        assertThat(p.logEndOffset()).isEqualTo(5);
        assertThat(p.highWatermark()).isZero();
        assertThat(events).containsExactly("leo", "leo");

        PartitionRead consumer = p.read(0, 1 << 20, true, FetchIsolation.HIGH_WATERMARK);
        assertThat(consumer.records().sizeInBytes()).as("nothing is committed yet").isZero();
        assertThat(consumer.highWatermark()).isZero();
        PartitionRead follower = p.read(0, 1 << 20, true, FetchIsolation.LOG_END);
        assertThat(follower.records().sizeInBytes()).isPositive();

        p.updateFollowerFetchState(FOLLOWER, 2);
        assertThat(p.highWatermark()).isEqualTo(2);
        p.updateFollowerFetchState(FOLLOWER, 1);
        assertThat(p.highWatermark()).as("never moves back").isEqualTo(2);
        p.updateFollowerFetchState(FOLLOWER, 5);
        assertThat(p.highWatermark()).isEqualTo(5);
        assertThat(events).containsExactly("leo", "leo", "hw", "hw");
        assertThatThrownBy(() -> p.updateFollowerFetchState(3, 5)).isInstanceOf(NotLeaderOrFollowerException.class);
    }

    @Test
    void theLeaderEpochOfARequestIsCheckedAsKafkaChecksIt() throws Exception {
        Partition p = partition(new LeaderAndIsr(SELF, 4, List.of(SELF), List.of(SELF)));
        p.checkLeader(Partition.NO_LEADER_EPOCH);
        p.checkLeader(4);
        assertThatThrownBy(() -> p.checkLeader(3)).isInstanceOf(FencedLeaderEpochException.class);
        assertThatThrownBy(() -> p.checkLeader(5)).isInstanceOf(UnknownLeaderEpochException.class);

        Partition followed = partition(new LeaderAndIsr(FOLLOWER, 4, List.of(SELF, FOLLOWER), List.of(SELF, FOLLOWER)));
        assertThat(followed.role()).isEqualTo(PartitionRole.FOLLOWER);
        assertThatThrownBy(() -> followed.checkLeader(4)).isInstanceOf(NotLeaderOrFollowerException.class);
        assertThatThrownBy(() -> followed.appendAsLeader(Batches.of(1)))
                .isInstanceOf(NotLeaderOrFollowerException.class);
        assertThat(followed.logEndOffset()).isZero();
    }

    @Test
    void acksAllIsRefusedBeforeAppendingWhenTheIsrIsBelowMinInsyncReplicas() throws Exception {
        Partition p = partition(LeaderAndIsr.singleNode(SELF));
        p.checkAppendable((short) -1, 1);
        p.checkAppendable((short) 1, 2);
        assertThatThrownBy(() -> p.checkAppendable((short) -1, 2)).isInstanceOf(NotEnoughReplicasException.class)
                .hasMessage("The size of the current ISR 1 is insufficient to satisfy the min.isr requirement of 2"
                        + " for partition t-0");
    }

    @Test
    void becomingLeaderAtANewEpochRecordsWhereTheEpochStartsAndStaleStatesAreIgnored() throws Exception {
        Partition p = partition(new LeaderAndIsr(FOLLOWER, 3, List.of(SELF, FOLLOWER), List.of(SELF, FOLLOWER), 5));
        p.appendAsFollower(3, withEpoch(Batches.of(4), 0, 3));
        assertThat(p.log().latestEpoch()).isEqualTo(3);

        assertThat(p.makeLeader(new LeaderAndIsr(SELF, 2, List.of(SELF, FOLLOWER), List.of(SELF), 9)))
                .as("older leader epoch").isEqualTo(Partition.StateChange.IGNORED);
        assertThat(p.role()).isEqualTo(PartitionRole.FOLLOWER);

        assertThat(p.makeLeader(new LeaderAndIsr(SELF, 4, List.of(SELF, FOLLOWER), List.of(SELF, FOLLOWER), 6)))
                .isEqualTo(Partition.StateChange.NEW_LEADER_EPOCH);
        assertThat(p.role()).isEqualTo(PartitionRole.LEADER);
        assertThat(p.leaderEpochStartOffset()).isEqualTo(4);
        assertThat(p.log().epochStartOffset(4)).as("in the epoch cache before any append").isEqualTo(4);
        assertThat(p.followerState(FOLLOWER).logEndOffset()).isEqualTo(FollowerState.UNKNOWN_OFFSET);
        assertThat(p.followerState(FOLLOWER).lastCaughtUpTimeMs()).as("an ISR member gets a full lag time")
                .isEqualTo(clock.get());

        assertThat(p.makeLeader(new LeaderAndIsr(SELF, 4, List.of(SELF, FOLLOWER), List.of(SELF, FOLLOWER), 6)))
                .as("same partition epoch").isEqualTo(Partition.StateChange.IGNORED);
        assertThat(p.makeLeader(new LeaderAndIsr(SELF, 4, List.of(SELF, FOLLOWER), List.of(SELF), 7)))
                .isEqualTo(Partition.StateChange.UPDATED);
        assertThat(p.isr()).containsExactly(SELF);

        assertThat(p.makeFollower(new LeaderAndIsr(FOLLOWER, 5, List.of(SELF, FOLLOWER), List.of(FOLLOWER), 8)))
                .isEqualTo(Partition.StateChange.NEW_LEADER_EPOCH);
        assertThatThrownBy(() -> p.appendAsLeader(Batches.of(1))).isInstanceOf(NotLeaderOrFollowerException.class);
        assertThatThrownBy(() -> p.appendAsFollower(4, Batches.of(1)))
                .as("a fetch of the old epoch is refused").isInstanceOf(NotLeaderOrFollowerException.class);
        assertThat(events).contains("state");
    }

    @Test
    void aFollowerThatCatchesUpJoinsTheIsrAndTheHighWatermarkCountsItOnlyOnceProposed() throws Exception {
        Partition p = partition(new LeaderAndIsr(SELF, 1, List.of(SELF, FOLLOWER), List.of(SELF), 1));
        p.appendAsLeader(Batches.of(3));
        assertThat(p.highWatermark()).as("alone in the ISR").isEqualTo(3);

        p.updateFollowerFetchState(FOLLOWER, 1);
        assertThat(alters).as("not caught up with the high watermark").isEmpty();
        p.updateFollowerFetchState(FOLLOWER, 3);
        assertThat(alters).hasSize(1);
        assertThat(alters.get(0).newIsr()).containsExactly(SELF, FOLLOWER);
        assertThat(p.maximalIsr()).containsExactly(SELF, FOLLOWER);

        p.appendAsLeader(Batches.of(2));
        assertThat(p.highWatermark()).as("the maximal ISR holds it back").isEqualTo(3);
        p.updateFollowerFetchState(FOLLOWER, 5);
        assertThat(alters).as("one change in flight").hasSize(1);
        assertThat(p.highWatermark()).isEqualTo(5);

        alters.get(0).result().complete(new LeaderAndIsr(SELF, 1, List.of(SELF, FOLLOWER), List.of(SELF, FOLLOWER), 2));
        assertThat(p.isr()).containsExactly(SELF, FOLLOWER);
        assertThat(p.leaderAndIsr().partitionEpoch()).isEqualTo(2);
        assertThat(metrics.isrExpands()).isOne();
    }

    @Test
    void anIsrMemberNotCaughtUpForTheLagTimeIsShrunkOutAndARefusedChangeIsRetriedAfterABackoff() throws Exception {
        Partition p = partition(new LeaderAndIsr(SELF, 1, List.of(SELF, FOLLOWER), List.of(SELF, FOLLOWER), 1));
        p.appendAsLeader(Batches.of(2));
        p.updateFollowerFetchState(FOLLOWER, 2);
        assertThat(p.highWatermark()).isEqualTo(2);
        p.appendAsLeader(Batches.of(2));

        clock.addAndGet(LAG_MS);
        assertThat(p.maybeShrinkIsr()).as("caught up exactly lag ms ago").isFalse();
        clock.addAndGet(1);
        assertThat(p.maybeShrinkIsr()).isTrue();
        assertThat(alters.get(0).newIsr()).containsExactly(SELF);
        assertThat(p.highWatermark()).as("still waits while the shrink is pending").isEqualTo(2);

        alters.get(0).result().completeExceptionally(new RuntimeException("INVALID_UPDATE_VERSION"));
        assertThat(p.maybeShrinkIsr()).as("backing off").isFalse();
        clock.addAndGet(BACKOFF_MS);
        assertThat(p.maybeShrinkIsr()).isTrue();
        events.clear();
        alters.get(1).result().complete(new LeaderAndIsr(SELF, 1, List.of(SELF, FOLLOWER), List.of(SELF), 2));
        assertThat(p.highWatermark()).as("the ISR is the leader alone now").isEqualTo(4);
        assertThat(events).contains("hw");
        assertThat(metrics.isrShrinks()).isOne();
        assertThat(p.isUnderReplicated()).isTrue();
    }

    @Test
    void aFollowerKeepingUpWithASteadilyWrittenLeaderStaysCaughtUp() {
        FollowerState f = FollowerState.reset(0, true);
        f = f.afterFetch(0, 100, 10);   // behind: the leader had 10
        assertThat(f.lastCaughtUpTimeMs()).isZero();
        f = f.afterFetch(10, 200, 15);  // reached what the leader had at the previous fetch
        assertThat(f.lastCaughtUpTimeMs()).isEqualTo(100);
        f = f.afterFetch(15, 300, 15);  // at the leader's end
        assertThat(f.lastCaughtUpTimeMs()).isEqualTo(300);
        assertThat(f.isCaughtUp(20, 300 + LAG_MS, LAG_MS)).isTrue();
        assertThat(f.isCaughtUp(20, 301 + LAG_MS, LAG_MS)).isFalse();
        assertThat(f.isCaughtUp(15, 10_000_000, LAG_MS)).as("has the leader's log end").isTrue();
    }

    @Test
    void aFetchNamingAnEpochTheLeaderEndedEarlierIsToldWhereItEnded() throws Exception {
        Partition p = partition(new LeaderAndIsr(SELF, 0, List.of(SELF, FOLLOWER), List.of(SELF), 0));
        p.appendAsLeader(Batches.of(3));
        p.makeLeader(new LeaderAndIsr(SELF, 2, List.of(SELF, FOLLOWER), List.of(SELF), 1));
        p.appendAsLeader(Batches.of(2));
        assertThat(p.divergingEpoch(0, 3)).as("epoch 0 ended at 3: no divergence").isNull();
        assertThat(p.divergingEpoch(0, 6)).isEqualTo(new EpochEndOffset(0, 3));
        assertThat(p.divergingEpoch(1, 4)).as("epoch 1 unknown here: the largest below it")
                .isEqualTo(new EpochEndOffset(0, 3));
        assertThat(p.divergingEpoch(2, 5)).isNull();
        assertThatThrownBy(() -> p.divergingEpoch(3, 5)).isInstanceOf(OffsetOutOfRangeException.class);
    }

    /** A copy of {@code batch} at {@code baseOffset} in leader epoch {@code epoch} (neither is under the CRC). */
    static ByteBuffer withEpoch(ByteBuffer batch, long baseOffset, int epoch) {
        batch.putLong(batch.position(), baseOffset);
        batch.putInt(batch.position() + 12, epoch);
        return batch;
    }

    private Partition partition(LeaderAndIsr state) throws Exception {
        Log log = Log.open(dir.resolve("t-0-" + logs.size()), LogConfig.DEFAULTS, Clock.systemUTC(), 0, true);
        logs.add(log);
        return new Partition(new PartitionKey(Uuid.randomUuid(), 0), "t", SELF, state, log, recorder,
                new IsrContext((key, current, isr) -> {
                    Alter a = new Alter(isr, new CompletableFuture<>());
                    alters.add(a);
                    return a.result();
                }, LAG_MS, BACKOFF_MS, clock::get, metrics));
    }
}
