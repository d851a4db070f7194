package io.samsa.broker.txn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The coordinator over an in-memory transaction log and marker writer: what it writes, in which order, with
 * which coordinator epoch, and how it finishes what a previous coordinator left.
 */
class TransactionCoordinatorTest {
    private static final String ID = "orders-app";
    private static final TopicPartition A = new TopicPartition("a", 0);
    private static final TopicPartition B = new TopicPartition("b", 3);

    private final AtomicLong clock = new AtomicLong(5_000_000);
    private final AtomicLong producerIds = new AtomicLong(500);
    private final MemoryTxnLog txnLog = new MemoryTxnLog();
    private final RecordingMarkers markers = new RecordingMarkers();
    private final TransactionCoordinator coordinator = new TransactionCoordinator(txnLog, markers,
            producerIds::getAndIncrement, clock::get, new TransactionCoordinator.Config(4, 900_000, 3_600_000,
            604_800_000L, 3_600_000));
    private final int partition = coordinator.partitionFor(ID);

    @AfterEach
    void close() {
        coordinator.close();
    }

    @Test
    void aCommitWritesPrepareThenEveryMarkerThenComplete() throws Exception {
        coordinator.onLeader(partition, 7).get();
        TransactionCoordinator.InitResult init = coordinator.initProducerId(ID, 60_000, -1, (short) -1).get();
        assertThat(init.error()).isEqualTo(Errors.NONE);
        assertThat(init.producerId()).isEqualTo(500);
        assertThat(coordinator.addPartitions(ID, 500, (short) 0, Set.of(A, B)).get()).isEqualTo(Errors.NONE);
        assertThat(coordinator.endTxn(ID, 500, (short) 0, true).get()).isEqualTo(Errors.NONE);
        await(() -> txnLog.last(partition).state() == TxnState.COMPLETE_COMMIT, "the COMPLETE record");
        assertThat(txnLog.states(partition)).containsExactly(TxnState.EMPTY, TxnState.ONGOING,
                TxnState.PREPARE_COMMIT, TxnState.COMPLETE_COMMIT);
        assertThat(markers.written).containsExactlyInAnyOrder("a-0 500/0 COMMIT epoch 7", "b-3 500/0 COMMIT epoch 7");
        assertThat(coordinator.describe(ID).get().orElseThrow().partitions()).isEmpty();
    }

    @Test
    void idsOfPartitionsNotLedHereAnswerNotCoordinator() throws Exception {
        assertThat(coordinator.initProducerId(ID, 60_000, -1, (short) -1).get().error())
                .isEqualTo(Errors.NOT_COORDINATOR);
        coordinator.onLeader(partition, 1).get();
        coordinator.onNotLeader(partition).get();
        assertThat(coordinator.endTxn(ID, 1, (short) 0, true).get()).isEqualTo(Errors.NOT_COORDINATOR);
    }

    @Test
    void aNewCoordinatorFinishesATransactionThePreviousOneLeftPrepared() throws Exception {
        TxnRecord ongoing = new TxnRecord(ID, 42, -1, (short) 3, (short) -1, 60_000, TxnState.ONGOING,
                Set.of(A, B), 100, 100);
        txnLog.records(partition).add(ongoing);
        txnLog.records(partition).add(new TxnRecord(ID, 42, -1, (short) 3, (short) -1, 60_000,
                TxnState.PREPARE_ABORT, Set.of(A, B), 100, 200));
        coordinator.onLeader(partition, 9).get();
        await(() -> txnLog.last(partition).state() == TxnState.COMPLETE_ABORT, "the COMPLETE record");
        assertThat(markers.written).containsExactlyInAnyOrder("a-0 42/3 ABORT epoch 9", "b-3 42/3 ABORT epoch 9");
    }

    @Test
    void failedMarkersAreRetriedAndPartitionsThatNoLongerExistAreSkipped() throws Exception {
        markers.failuresLeft.put(A, new AtomicInteger(2));
        markers.gone.add(B);
        coordinator.onLeader(partition, 1).get();
        coordinator.initProducerId(ID, 60_000, -1, (short) -1).get();
        coordinator.addPartitions(ID, 500, (short) 0, Set.of(A, B)).get();
        assertThat(coordinator.endTxn(ID, 500, (short) 0, true).get()).isEqualTo(Errors.NONE);
        await(() -> txnLog.last(partition).state() == TxnState.COMPLETE_COMMIT, "the COMPLETE record");
        assertThat(markers.written).containsExactly("a-0 500/0 COMMIT epoch 1");
        assertThat(markers.attempts.get()).isEqualTo(4); // A three times, B once
    }

    @Test
    void aTransactionOpenPastItsTimeoutIsAbortedAndItsProducerFenced() throws Exception {
        coordinator.onLeader(partition, 1).get();
        coordinator.initProducerId(ID, 1_000, -1, (short) -1).get();
        coordinator.addPartitions(ID, 500, (short) 0, Set.of(A)).get();
        clock.addAndGet(1_001);
        coordinator.runOnThread(coordinator::abortTimedOut);
        await(() -> txnLog.last(partition).state() == TxnState.COMPLETE_ABORT, "the abort");
        assertThat(markers.written).containsExactly("a-0 500/1 ABORT epoch 1");
        assertThat(coordinator.endTxn(ID, 500, (short) 0, true).get()).isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void aFailedLogWriteAnswersCoordinatorNotAvailableAndChangesNothing() throws Exception {
        coordinator.onLeader(partition, 1).get();
        coordinator.initProducerId(ID, 60_000, -1, (short) -1).get();
        txnLog.failNext = true;
        assertThat(coordinator.addPartitions(ID, 500, (short) 0, Set.of(A)).get())
                .isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        assertThat(coordinator.describe(ID).get().orElseThrow().state()).isEqualTo(TxnState.EMPTY);
        assertThat(coordinator.addPartitions(ID, 500, (short) 0, Set.of(A)).get()).isEqualTo(Errors.NONE);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); // liveness bound only
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    /** The transaction log in memory: appends commit at once, unless told to fail the next one. */
    private static final class MemoryTxnLog implements TxnLog {
        final Map<Integer, List<TxnRecord>> partitions = new ConcurrentHashMap<>();
        volatile boolean failNext;

        List<TxnRecord> records(int partition) {
            return partitions.computeIfAbsent(partition, p -> Collections.synchronizedList(new ArrayList<>()));
        }

        TxnRecord last(int partition) {
            List<TxnRecord> r = records(partition);
            return r.isEmpty() ? new TxnRecord("-", -1, -1, (short) -1, (short) -1, 0, TxnState.DEAD, Set.of(), -1, -1)
                    : r.get(r.size() - 1);
        }

        List<TxnState> states(int partition) {
            return records(partition).stream().map(TxnRecord::state).toList();
        }

        @Override
        public void replay(int partition, Consumer<TxnRecord> visitor) {
            List.copyOf(records(partition)).forEach(visitor);
        }

        @Override
        public CompletionStage<Void> append(int partition, int leaderEpoch, TxnRecord record) {
            if (failNext) {
                failNext = false;
                return CompletableFuture.failedFuture(new NotEnoughReplicasException("test"));
            }
            records(partition).add(record);
            return CompletableFuture.completedFuture(null);
        }
    }

    /** Records markers; a partition may fail a number of times, or be gone. */
    private static final class RecordingMarkers implements MarkerWriter {
        final List<String> written = Collections.synchronizedList(new ArrayList<>());
        final Map<TopicPartition, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
        final Set<TopicPartition> gone = ConcurrentHashMap.newKeySet();
        final AtomicInteger attempts = new AtomicInteger();

        @Override
        public CompletionStage<Void> write(TopicPartition tp, long producerId, short producerEpoch, boolean commit,
                                           int coordinatorEpoch) {
            attempts.incrementAndGet();
            if (gone.contains(tp)) {
                return CompletableFuture.failedFuture(new UnknownTopicOrPartitionException("deleted"));
            }
            AtomicInteger f = failuresLeft.get(tp);
            if (f != null && f.getAndDecrement() > 0) {
                return CompletableFuture.failedFuture(new NotEnoughReplicasException("try again"));
            }
            written.add(tp + " " + producerId + "/" + producerEpoch + " " + (commit ? "COMMIT" : "ABORT") + " epoch "
                    + coordinatorEpoch);
            return CompletableFuture.completedFuture(null);
        }
    }
}
