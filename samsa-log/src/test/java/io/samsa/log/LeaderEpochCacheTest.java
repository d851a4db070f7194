package io.samsa.log;

import static io.samsa.log.TestBatches.NOW;
import static io.samsa.log.TestBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.testkit.MutableClock;

/** Kafka's leader-epoch-checkpoint: file format, OffsetForLeaderEpoch answers, truncation, rebuild from the log. */
class LeaderEpochCacheTest {

    @TempDir
    Path tmp;
    MutableClock clock = new MutableClock(NOW);

    @Test
    void writesKafkasCheckpointFormatAndReadsItBack() throws IOException {
        LeaderEpochCache cache = LeaderEpochCache.load(tmp);
        assertThat(cache.loadedFromFile()).isFalse();
        cache.assign(0, 0);
        cache.assign(0, 5); // same epoch later: no-op
        cache.assign(3, 10);
        cache.assign(-1, 12); // no epoch: ignored
        assertThat(Files.readString(tmp.resolve("leader-epoch-checkpoint"))).isEqualTo("0\n2\n0 0\n3 10\n");
        LeaderEpochCache again = LeaderEpochCache.load(tmp);
        assertThat(again.loadedFromFile()).isTrue();
        assertThat(again.entries()).isEqualTo(Map.of(0, 0L, 3, 10L));
        assertThat(again.latestEpoch()).isEqualTo(3);
    }

    @Test
    void endOffsetForAnswersAsOffsetForLeaderEpoch() throws IOException {
        LeaderEpochCache cache = LeaderEpochCache.load(tmp);
        assertThat(cache.endOffsetFor(0, 50)).isEqualTo(EpochEndOffset.UNDEFINED);
        cache.assign(2, 10);
        cache.assign(4, 20);
        cache.assign(7, 35);
        assertThat(cache.endOffsetFor(7, 50)).as("latest epoch: the log end").isEqualTo(new EpochEndOffset(7, 50));
        assertThat(cache.endOffsetFor(4, 50)).isEqualTo(new EpochEndOffset(4, 35));
        assertThat(cache.endOffsetFor(5, 50)).as("unknown epoch between: the one below, ended where 7 began")
                .isEqualTo(new EpochEndOffset(4, 35));
        assertThat(cache.endOffsetFor(1, 50)).as("below the first: the first start offset")
                .isEqualTo(new EpochEndOffset(1, 10));
        assertThat(cache.endOffsetFor(8, 50)).isEqualTo(EpochEndOffset.UNDEFINED);
        assertThat(cache.endOffsetFor(EpochEndOffset.UNDEFINED_EPOCH, 50)).isEqualTo(EpochEndOffset.UNDEFINED);
    }

    @Test
    void truncatesFromEitherEndAndOverridesConflictingEntries() throws IOException {
        LeaderEpochCache cache = LeaderEpochCache.load(tmp);
        cache.assign(1, 0);
        cache.assign(2, 10);
        cache.assign(3, 20);
        cache.truncateFromEnd(20);
        assertThat(cache.entries()).isEqualTo(Map.of(1, 0L, 2, 10L));
        cache.truncateFromStart(15);
        assertThat(cache.entries()).as("the epoch in force at the new start moves up to it")
                .isEqualTo(Map.of(2, 15L));
        cache.assign(5, 30);
        cache.assign(4, 25); // a lower epoch at a lower offset replaces what contradicts it
        assertThat(cache.entries()).isEqualTo(Map.of(2, 15L, 4, 25L));
        assertThat(LeaderEpochCache.load(tmp).entries()).isEqualTo(cache.entries());
    }

    @Test
    void theLogStampsAndRecordsEpochsAndRebuildsAMissingOrCorruptCheckpoint() throws IOException {
        Path dir = tmp.resolve("t-0");
        LogConfig small = LogConfig.DEFAULTS.withSegmentBytes(300);
        try (Log log = Log.open(dir, small, clock, 0, true)) {
            log.appendAsLeader(batch(2, NOW, 100), 0);  // 0-1
            log.appendAsLeader(batch(2, NOW, 100), 0);  // 2-3
            log.appendAsLeader(batch(2, NOW, 100), 3);  // 4-5
            log.appendAsLeader(batch(2, NOW, 100), 5);  // 6-7
            log.appendAsLeader(batch(2, NOW, 100), 5);  // 8-9
            assertThat(log.latestEpoch()).isEqualTo(5);
            assertThat(log.endOffsetForEpoch(3)).isEqualTo(new EpochEndOffset(3, 6));
            assertThat(log.endOffsetForEpoch(5)).isEqualTo(new EpochEndOffset(5, 10));
            assertThat(log.segmentCount()).isGreaterThan(2);
        }
        Map<Integer, Long> expected = Map.of(0, 0L, 3, 4L, 5, 6L);
        assertThat(LeaderEpochCache.load(dir).entries()).isEqualTo(expected);

        Files.delete(dir.resolve("leader-epoch-checkpoint"));
        try (Log log = Log.open(dir, small, clock, 10, true)) {
            assertThat(log.endOffsetForEpoch(3)).isEqualTo(new EpochEndOffset(3, 6));
        }
        assertThat(LeaderEpochCache.load(dir).entries()).as("rebuilt from the batches").isEqualTo(expected);

        Files.writeString(dir.resolve("leader-epoch-checkpoint"), "0\n3\n0 0\nnonsense\n", StandardCharsets.UTF_8);
        try (Log log = Log.open(dir, small, clock, 10, true)) {
            assertThat(log.latestEpoch()).isEqualTo(5);
        }
        assertThat(LeaderEpochCache.load(dir).entries()).isEqualTo(expected);
    }
}
