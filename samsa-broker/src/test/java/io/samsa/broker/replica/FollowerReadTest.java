package io.samsa.broker.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.log.FetchIsolation;
import io.samsa.log.Log;
import io.samsa.log.LogConfig;

/**
 * A follower serving consumer reads (fetch from follower, KIP-392): Kafka's epoch checks, records only below the
 * high watermark the leader told it, OFFSET_OUT_OF_RANGE past its log end, waiting fetches woken when that high
 * watermark moves, and NOT_LEADER_OR_FOLLOWER once it is out of the ISR or the replica is stopped.
 */
class FollowerReadTest {
    private static final int SELF = 2;
    private static final int LEADER = 1;

    @TempDir
    Path dir;
    private Log log;
    private final List<String> events = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        if (log != null) {
            log.close();
        }
    }

    @Test
    void aFollowerServesConsumersUpToTheLeadersHighWatermark() throws Exception {
        Partition p = follower();
        p.appendAsFollower(3, Batches.of(5));
        assertThat(p.read(0, 1 << 20, true, FetchIsolation.HIGH_WATERMARK).records().sizeInBytes())
                .as("nothing committed as far as this follower knows").isZero();

        p.updateFollowerOffsets(5, 0);
        assertThat(events).containsExactly("hw");
        PartitionRead read = p.read(0, 1 << 20, true, FetchIsolation.HIGH_WATERMARK);
        assertThat(read.records().sizeInBytes()).isPositive();
        assertThat(read.highWatermark()).isEqualTo(5);
        assertThat(p.read(5, 1 << 20, true, FetchIsolation.HIGH_WATERMARK).records().sizeInBytes()).isZero();
        assertThatThrownBy(() -> p.read(7, 1 << 20, true, FetchIsolation.HIGH_WATERMARK))
                .as("past the follower's log end: the consumer asks the leader again")
                .isInstanceOf(OffsetOutOfRangeException.class);

        p.updateFollowerOffsets(9, 0);
        assertThat(p.log().highWatermark()).as("never beyond its own log end").isEqualTo(5);
        assertThat(events).containsExactly("hw");
    }

    @Test
    void aFollowerChecksTheConsumersLeaderEpochAsKafka() throws Exception {
        Partition p = follower();
        p.checkReplica(Partition.NO_LEADER_EPOCH);
        p.checkReplica(3);
        assertThatThrownBy(() -> p.checkReplica(2)).isInstanceOf(FencedLeaderEpochException.class);
        assertThatThrownBy(() -> p.checkReplica(4)).isInstanceOf(UnknownLeaderEpochException.class);
        assertThatThrownBy(() -> p.checkLeader(3)).isInstanceOf(NotLeaderOrFollowerException.class);
    }

    @Test
    void aFollowerOutOfTheIsrSendsConsumersBackToTheLeader() throws Exception {
        Partition p = follower();
        p.applyState(new LeaderAndIsr(LEADER, 3, List.of(1, 2, 3), List.of(1, 3), 1));
        assertThatThrownBy(() -> p.checkReplica(3)).isInstanceOf(NotLeaderOrFollowerException.class);
        p.applyState(new LeaderAndIsr(LEADER, 3, List.of(1, 2, 3), List.of(1, 3, 2), 2));
        p.checkReplica(3);
    }

    @Test
    void aStoppedReplicaSendsConsumersBackToTheLeader() throws Exception {
        Partition p = follower();
        p.stopReplica();
        assertThatThrownBy(() -> p.checkReplica(Partition.NO_LEADER_EPOCH))
                .isInstanceOf(NotLeaderOrFollowerException.class);
    }

    private Partition follower() throws Exception {
        log = Log.open(dir.resolve("t-0"), LogConfig.DEFAULTS, Clock.systemUTC(), 0, true);
        return new Partition(new PartitionKey(Uuid.randomUuid(), 0), "t", SELF,
                new LeaderAndIsr(LEADER, 3, List.of(1, 2, 3), List.of(1, 2, 3)), log, new PartitionListener() {
                    @Override
                    public void onLogEndAdvanced(PartitionKey partition) {
                    }

                    @Override
                    public void onHighWatermarkAdvanced(PartitionKey partition) {
                        events.add("hw");
                    }
                });
    }
}
