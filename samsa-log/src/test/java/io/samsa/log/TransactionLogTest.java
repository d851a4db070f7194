package io.samsa.log;

import static io.samsa.log.TestBatches.NOW;
import static io.samsa.log.TestBatches.batch;
import static io.samsa.log.TestBatches.transactional;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.TransactionCoordinatorFencedException;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.testkit.MutableClock;

/**
 * The log side of transactions: open transactions in producer state, the last stable offset, the per-segment
 * {@code .txnindex}, read_committed reads, markers written as leader and as follower, and what survives restarts,
 * truncation, rolls and retention.
 */
class TransactionLogTest {

    static final long A = 1000;
    static final long B = 2000;
    static final short EPOCH = 0;

    @TempDir
    Path tmp;
    MutableClock clock = new MutableClock(NOW);

    private Path dir() {
        return tmp.resolve("txn-0");
    }

    private Log open() throws IOException {
        return Log.open(dir(), LogConfig.DEFAULTS, clock, 0, true);
    }

    private static List<Long> lastOffsets(ReadResult r) throws IOException {
        return TestBatches.batches(r).stream().map(MutableRecordBatch::lastOffset).toList();
    }

    private static ReadResult committed(Log log, long from) {
        return log.read(from, 1 << 20, true, FetchIsolation.TXN_COMMITTED);
    }

    /**
     * Two producers' interleaved transactions plus plain records, offsets:
     * 0-2 plain, 3-4 A, 5 plain, 6-7 B, 8 A, 9 ABORT(A), 10 plain, 11 COMMIT(B), 12-13 A, 14 COMMIT(A), 15 B,
     * 16 ABORT(B).
     */
    private static void writeInterleaved(Log log, List<Long> lsoAfterEachStep) {
        log.appendAsLeader(batch(3, NOW), 0);
        lsoAfterEachStep.add(log.lastStableOffset());
        log.appendAsLeader(transactional(A, EPOCH, 0, 2, NOW), 0);
        lsoAfterEachStep.add(log.lastStableOffset());
        log.appendAsLeader(batch(1, NOW), 0);
        lsoAfterEachStep.add(log.lastStableOffset());
        log.appendAsLeader(transactional(B, EPOCH, 0, 2, NOW), 0);
        lsoAfterEachStep.add(log.lastStableOffset());
        log.appendAsLeader(transactional(A, EPOCH, 2, 1, NOW), 0);
        lsoAfterEachStep.add(log.lastStableOffset());
        log.appendControlMarkerAsLeader(A, EPOCH, false, 5, 0);
        lsoAfterEachStep.add(log.lastStableOffset());
        log.appendAsLeader(batch(1, NOW), 0);
        lsoAfterEachStep.add(log.lastStableOffset());
        log.appendControlMarkerAsLeader(B, EPOCH, true, 5, 0);
        lsoAfterEachStep.add(log.lastStableOffset());
        log.appendAsLeader(transactional(A, EPOCH, 3, 2, NOW), 0);
        lsoAfterEachStep.add(log.lastStableOffset());
        log.appendControlMarkerAsLeader(A, EPOCH, true, 5, 0);
        lsoAfterEachStep.add(log.lastStableOffset());
        log.appendAsLeader(transactional(B, EPOCH, 2, 1, NOW), 0);
        lsoAfterEachStep.add(log.lastStableOffset());
        log.appendControlMarkerAsLeader(B, EPOCH, false, 5, 0);
        lsoAfterEachStep.add(log.lastStableOffset());
    }

    private static final List<AbortedTxn> BOTH_ABORTED = List.of(new AbortedTxn(A, 3, 9, 6),
            new AbortedTxn(B, 15, 16, 17));

    @Test
    void lastStableOffsetAndReadCommittedFollowInterleavedTransactions() throws IOException {
        try (Log log = open()) {
            List<Long> lso = new java.util.ArrayList<>();
            log.appendAsLeader(batch(3, NOW), 0);
            lso.add(log.lastStableOffset());
            log.appendAsLeader(transactional(A, EPOCH, 0, 2, NOW), 0);
            // A's open transaction at 3: read_committed stops before it, read_uncommitted does not.
            assertThat(log.lastStableOffset()).isEqualTo(3);
            assertThat(log.firstUnstableOffset()).isEqualTo(3);
            assertThat(lastOffsets(committed(log, 0))).containsExactly(2L);
            assertThat(committed(log, 3).sizeInBytes()).isZero();
            assertThat(lastOffsets(log.read(0, 1 << 20, true, FetchIsolation.HIGH_WATERMARK)))
                    .containsExactly(2L, 4L);
            assertThat(committed(log, 0).lastStableOffset()).isEqualTo(3);
            assertThat(committed(log, 0).highWatermark()).isEqualTo(5);
        }
    }

    @Test
    void interleavedTransactionsMoveTheLastStableOffsetAsKafkaDoes() throws IOException {
        try (Log log = open()) {
            List<Long> lso = new java.util.ArrayList<>();
            writeInterleaved(log, lso);
            // After: plain, A opens, plain, B opens, A again, ABORT(A) → B's 6, plain, COMMIT(B) → end, A opens at
            // 12, COMMIT(A), B opens at 15, ABORT(B).
            assertThat(lso).containsExactly(3L, 3L, 3L, 3L, 3L, 6L, 6L, 12L, 12L, 15L, 15L, 17L);
            assertThat(log.logEndOffset()).isEqualTo(17);
            assertThat(log.ongoingTransactions()).isEmpty();

            ReadResult all = committed(log, 0);
            assertThat(lastOffsets(all)).containsExactly(2L, 4L, 5L, 7L, 8L, 9L, 10L, 11L, 13L, 14L, 15L, 16L);
            assertThat(all.abortedTransactions()).containsExactlyElementsOf(BOTH_ABORTED);
            // From 10 on only B's second transaction overlaps; a read of the first batch alone needs none.
            assertThat(committed(log, 10).abortedTransactions()).containsExactly(new AbortedTxn(B, 15, 16, 17));
            assertThat(log.read(0, 1, true, FetchIsolation.TXN_COMMITTED).abortedTransactions()).isEmpty();
            assertThat(log.read(3, 1, true, FetchIsolation.TXN_COMMITTED).abortedTransactions())
                    .containsExactly(new AbortedTxn(A, 3, 9, 6));
            assertThat(log.abortedTransactions(11, 15)).isEmpty();
            assertThat(log.abortedTransactions(0, 100)).containsExactlyElementsOf(BOTH_ABORTED);
            // Uncommitted reads see everything and carry no aborted list.
            ReadResult uncommitted = log.read(0, 1 << 20, true, FetchIsolation.HIGH_WATERMARK);
            assertThat(lastOffsets(uncommitted)).hasSize(12);
            assertThat(uncommitted.abortedTransactions()).isEmpty();
            assertThat(Files.size(txnIndex(0))).isEqualTo(2L * TransactionIndex.ENTRY_SIZE);
        }
    }

    @Test
    void readCommittedStopsAtTheLastStableOffsetWhileATransactionIsOpen() throws IOException {
        try (Log log = open()) {
            log.appendAsLeader(batch(3, NOW), 0);
            log.appendAsLeader(transactional(A, EPOCH, 0, 2, NOW), 0);
            log.appendAsLeader(batch(1, NOW), 0);
            log.appendAsLeader(transactional(B, EPOCH, 0, 2, NOW), 0);
            log.appendControlMarkerAsLeader(A, EPOCH, false, 5, 0);
            // LSO 6 (B open): the batches below it, and A's abort (3..9 overlaps [0, 6)).
            ReadResult r = committed(log, 0);
            assertThat(r.lastStableOffset()).isEqualTo(6);
            assertThat(lastOffsets(r)).containsExactly(2L, 4L, 5L);
            assertThat(r.abortedTransactions()).containsExactly(new AbortedTxn(A, 3, 8, 6));
            assertThat(log.ongoingTransactions()).isEqualTo(Map.of(B, 6L));
        }
    }

    @Test
    void aMarkerClosesATransactionOnlyOnceTheHighWatermarkPassesIt() throws IOException {
        try (Log log = open()) {
            log.setHighWatermarkFollowsLogEnd(false);
            log.appendAsLeader(transactional(A, EPOCH, 0, 2, NOW), 0);
            log.appendControlMarkerAsLeader(A, EPOCH, true, 5, 0);
            log.updateHighWatermark(1);
            assertThat(log.lastStableOffset()).isZero();
            log.updateHighWatermark(2); // the marker at 2 is not yet replicated
            assertThat(log.lastStableOffset()).isZero();
            log.updateHighWatermark(3);
            assertThat(log.lastStableOffset()).isEqualTo(3);
            assertThat(log.firstUnstableOffset()).isEqualTo(-1);
        }
    }

    @Test
    void markersFromAnOlderProducerOrCoordinatorEpochAreRejectedAndClientsCannotWriteControlBatches()
            throws IOException {
        try (Log log = open()) {
            log.appendAsLeader(transactional(A, (short) 3, 0, 1, NOW), 0);
            assertThatThrownBy(() -> log.appendControlMarkerAsLeader(A, (short) 2, true, 5, 0))
                    .isInstanceOf(InvalidProducerEpochException.class);
            log.appendControlMarkerAsLeader(A, (short) 3, false, 5, 0);
            log.appendAsLeader(transactional(A, (short) 3, 1, 1, NOW), 0);
            assertThatThrownBy(() -> log.appendControlMarkerAsLeader(A, (short) 3, true, 4, 0))
                    .isInstanceOf(TransactionCoordinatorFencedException.class);
            assertThat(log.logEndOffset()).isEqualTo(3);
            assertThat(log.lastStableOffset()).isEqualTo(2);
            ByteBuffer marker = TestBatches.markerAt(0, A, (short) 3, true, 5, NOW);
            assertThatThrownBy(() -> log.appendAsLeader(marker, 0)).isInstanceOf(InvalidRecordException.class);
        }
    }

    @Test
    void aFollowerIndexesTheLeadersAbortsAsTheLeaderDoes() throws IOException {
        try (Log leader = Log.open(tmp.resolve("leader-0"), LogConfig.DEFAULTS, clock, 0, true);
             Log follower = Log.open(tmp.resolve("follower-0"), LogConfig.DEFAULTS, clock, 0, true)) {
            writeInterleaved(leader, new java.util.ArrayList<>());
            follower.appendAsFollower(ByteBuffer.wrap(TestBatches.bytes(leader.read(0, 1 << 20, true))));
            follower.updateHighWatermark(follower.logEndOffset());
            assertThat(follower.lastStableOffset()).isEqualTo(17);
            assertThat(committed(follower, 0).abortedTransactions()).containsExactlyElementsOf(BOTH_ABORTED);
        }
    }

    @Test
    void openTransactionsLastStableOffsetAndTheIndexSurviveCleanAndUncleanRestarts() throws IOException {
        try (Log log = open()) {
            writeInterleaved(log, new java.util.ArrayList<>());
            log.appendAsLeader(transactional(A, EPOCH, 5, 2, NOW), 0); // 17-18, open
            log.appendAsLeader(batch(1, NOW), 0);
            assertThat(log.lastStableOffset()).isEqualTo(17);
        }
        try (Log log = open()) {
            assertThat(log.lastStableOffset()).isEqualTo(17);
            assertThat(log.ongoingTransactions()).isEqualTo(Map.of(A, 17L));
            assertThat(committed(log, 0).abortedTransactions()).containsExactlyElementsOf(BOTH_ABORTED);
        }
        // Unclean: every segment is recovered, its index rebuilt from the replay, and the snapshot may be gone.
        deleteSnapshots();
        try (Log log = Log.open(dir(), LogConfig.DEFAULTS, clock, 0, false)) {
            assertThat(log.lastStableOffset()).isEqualTo(17);
            assertThat(log.ongoingTransactions()).isEqualTo(Map.of(A, 17L));
            assertThat(committed(log, 0).abortedTransactions()).containsExactlyElementsOf(BOTH_ABORTED);
            // The reopened transaction still ends as a transaction does.
            log.appendControlMarkerAsLeader(A, EPOCH, false, 5, 0);
            assertThat(log.lastStableOffset()).isEqualTo(log.logEndOffset());
            assertThat(log.abortedTransactions(17, 18)).containsExactly(new AbortedTxn(A, 17, 20, 21));
        }
    }

    @Test
    void aDeletedOrTornTransactionIndexIsRebuilt() throws IOException {
        try (Log log = open()) {
            writeInterleaved(log, new java.util.ArrayList<>());
            log.roll();
            log.appendAsLeader(batch(1, NOW), 0);
        }
        Files.delete(txnIndex(0));
        try (Log log = open()) {
            assertThat(committed(log, 0).abortedTransactions()).containsExactlyElementsOf(BOTH_ABORTED);
        }
        assertThat(Files.size(txnIndex(0))).isEqualTo(2L * TransactionIndex.ENTRY_SIZE);
        // Torn: a partial entry at the end.
        Files.write(txnIndex(0), new byte[] {0, 0, 1}, java.nio.file.StandardOpenOption.APPEND);
        try (Log log = open()) {
            assertThat(committed(log, 0).abortedTransactions()).containsExactlyElementsOf(BOTH_ABORTED);
        }
        assertThat(Files.size(txnIndex(0))).isEqualTo(2L * TransactionIndex.ENTRY_SIZE);
        // A segment without markers only gets its empty file back.
        Files.delete(txnIndex(17));
        try (Log log = open()) {
            assertThat(log.logEndOffset()).isEqualTo(18);
        }
        assertThat(txnIndex(17)).exists().isEmptyFile();
    }

    @Test
    void truncatingBelowAMarkerReopensTheTransactionAndDropsItsIndexEntry() throws IOException {
        try (Log log = open()) {
            log.appendAsLeader(batch(2, NOW), 0);                      // 0-1
            log.appendAsLeader(transactional(A, EPOCH, 0, 2, NOW), 0); // 2-3
            log.appendControlMarkerAsLeader(A, EPOCH, false, 5, 0);   // 4
            log.appendAsLeader(batch(1, NOW), 0);                      // 5
            assertThat(log.lastStableOffset()).isEqualTo(6);
            assertThat(log.abortedTransactions(0, 6)).hasSize(1);

            log.truncateTo(4);

            assertThat(log.logEndOffset()).isEqualTo(4);
            assertThat(log.ongoingTransactions()).isEqualTo(Map.of(A, 2L));
            assertThat(log.lastStableOffset()).isEqualTo(2);
            assertThat(log.abortedTransactions(0, 4)).isEmpty();
            assertThat(Files.size(txnIndex(0))).isZero();
            assertThat(lastOffsets(committed(log, 0))).containsExactly(1L);
            // The leader's marker arrives again.
            log.appendControlMarkerAsLeader(A, EPOCH, true, 5, 0);
            assertThat(log.lastStableOffset()).isEqualTo(5);
            assertThat(log.abortedTransactions(0, 5)).isEmpty();
        }
    }

    @Test
    void eachSegmentIndexesTheAbortsOfItsMarkersAndRetentionDeletesTheFiles() throws IOException {
        LogConfig config = LogConfig.DEFAULTS.withRetention(60_000, -1);
        try (Log log = Log.open(dir(), config, clock, 0, true)) {
            log.appendAsLeader(transactional(A, EPOCH, 0, 2, NOW), 0);     // 0-1
            log.roll();
            log.appendAsLeader(transactional(B, EPOCH, 0, 1, NOW), 0);     // 2
            log.appendControlMarkerAsLeader(A, EPOCH, false, 5, 0);       // 3: A's abort goes to segment 2
            log.roll();
            log.appendControlMarkerAsLeader(B, EPOCH, false, 5, 0);       // 4
            log.roll();
            log.appendAsLeader(batch(1, NOW), 0);                          // 5
            assertThat(Files.size(txnIndex(0))).isZero();
            assertThat(Files.size(txnIndex(2))).isEqualTo(TransactionIndex.ENTRY_SIZE);
            assertThat(Files.size(txnIndex(4))).isEqualTo(TransactionIndex.ENTRY_SIZE);
            // A fetch from 0 finds A's abort in a later segment: it began below the fetched range's end.
            assertThat(log.abortedTransactions(0, 2)).containsExactly(new AbortedTxn(A, 0, 3, 2));
            assertThat(log.abortedTransactions(0, 6)).containsExactly(new AbortedTxn(A, 0, 3, 2),
                    new AbortedTxn(B, 2, 4, 5));

            clock.advance(120_000);
            assertThat(log.deleteRetainedSegments()).isEqualTo(3);
            assertThat(txnIndex(0)).doesNotExist();
            assertThat(txnIndex(2)).doesNotExist();
            assertThat(txnIndex(4)).doesNotExist();
            assertThat(log.abortedTransactions(5, 6)).isEmpty();
        }
    }

    @Test
    void aTransactionBegunBelowANewLogStartStaysOpenWithItsUnstableOffsetRaisedToTheStart() throws IOException {
        try (Log log = open()) {
            log.appendAsLeader(transactional(A, EPOCH, 0, 2, NOW), 0); // 0-1
            log.roll();
            log.appendAsLeader(transactional(A, EPOCH, 2, 2, NOW), 0); // 2-3
            log.appendAsLeader(batch(1, NOW), 0);                      // 4
            log.maybeIncrementLogStartOffset(3);
            assertThat(log.logStartOffset()).isEqualTo(3);
            assertThat(log.lastStableOffset()).isEqualTo(3);
            log.appendControlMarkerAsLeader(A, EPOCH, false, 5, 0);   // 5
            assertThat(log.lastStableOffset()).isEqualTo(6);
            // Its records above the start (3) are still reported aborted.
            assertThat(committed(log, 3).abortedTransactions()).containsExactly(new AbortedTxn(A, 0, 5, 6));
        }
    }

    @Test
    void aSnapshotWrittenBeforeTransactionsIsStillRead() throws IOException {
        try (Log log = open()) {
            log.appendAsLeader(TestBatches.idempotent(A, EPOCH, 0, 3, NOW), 0); // 0-2
        }
        deleteSnapshots();
        // Version 1: no coordinator epoch, no open transaction.
        ByteBuffer v1 = ByteBuffer.allocate(12 + 8 + 2 + 8 + 4 + 32);
        v1.putInt(1).putInt(0).putInt(1).putLong(A).putShort(EPOCH).putLong(NOW).putInt(1)
                .putInt(0).putInt(2).putLong(0).putLong(2).putLong(NOW);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(v1.array(), 8, v1.capacity() - 8);
        v1.putInt(4, (int) crc.getValue());
        Files.write(dir().resolve(LogFiles.name(3, LogFiles.SNAPSHOT_SUFFIX)), v1.array());
        try (Log log = open()) {
            AppendResult retry = log.appendAsLeader(TestBatches.idempotent(A, EPOCH, 0, 3, NOW), 0);
            assertThat(retry.duplicate()).isTrue();
            assertThat(log.activeProducers()).containsExactly(new ActiveProducer(A, EPOCH, 2, NOW, -1, -1));
            assertThat(log.lastStableOffset()).isEqualTo(3);
        }
    }

    @Test
    void aProducerWithAnOpenTransactionNeverExpires() throws IOException {
        try (Log log = open()) {
            log.appendAsLeader(transactional(A, EPOCH, 0, 1, NOW), 0);
            log.appendAsLeader(TestBatches.idempotent(B, EPOCH, 0, 1, NOW), 0);
            clock.advance(3_600_000);
            assertThat(log.removeExpiredProducers(60_000)).isEqualTo(1);
            assertThat(log.activeProducers())
                    .extracting(ActiveProducer::producerId, ActiveProducer::currentTxnStartOffset)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(A, 0L));
            log.appendControlMarkerAsLeader(A, EPOCH, true, 1, 0);
            assertThat(log.removeExpiredProducers(60_000)).isZero(); // the marker's timestamp is now
            clock.advance(120_000);
            assertThat(log.removeExpiredProducers(60_000)).isEqualTo(1);
        }
    }

    private Path txnIndex(long base) {
        return dir().resolve(LogFiles.name(base, LogFiles.TXN_INDEX_SUFFIX));
    }

    private void deleteSnapshots() throws IOException {
        try (var s = Files.list(dir())) {
            for (Path p : s.filter(p -> p.toString().endsWith(LogFiles.SNAPSHOT_SUFFIX)).toList()) {
                Files.delete(p);
            }
        }
    }
}
