package io.samsa.log;

import static io.samsa.log.TestBatches.NOW;
import static io.samsa.log.TestBatches.idempotent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.protocol.records.RecordBatchHeader;
import io.samsa.testkit.MutableClock;

class ProducerStateTest {

    @TempDir
    Path tmp;
    MutableClock clock = new MutableClock(NOW);
    Log log;

    @BeforeEach
    void open() throws IOException {
        log = Log.open(tmp.resolve("t-0"), LogConfig.DEFAULTS, clock, 0, true);
    }

    @AfterEach
    void close() throws IOException {
        log.close();
    }

    @Test
    void duplicateRetryReturnsTheOriginalOffsetsAndWritesNothing() {
        log.appendAsLeader(TestBatches.batch(2, NOW), 0); // offsets 0..1, non-idempotent
        AppendResult first = log.appendAsLeader(idempotent(1000, (short) 0, 0, 3, NOW), 0);
        AppendResult second = log.appendAsLeader(idempotent(1000, (short) 0, 3, 2, NOW), 0);
        long size = log.sizeInBytes();
        AppendResult retry = log.appendAsLeader(idempotent(1000, (short) 0, 0, 3, NOW), 0);
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.firstOffset()).isEqualTo(first.firstOffset()).isEqualTo(2);
        assertThat(retry.lastOffset()).isEqualTo(first.lastOffset()).isEqualTo(4);
        assertThat(retry.recordCount()).isZero();
        assertThat(log.appendAsLeader(idempotent(1000, (short) 0, 3, 2, NOW), 0))
                .extracting(AppendResult::firstOffset, AppendResult::duplicate).containsExactly(5L, true);
        assertThat(second.firstOffset()).isEqualTo(5);
        assertThat(log.sizeInBytes()).isEqualTo(size);
        assertThat(log.logEndOffset()).isEqualTo(7);
    }

    @Test
    void onlyTheLastFiveBatchesAreRemembered() {
        for (int i = 0; i < 6; i++) {
            log.appendAsLeader(idempotent(7, (short) 0, i, 1, NOW), 0);
        }
        assertThat(log.appendAsLeader(idempotent(7, (short) 0, 1, 1, NOW), 0).duplicate()).isTrue();
        assertThatThrownBy(() -> log.appendAsLeader(idempotent(7, (short) 0, 0, 1, NOW), 0))
                .isInstanceOf(OutOfOrderSequenceException.class);
    }

    @Test
    void sequenceGapIsOutOfOrder() {
        log.appendAsLeader(idempotent(1, (short) 0, 0, 2, NOW), 0);
        assertThatThrownBy(() -> log.appendAsLeader(idempotent(1, (short) 0, 3, 1, NOW), 0))
                .isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(log.logEndOffset()).isEqualTo(2);
        assertThat(log.appendAsLeader(idempotent(1, (short) 0, 2, 1, NOW), 0).firstOffset()).isEqualTo(2);
    }

    @Test
    void unknownProducerMayStartAtAnySequenceThenMustStayInOrder() {
        // Kafka accepts this: the producer's state may have been removed by retention.
        assertThat(log.appendAsLeader(idempotent(5, (short) 0, 4, 1, NOW), 0).firstOffset()).isZero();
        assertThatThrownBy(() -> log.appendAsLeader(idempotent(5, (short) 0, 7, 1, NOW), 0))
                .isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(log.appendAsLeader(idempotent(5, (short) 0, 5, 1, NOW), 0).firstOffset()).isEqualTo(1);
    }

    @Test
    void epochBumpRestartsSequencesAndFencesTheOldEpoch() {
        log.appendAsLeader(idempotent(9, (short) 0, 0, 5, NOW), 0);
        assertThatThrownBy(() -> log.appendAsLeader(idempotent(9, (short) 1, 5, 1, NOW), 0))
                .isInstanceOf(OutOfOrderSequenceException.class);
        log.appendAsLeader(idempotent(9, (short) 1, 0, 1, NOW), 0);
        assertThatThrownBy(() -> log.appendAsLeader(idempotent(9, (short) 0, 5, 1, NOW), 0))
                .isInstanceOf(InvalidProducerEpochException.class);
        assertThat(log.appendAsLeader(idempotent(9, (short) 1, 1, 1, NOW), 0).duplicate()).isFalse();
    }

    @Test
    void sequenceWrapsFromMaxIntToZero() {
        log.appendAsLeader(idempotent(3, (short) 0, 0, 1, NOW), 0);
        // jump near the end of the sequence space via a new epoch starting at 0 is not possible, so fake
        // the state through consecutive appends is too slow; test the rule directly.
        assertThat(ProducerStateManager.inSequence(Integer.MAX_VALUE, 0)).isTrue();
        assertThat(ProducerStateManager.inSequence(Integer.MAX_VALUE, 1)).isFalse();
        assertThat(RecordBatchHeader.incrementSequence(Integer.MAX_VALUE - 1, 3)).isEqualTo(1);
    }

    @Test
    void multipleBatchesOfOneProducerInOneRequestAreRejectedAsKafkaDoes() {
        assertThatThrownBy(() -> log.appendAsLeader(TestBatches.concat(idempotent(4, (short) 0, 0, 2, NOW),
                idempotent(4, (short) 0, 2, 2, NOW)), 0)).isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("more than one batch");
        assertThat(log.logEndOffset()).isZero();
        assertThat(log.appendAsLeader(idempotent(4, (short) 0, 0, 2, NOW), 0).lastOffset()).isEqualTo(1);
    }

    @Test
    void stateSurvivesCleanRestart() throws IOException {
        log.appendAsLeader(idempotent(11, (short) 2, 0, 3, NOW), 0);
        log.close();
        assertThat(Files.exists(tmp.resolve("t-0").resolve(String.format("%020d.snapshot", 3)))).isTrue();
        log = Log.open(tmp.resolve("t-0"), LogConfig.DEFAULTS, clock, 3, true);
        assertThat(log.appendAsLeader(idempotent(11, (short) 2, 0, 3, NOW), 0).duplicate()).isTrue();
        assertThatThrownBy(() -> log.appendAsLeader(idempotent(11, (short) 1, 3, 1, NOW), 0))
                .isInstanceOf(InvalidProducerEpochException.class);
        assertThat(log.appendAsLeader(idempotent(11, (short) 2, 3, 1, NOW), 0).firstOffset()).isEqualTo(3);
    }

    @Test
    void stateSurvivesUncleanRestartByReplayingTheLog() throws IOException {
        log.updateConfig(LogConfig.DEFAULTS.withSegmentBytes(500));
        for (int i = 0; i < 12; i++) {
            log.appendAsLeader(idempotent(21, (short) 0, i * 2, 2, NOW), 0);
        }
        assertThat(log.segmentCount()).isGreaterThan(2);
        Log crashed = log; // abandoned without close: no snapshot at the log end
        log = Log.open(tmp.resolve("t-0"), LogConfig.DEFAULTS.withSegmentBytes(500), clock, 0, false);
        assertThat(log.appendAsLeader(idempotent(21, (short) 0, 22, 2, NOW), 0))
                .extracting(AppendResult::firstOffset, AppendResult::duplicate).containsExactly(22L, true);
        assertThatThrownBy(() -> log.appendAsLeader(idempotent(21, (short) 0, 25, 1, NOW), 0))
                .isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(log.appendAsLeader(idempotent(21, (short) 0, 24, 1, NOW), 0).firstOffset()).isEqualTo(24);
        assertThat(crashed.logEndOffset()).isEqualTo(24);
    }

    @Test
    void uncleanRestartWithoutAnySnapshotReplaysFromTheStart() throws IOException {
        log.appendAsLeader(idempotent(31, (short) 0, 0, 2, NOW), 0);
        log.roll();
        log.appendAsLeader(idempotent(31, (short) 0, 2, 2, NOW), 0);
        try (var s = Files.list(tmp.resolve("t-0"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (p.toString().endsWith(".snapshot")) {
                    Files.delete(p);
                }
            }
        }
        log = Log.open(tmp.resolve("t-0"), LogConfig.DEFAULTS, clock, 0, false);
        assertThat(log.appendAsLeader(idempotent(31, (short) 0, 0, 2, NOW), 0).duplicate()).isTrue();
        assertThat(log.appendAsLeader(idempotent(31, (short) 0, 4, 1, NOW), 0).firstOffset()).isEqualTo(4);
    }

    @Test
    void onlyTheNewestSnapshotsAreKept() throws IOException {
        for (int i = 0; i < 5; i++) {
            log.appendAsLeader(idempotent(41, (short) 0, i, 1, NOW), 0);
            log.roll();
        }
        try (var s = Files.list(tmp.resolve("t-0"))) {
            assertThat(s.filter(p -> p.toString().endsWith(".snapshot")).count())
                    .isEqualTo(ProducerStateManager.SNAPSHOTS_TO_KEEP);
        }
    }

    /** producer.id.expiration.ms (Kafka default 1 day): an idle producer id is forgotten, also in the snapshot. */
    @Test
    void idleProducersExpire() throws IOException {
        long day = 86_400_000L;
        log.appendAsLeader(idempotent(1, (short) 0, 0, 1, NOW), 0);
        log.appendAsLeader(idempotent(2, (short) 0, 0, 1, NOW + 3_600_000L), 0);
        clock.advance(day - 1);
        assertThat(log.removeExpiredProducers(day)).isZero();
        assertThat(log.producerCount()).isEqualTo(2);

        clock.advance(1);
        assertThat(log.removeExpiredProducers(day)).isEqualTo(1);
        assertThat(log.producerCount()).isEqualTo(1);
        // Producer 1 is unknown now: any sequence is taken as a new producer's start, none is a duplicate.
        assertThat(log.appendAsLeader(idempotent(1, (short) 0, 0, 1, NOW), 0).duplicate()).isFalse();
        clock.advance(day);
        assertThat(log.removeExpiredProducers(day)).isEqualTo(2);

        log.close();
        log = Log.open(tmp.resolve("t-0"), LogConfig.DEFAULTS, clock, log.logEndOffset(), true);
        assertThat(log.producerCount()).as("producers in the snapshot written on close").isZero();
    }
}
