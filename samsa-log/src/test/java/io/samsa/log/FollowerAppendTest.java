package io.samsa.log;

import static io.samsa.log.TestBatches.NOW;
import static io.samsa.log.TestBatches.batch;
import static io.samsa.log.TestBatches.bytes;
import static io.samsa.log.TestBatches.gzipBatch;
import static io.samsa.log.TestBatches.idempotent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.testkit.MutableClock;

/** A follower appends what the leader path wrote, byte for byte, and rejects what does not continue its log. */
class FollowerAppendTest {

    @TempDir
    Path tmp;
    MutableClock clock = new MutableClock(NOW);

    /** Everything the leader holds from {@code from}, as a follower fetch would get it. */
    private static byte[] fetchAll(Log leader, long from) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long next = from;
        while (next < leader.logEndOffset()) {
            ReadResult r = leader.read(next, 1 << 20, true, FetchIsolation.LOG_END);
            byte[] chunk = bytes(r);
            out.write(chunk);
            next = TestBatches.batches(r).get(TestBatches.batches(r).size() - 1).lastOffset() + 1;
        }
        return out.toByteArray();
    }

    @Test
    void followerReadsAreByteIdenticalToTheLeadersAndStateFollows() throws IOException {
        LogConfig config = LogConfig.DEFAULTS.withSegmentBytes(2000);
        try (Log leader = Log.open(tmp.resolve("leader-0"), config, clock, 0, true);
             Log follower = Log.open(tmp.resolve("follower-0"), config, clock, 0, true)) {
            leader.appendAsLeader(batch(3, NOW - 5000), 0);
            leader.appendAsLeader(idempotent(42L, (short) 0, 0, 2, NOW), 0);
            leader.updateConfig(config.withLogAppendTime(true));
            leader.appendAsLeader(gzipBatch(4, NOW), 1);
            clock.advance(1000);
            leader.appendAsLeader(idempotent(42L, (short) 0, 2, 3, NOW), 2);
            for (int i = 0; i < 10; i++) {
                leader.appendAsLeader(batch(2, NOW, 100), 2);
            }
            follower.setHighWatermarkFollowsLogEnd(false);
            clock.advance(60_000); // the follower's clock must not touch the leader's timestamps

            byte[] leaderBytes = fetchAll(leader, 0);
            // Fetched in two pieces, as two fetch responses would bring them.
            ByteBuffer all = ByteBuffer.wrap(leaderBytes);
            int firstPiece = leader.read(0, 1, true).sizeInBytes() + leader.read(3, 1, true).sizeInBytes();
            AppendResult a = follower.appendAsFollower(all.duplicate().limit(firstPiece));
            assertThat(a.firstOffset()).isZero();
            assertThat(a.lastOffset()).isEqualTo(4);
            follower.appendAsFollower(all.duplicate().position(firstPiece));

            assertThat(follower.logEndOffset()).isEqualTo(leader.logEndOffset());
            assertThat(fetchAll(follower, 0)).isEqualTo(leaderBytes);
            assertThat(follower.highWatermark()).as("a follower learns the HW from its leader").isZero();
            assertThat(follower.latestEpoch()).isEqualTo(2);
            assertThat(follower.endOffsetForEpoch(1)).isEqualTo(leader.endOffsetForEpoch(1));
            assertThat(follower.endOffsetForEpoch(0)).isEqualTo(new EpochEndOffset(0, 5));
            assertThat(follower.producerCount()).isEqualTo(1);
            assertThat(follower.segmentCount()).isGreaterThan(1);

            // Producer state came along: as new leader, the follower answers the producer's retry as a duplicate.
            AppendResult retry = follower.appendAsLeader(idempotent(42L, (short) 0, 2, 3, NOW), 3);
            assertThat(retry.duplicate()).isTrue();
            assertThat(retry.firstOffset()).isEqualTo(9);
        }
        try (Log follower = Log.open(tmp.resolve("follower-0"), config, clock, 0, false)) {
            assertThat(follower.logEndOffset()).as("recovered after an unclean stop: the batches are valid")
                    .isEqualTo(32);
        }
    }

    @Test
    void rejectsBatchesThatDoNotContinueTheLogOrAreCorruptAndWritesNothing() throws IOException {
        try (Log leader = Log.open(tmp.resolve("leader-0"), LogConfig.DEFAULTS, clock, 0, true);
             Log follower = Log.open(tmp.resolve("follower-0"), LogConfig.DEFAULTS, clock, 0, true)) {
            leader.appendAsLeader(batch(3, NOW), 0);
            leader.appendAsLeader(batch(3, NOW), 0);
            byte[] first = bytes(leader.read(0, 1, true));
            byte[] both = fetchAll(leader, 0);
            follower.appendAsFollower(ByteBuffer.wrap(first));

            assertThatThrownBy(() -> follower.appendAsFollower(ByteBuffer.wrap(both)))
                    .isInstanceOf(UnexpectedAppendOffsetException.class)
                    .satisfies(e -> assertThat(((UnexpectedAppendOffsetException) e).firstOffset()).isZero());
            ByteBuffer backwards = TestBatches.concat(ByteBuffer.wrap(both, first.length, both.length - first.length),
                    ByteBuffer.wrap(both, first.length, both.length - first.length));
            assertThatThrownBy(() -> follower.appendAsFollower(backwards))
                    .isInstanceOf(UnexpectedAppendOffsetException.class);

            byte[] corrupt = both.clone();
            corrupt[corrupt.length - 1] ^= 1;
            assertThatThrownBy(() -> follower.appendAsFollower(
                    ByteBuffer.wrap(corrupt, first.length, corrupt.length - first.length)))
                    .isInstanceOf(CorruptRecordException.class);
            assertThat(follower.logEndOffset()).isEqualTo(3);

            follower.appendAsFollower(ByteBuffer.wrap(both, first.length, both.length - first.length));
            assertThat(fetchAll(follower, 0)).isEqualTo(both);
        }
    }
}
