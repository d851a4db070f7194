package io.samsa.log;

import static io.samsa.log.TestBatches.NOW;
import static io.samsa.log.TestBatches.batch;
import static io.samsa.log.TestBatches.batches;
import static io.samsa.log.TestBatches.idempotent;
import static io.samsa.log.TestBatches.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.testkit.MutableClock;

/** truncateTo and truncateFullyAndStartAt: what is cut, what follows it, and what a restart finds. */
class TruncationTest {

    private static final LogConfig SMALL = LogConfig.DEFAULTS.withSegmentBytes(700).withIndexIntervalBytes(100);

    @TempDir
    Path tmp;
    MutableClock clock = new MutableClock(NOW);

    private Path dir() {
        return tmp.resolve("t-0");
    }

    /** 20 batches of 2 records (offsets 0..39), several segments, epochs 0 (batches 0-9) and 4 (10-19). */
    private Log twentyBatches() throws IOException {
        Log log = Log.open(dir(), SMALL, clock, 0, true);
        log.setFileDeleteDelayMs(0);
        for (int i = 0; i < 20; i++) {
            log.appendAsLeader(batch(2, NOW + i, 100), i < 10 ? 0 : 4);
        }
        return log;
    }

    private static void assertReadsEveryOffset(Log log) throws IOException {
        for (long o = log.logStartOffset(); o < log.logEndOffset(); o++) {
            List<MutableRecordBatch> got = batches(log.read(o, 1, true));
            assertThat(got).as("read at %d", o).isNotEmpty();
            assertThat(got.get(0).baseOffset()).isLessThanOrEqualTo(o);
            assertThat(got.get(0).lastOffset()).isGreaterThanOrEqualTo(o);
        }
    }

    /**
     * A replica led at epoch 5 without writing anything (its epoch starts at its log end, 40), then follows again: the
     * new leader says its tail diverges and it truncates to its own log end. Nothing is cut, but the empty epoch must
     * go, or the next fetch names epoch 5 as its last fetched epoch and the leader answers the same divergence
     * forever (seen: a million truncations a minute on one follower).
     */
    @Test
    void truncatingToTheLogEndDropsAnEpochThatStartsThere() throws IOException {
        try (Log log = twentyBatches()) {
            log.assignEpochStartOffset(5);
            assertThat(log.latestEpoch()).isEqualTo(5);
            assertThat(log.truncateTo(40)).as("nothing to cut").isFalse();
            assertThat(log.latestEpoch()).isEqualTo(4);
            assertThat(log.logEndOffset()).isEqualTo(40);
        }
    }

    @Test
    void cutsAcrossSegmentsAndAppendsContinueAtTheNewEnd() throws IOException {
        try (Log log = twentyBatches()) {
            assertThat(log.segmentCount()).isGreaterThan(3);
            long hwBefore = log.highWatermark();
            assertThat(hwBefore).isEqualTo(40);
            assertThat(log.truncateTo(15)).isTrue();
            assertThat(log.logEndOffset()).as("the batch holding 15 (14-15) goes whole").isEqualTo(14);
            assertThat(log.highWatermark()).isEqualTo(14);
            assertThat(log.segmentBaseOffsets()).allMatch(base -> base <= 14);
            assertThat(log.latestEpoch()).as("epoch 4 began at 20: gone").isZero();
            assertThat(log.endOffsetForEpoch(0)).isEqualTo(new EpochEndOffset(0, 14));
            assertThatThrownBy(() -> log.read(20, 100, true)).isInstanceOf(OffsetOutOfRangeException.class);
            assertReadsEveryOffset(log);
            assertThat(log.truncateTo(14)).as("nothing at or after the log end").isFalse();

            assertThat(log.appendAsLeader(batch(2, NOW, 100), 6).firstOffset()).isEqualTo(14);
            assertThat(log.endOffsetForEpoch(0)).isEqualTo(new EpochEndOffset(0, 14));
            assertThat(readAll(log, 0)).extracting(MutableRecordBatch::baseOffset)
                    .containsExactly(0L, 2L, 4L, 6L, 8L, 10L, 12L, 14L);
        }
    }

    @Test
    void aRestartAfterTruncationFindsConsistentDataAndIndexes() throws IOException {
        try (Log log = twentyBatches()) {
            log.truncateTo(27);
        }
        for (boolean clean : new boolean[] {true, false}) {
            try (Log log = Log.open(dir(), SMALL, clock, clean ? 26 : 0, clean)) {
                assertThat(log.logEndOffset()).as("clean=%s", clean).isEqualTo(26);
                assertThat(log.highWatermark()).isEqualTo(26);
                assertThat(log.latestEpoch()).isEqualTo(4);
                assertThat(log.endOffsetForEpoch(0)).isEqualTo(new EpochEndOffset(0, 20));
                assertReadsEveryOffset(log);
                // Batch i holds offsets 2i, 2i+1 stamped NOW+i, NOW+i+1; batch 13 (26-27) was cut.
                assertThat(log.offsetForTimestamp(NOW + 13)).get().extracting(TimestampAndOffset::offset)
                        .isEqualTo(25L);
                assertThat(log.offsetForTimestamp(NOW + 14)).isEmpty();
                assertThat(log.maxTimestamp()).get().extracting(TimestampAndOffset::timestamp).isEqualTo(NOW + 13);
            }
        }
        try (Log log = Log.open(dir(), SMALL, clock, 26, true)) {
            assertThat(log.appendAsLeader(batch(2, NOW, 100), 4).firstOffset()).isEqualTo(26);
        }
        try (Log log = Log.open(dir(), SMALL, clock, 0, false)) {
            assertThat(log.logEndOffset()).isEqualTo(28);
            assertReadsEveryOffset(log);
        }
    }

    @Test
    void producerStateIsTruncatedWithTheLog() throws IOException {
        try (Log log = Log.open(dir(), SMALL, clock, 0, true)) {
            log.appendAsLeader(idempotent(7L, (short) 0, 0, 2, NOW), 0); // 0-1, seq 0-1
            log.appendAsLeader(idempotent(7L, (short) 0, 2, 2, NOW), 0); // 2-3, seq 2-3
            log.truncateTo(2);
            AppendResult again = log.appendAsLeader(idempotent(7L, (short) 0, 2, 2, NOW), 1);
            assertThat(again.duplicate()).as("the cut batch is no longer known").isFalse();
            assertThat(again.firstOffset()).isEqualTo(2);
            assertThat(log.appendAsLeader(idempotent(7L, (short) 0, 2, 2, NOW), 1).duplicate()).isTrue();
        }
    }

    @Test
    void truncateFullyStartsAnEmptyLogElsewhereThatSurvivesARestart() throws IOException {
        try (Log log = twentyBatches()) {
            log.truncateFullyAndStartAt(100);
            assertThat(log.logStartOffset()).isEqualTo(100);
            assertThat(log.logEndOffset()).isEqualTo(100);
            assertThat(log.highWatermark()).isEqualTo(100);
            assertThat(log.segmentBaseOffsets()).containsExactly(100L);
            assertThat(log.latestEpoch()).isEqualTo(EpochEndOffset.UNDEFINED_EPOCH);
            assertThat(log.appendAsLeader(batch(2, NOW, 100), 9).firstOffset()).isEqualTo(100);
        }
        try (Log log = Log.open(dir(), SMALL, clock, 0, false)) {
            assertThat(log.logStartOffset()).isEqualTo(100);
            assertThat(log.logEndOffset()).isEqualTo(102);
            assertThat(log.endOffsetForEpoch(9)).isEqualTo(new EpochEndOffset(9, 102));
            assertReadsEveryOffset(log);
        }
    }

    @Test
    void aTargetBelowTheLogStartEmptiesTheLog() throws IOException {
        try (Log log = twentyBatches()) {
            log.maybeIncrementLogStartOffset(10);
            assertThat(log.truncateTo(4)).isTrue();
            assertThat(log.logStartOffset()).isEqualTo(4);
            assertThat(log.logEndOffset()).isEqualTo(4);
        }
    }

    @Test
    void aTargetInsideTheBatchHoldingTheLogStartLeavesAnEmptyLogAtTheTarget() throws IOException {
        try (Log log = twentyBatches()) {
            log.maybeIncrementLogStartOffset(5); // inside batch 4-5
            assertThat(log.truncateTo(5)).isTrue();
            assertThat(log.logStartOffset()).isEqualTo(5);
            assertThat(log.logEndOffset()).as("never below the log start").isEqualTo(5);
            assertThat(log.highWatermark()).isEqualTo(5);
            assertThat(log.appendAsLeader(batch(1, NOW, 10), 0).firstOffset()).isEqualTo(5);
        }
    }
}
