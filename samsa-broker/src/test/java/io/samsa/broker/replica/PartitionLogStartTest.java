package io.samsa.broker.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.log.Log;
import io.samsa.log.LogConfig;

/**
 * DeleteRecords' two sides on a partition: the leader moves its log start (bounded by the high watermark, -1
 * meaning it), a follower refuses, and a follower's log start follows the one the leader's fetch responses carry,
 * deleting its own segments below it.
 */
class PartitionLogStartTest {
    private static final int SELF = 1;
    private static final int OTHER = 2;

    @TempDir
    Path dir;
    private final List<Log> logs = new ArrayList<>();

    @AfterEach
    void closeLogs() throws Exception {
        for (Log l : logs) {
            l.close();
        }
    }

    @Test
    void theLeaderMovesItsLogStartUpToTheHighWatermarkOnly() throws Exception {
        Partition p = partition(LeaderAndIsr.singleNode(SELF));
        p.appendAsLeader(Batches.of(5));
        p.log().roll();
        p.appendAsLeader(Batches.of(5));
        assertThat(p.deleteRecordsOnLeader(6)).isEqualTo(6);
        assertThat(p.log().segmentBaseOffsets()).containsExactly(5L);
        assertThat(p.deleteRecordsOnLeader(2)).as("below the log start: unchanged").isEqualTo(6);
        assertThatThrownBy(() -> p.deleteRecordsOnLeader(11)).isInstanceOf(OffsetOutOfRangeException.class);
        assertThatThrownBy(() -> p.deleteRecordsOnLeader(-2)).isInstanceOf(OffsetOutOfRangeException.class);
        assertThat(p.deleteRecordsOnLeader(-1)).isEqualTo(10);
    }

    @Test
    void aFollowerRefusesDeleteRecords() throws Exception {
        Partition p = partition(new LeaderAndIsr(OTHER, 1, List.of(OTHER, SELF), List.of(OTHER, SELF)));
        assertThatThrownBy(() -> p.deleteRecordsOnLeader(0)).isInstanceOf(NotLeaderOrFollowerException.class);
    }

    @Test
    void aFollowersLogStartFollowsTheLeadersFromTheFetchResponse() throws Exception {
        Partition follower = partition(new LeaderAndIsr(OTHER, 1, List.of(OTHER, SELF), List.of(OTHER, SELF)));
        follower.appendAsFollower(1, at(0, 5));
        follower.log().roll();
        follower.appendAsFollower(1, at(5, 5));
        follower.updateFollowerOffsets(10, 0);
        assertThat(follower.log().segmentBaseOffsets()).containsExactly(0L, 5L);

        follower.updateFollowerOffsets(10, 7); // the leader deleted the records below 7
        assertThat(follower.logStartOffset()).isEqualTo(7);
        assertThat(follower.log().segmentBaseOffsets()).containsExactly(5L);
        follower.updateFollowerOffsets(10, 3);
        assertThat(follower.logStartOffset()).as("never moves back").isEqualTo(7);
    }

    /** A batch of {@code count} records at {@code baseOffset}, leader epoch 1, as a leader's fetch returns it. */
    private static ByteBuffer at(long baseOffset, int count) {
        ByteBuffer b = Batches.of(count);
        b.putLong(0, baseOffset); // base offset and partition leader epoch lie outside the CRC
        b.putInt(12, 1);
        return b;
    }

    private Partition partition(LeaderAndIsr state) throws Exception {
        Log log = Log.open(dir.resolve("t-0-" + logs.size()), LogConfig.DEFAULTS, Clock.systemUTC(), 0, true);
        logs.add(log);
        return new Partition(new PartitionKey(Uuid.randomUuid(), 0), "t", SELF, state, log, PartitionListener.NONE);
    }
}
