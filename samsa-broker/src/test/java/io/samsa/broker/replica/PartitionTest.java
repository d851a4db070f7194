package io.samsa.broker.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    private final List<String> events = new ArrayList<>();
    private final PartitionListener recorder = new PartitionListener() {
        @Override
        public void onLogEndAdvanced(PartitionKey partition) {
            events.add("leo");
        }

        @Override
        public void onHighWatermarkAdvanced(PartitionKey partition) {
            events.add("hw");
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

    private Partition partition(LeaderAndIsr state) throws Exception {
        Log log = Log.open(dir.resolve("t-0-" + logs.size()), LogConfig.DEFAULTS, Clock.systemUTC(), 0, true);
        logs.add(log);
        return new Partition(new PartitionKey(Uuid.randomUuid(), 0), "t", SELF, state, log, recorder);
    }
}
