package io.samsa.broker.txn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's decisions, one operation at a time, each write committed by replaying it as the coordinator
 * does (or failed with writeFailed): Kafka's answers for transaction version 1 clients.
 */
class TxnStateMachineTest {
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);
    private static final String ID = "app-1";

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final AtomicLong ids = new AtomicLong(1000);
    private final TxnStateMachine txns = new TxnStateMachine(ids::getAndIncrement, clock::get, 900_000);

    private TxnRecord commit(TxnResult r) {
        assertThat(r.write()).as("a record to write").isNotNull();
        txns.replay(r.write());
        return r.write();
    }

    private TxnRecord init() {
        TxnResult r = txns.initProducerId(ID, 60_000, -1, (short) -1);
        assertThat(r.error()).isEqualTo(Errors.NONE);
        return commit(r);
    }

    @Test
    void aNewIdGetsAProducerIdAtEpochZeroAndEachInitBumpsTheEpoch() {
        TxnRecord first = init();
        assertThat(first.producerId()).isEqualTo(1000);
        assertThat(first.producerEpoch()).isZero();
        assertThat(first.state()).isEqualTo(TxnState.EMPTY);
        TxnRecord second = init();
        assertThat(second.producerId()).isEqualTo(1000);
        assertThat(second.producerEpoch()).isEqualTo((short) 1);
        assertThat(txns.endTxn(ID, 1000, (short) 0, true).error()).as("the old instance").isEqualTo(
                Errors.PRODUCER_FENCED);
    }

    @Test
    void initWhileATransactionIsOpenAbortsItUnderABumpedEpochAndAsksTheCallerToRetry() {
        TxnRecord p = init();
        commit(txns.addPartitions(ID, p.producerId(), p.producerEpoch(), Set.of(P0, P1)));
        TxnResult fence = txns.initProducerId(ID, 60_000, -1, (short) -1);
        assertThat(fence.error()).isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        TxnRecord abort = commit(fence);
        assertThat(abort.state()).isEqualTo(TxnState.PREPARE_ABORT);
        assertThat(abort.producerEpoch()).isEqualTo((short) 1);
        assertThat(abort.partitions()).containsExactlyInAnyOrder(P0, P1);
        assertThat(txns.initProducerId(ID, 60_000, -1, (short) -1).error()).as("markers not yet written")
                .isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        assertThat(txns.preparedAwaitingMarkers()).containsExactly(abort);
        TxnRecord done = txns.markersWritten(abort);
        txns.replay(done);
        assertThat(done.state()).isEqualTo(TxnState.COMPLETE_ABORT);
        assertThat(done.partitions()).isEmpty();
        TxnRecord retried = init();
        assertThat(retried.producerEpoch()).isEqualTo((short) 2);
        assertThat(txns.addPartitions(ID, p.producerId(), (short) 0, Set.of(P0)).error())
                .isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void addPartitionsChecksTheProducerAndSkipsWritesForPartitionsAlreadyAdded() {
        assertThat(txns.addPartitions(ID, 1, (short) 0, Set.of(P0)).error())
                .isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
        TxnRecord p = init();
        assertThat(txns.addPartitions(ID, p.producerId() + 1, (short) 0, Set.of(P0)).error())
                .isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
        assertThat(txns.addPartitions(ID, p.producerId(), (short) 5, Set.of(P0)).error())
                .isEqualTo(Errors.PRODUCER_FENCED);
        TxnResult add = txns.addPartitions(ID, p.producerId(), (short) 0, Set.of(P0));
        assertThat(txns.addPartitions(ID, p.producerId(), (short) 0, Set.of(P1)).error())
                .as("while the first write is in flight").isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        TxnRecord ongoing = commit(add);
        assertThat(ongoing.state()).isEqualTo(TxnState.ONGOING);
        assertThat(ongoing.startMs()).isEqualTo(clock.get());
        TxnResult again = txns.addPartitions(ID, p.producerId(), (short) 0, Set.of(P0));
        assertThat(again.error()).isEqualTo(Errors.NONE);
        assertThat(again.write()).isNull();
        clock.addAndGet(10);
        TxnRecord both = commit(txns.addPartitions(ID, p.producerId(), (short) 0, Set.of(P1)));
        assertThat(both.partitions()).containsExactlyInAnyOrder(P0, P1);
        assertThat(both.startMs()).as("the transaction's start stays").isEqualTo(ongoing.startMs());
    }

    @Test
    void endTxnAnswersAsKafkaInEveryState() {
        TxnRecord p = init();
        long pid = p.producerId();
        assertThat(txns.endTxn(ID, pid, (short) 0, true).error()).as("nothing open").isEqualTo(
                Errors.INVALID_TXN_STATE);
        commit(txns.addPartitions(ID, pid, (short) 0, Set.of(P0)));
        TxnResult end = txns.endTxn(ID, pid, (short) 0, true);
        assertThat(end.error()).isEqualTo(Errors.NONE);
        TxnRecord prepared = commit(end);
        assertThat(prepared.state()).isEqualTo(TxnState.PREPARE_COMMIT);
        assertThat(prepared.partitions()).containsExactly(P0);
        assertThat(txns.endTxn(ID, pid, (short) 0, true).error()).isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        assertThat(txns.endTxn(ID, pid, (short) 0, false).error()).isEqualTo(Errors.INVALID_TXN_STATE);
        assertThat(txns.addPartitions(ID, pid, (short) 0, Set.of(P1)).error())
                .isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        txns.replay(txns.markersWritten(prepared));
        assertThat(txns.endTxn(ID, pid, (short) 0, true).error()).as("a retried commit").isEqualTo(Errors.NONE);
        assertThat(txns.endTxn(ID, pid, (short) 0, false).error()).isEqualTo(Errors.INVALID_TXN_STATE);
        // the next transaction, aborted
        commit(txns.addPartitions(ID, pid, (short) 0, Set.of(P1)));
        TxnRecord abort = commit(txns.endTxn(ID, pid, (short) 0, false));
        assertThat(abort.state()).isEqualTo(TxnState.PREPARE_ABORT);
        assertThat(abort.producerEpoch()).as("version 1: the epoch stays").isZero();
        txns.replay(txns.markersWritten(abort));
        assertThat(txns.endTxn(ID, pid, (short) 0, false).error()).isEqualTo(Errors.NONE);
        assertThat(txns.endTxn(ID, pid, (short) 0, true).error()).isEqualTo(Errors.INVALID_TXN_STATE);
    }

    @Test
    void aFailedWriteChangesNothing() {
        TxnRecord p = init();
        TxnResult add = txns.addPartitions(ID, p.producerId(), (short) 0, Set.of(P0));
        txns.writeFailed(add.write());
        assertThat(txns.describe(ID).orElseThrow().state()).isEqualTo(TxnState.EMPTY);
        assertThat(commit(txns.addPartitions(ID, p.producerId(), (short) 0, Set.of(P0))).state())
                .isEqualTo(TxnState.ONGOING);
    }

    @Test
    void aTransactionOpenPastItsTimeoutIsAbortedUnderABumpedEpoch() {
        TxnRecord p = init();
        commit(txns.addPartitions(ID, p.producerId(), (short) 0, Set.of(P0)));
        clock.addAndGet(60_000);
        assertThat(txns.abortTimedOut()).as("not yet past the timeout").isEmpty();
        clock.addAndGet(1);
        TxnRecord abort = commit(txns.abortTimedOut().get(0));
        assertThat(abort.state()).isEqualTo(TxnState.PREPARE_ABORT);
        assertThat(abort.producerEpoch()).isEqualTo((short) 1);
        txns.replay(txns.markersWritten(abort));
        assertThat(txns.endTxn(ID, p.producerId(), (short) 0, true).error()).isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(txns.abortTimedOut()).isEmpty();
    }

    @Test
    void anIdleIdExpiresAsATombstone() {
        init();
        clock.addAndGet(604_800_000L - 1);
        assertThat(txns.expire(604_800_000L)).isEmpty();
        clock.addAndGet(1);
        TxnRecord dead = commit(txns.expire(604_800_000L).get(0));
        assertThat(dead.state()).isEqualTo(TxnState.DEAD);
        assertThat(dead.value()).isNull();
        assertThat(txns.describe(ID)).isEmpty();
        assertThat(init().producerId()).as("a new producer id after expiry").isEqualTo(1001);
    }

    @Test
    void anExhaustedEpochRotatesTheProducerId() {
        txns.replay(new TxnRecord(ID, 7, -1, (short) (Short.MAX_VALUE - 1), (short) -1, 60_000,
                TxnState.COMPLETE_COMMIT, Set.of(), -1, clock.get()));
        TxnRecord rotated = init();
        assertThat(rotated.producerId()).isEqualTo(1000);
        assertThat(rotated.prevProducerId()).isEqualTo(7);
        assertThat(rotated.producerEpoch()).isZero();
    }

    @Test
    void aRecoveringProducerGetsItsEpochBumpedAndARetryGetsTheSameAnswer() {
        TxnRecord p = init();
        TxnResult bump = txns.initProducerId(ID, 60_000, p.producerId(), (short) 0);
        assertThat(bump.error()).isEqualTo(Errors.NONE);
        TxnRecord bumped = commit(bump);
        assertThat(bumped.producerEpoch()).isEqualTo((short) 1);
        assertThat(bumped.lastProducerEpoch()).isZero();
        TxnRecord retry = commit(txns.initProducerId(ID, 60_000, p.producerId(), (short) 0));
        assertThat(retry.producerEpoch()).as("a retry of the bump").isEqualTo((short) 1);
        assertThat(txns.initProducerId(ID, 60_000, p.producerId() + 5, (short) 0).error())
                .isEqualTo(Errors.PRODUCER_FENCED);
        init(); // a new instance: last epoch forgotten
        assertThat(txns.initProducerId(ID, 60_000, p.producerId(), (short) 1).error())
                .isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void timeoutsAreBounded() {
        assertThat(txns.initProducerId(ID, 900_001, -1, (short) -1).error())
                .isEqualTo(Errors.INVALID_TRANSACTION_TIMEOUT);
        assertThat(txns.initProducerId(ID, 0, -1, (short) -1).error()).isEqualTo(Errors.INVALID_TRANSACTION_TIMEOUT);
        assertThat(txns.initProducerId("", 1000, -1, (short) -1).error()).isEqualTo(Errors.INVALID_REQUEST);
    }

    @Test
    void recordsRoundTripThroughTheirEncoding() {
        TxnRecord r = new TxnRecord(ID, 42, 7, (short) 3, (short) 2, 60_000, TxnState.ONGOING, Set.of(P0, P1,
                new TopicPartition("other", 9)), 123, 456);
        String id = TxnRecord.decodeKey(ByteBuffer.wrap(r.key()));
        assertThat(id).isEqualTo(ID);
        assertThat(TxnRecord.decode(id, ByteBuffer.wrap(r.value()))).isEqualTo(r);
        assertThat(TxnRecord.decode(id, null).state()).isEqualTo(TxnState.DEAD);
    }

    // ---- transaction version 2 (KIP-890 part 2) ----

    private static final short TV2 = 2;

    /** A version 2 transaction on P0 (added by its leader), committed: answers the EndTxn result. */
    private TxnResult transactionV2(TxnRecord p, boolean commit) {
        commit(txns.addPartitions(ID, p.producerId(), p.producerEpoch(), Set.of(P0), TV2));
        TxnResult end = txns.endTxn(ID, p.producerId(), p.producerEpoch(), commit, TV2);
        assertThat(end.error()).isEqualTo(Errors.NONE);
        return end;
    }

    @Test
    void versionTwoBumpsTheEpochAtEveryEndAndTheMarkersCarryIt() {
        TxnRecord p = init();
        TxnResult end = transactionV2(p, true);
        TxnRecord prepared = commit(end);
        assertThat(prepared.state()).isEqualTo(TxnState.PREPARE_COMMIT);
        assertThat(prepared.producerEpoch()).as("the markers' epoch").isEqualTo((short) 1);
        assertThat(prepared.lastProducerEpoch()).isZero();
        assertThat(end.producerId()).isEqualTo(p.producerId());
        assertThat(end.producerEpoch()).as("the producer goes on with the bumped epoch").isEqualTo((short) 1);
        TxnRecord complete = commit(new TxnResult(Errors.NONE, txns.markersWritten(prepared), -1, (short) -1));
        assertThat(complete.state()).isEqualTo(TxnState.COMPLETE_COMMIT);
        assertThat(complete.producerEpoch()).isEqualTo((short) 1);

        // The next transaction runs at the bumped epoch; the old one is fenced.
        assertThat(txns.addPartitions(ID, p.producerId(), (short) 0, Set.of(P1), TV2).error())
                .isEqualTo(Errors.PRODUCER_FENCED);
        TxnResult second = transactionV2(complete, false);
        assertThat(commit(second).producerEpoch()).isEqualTo((short) 2);
    }

    @Test
    void aRetriedVersionTwoEndTxnNamesThePreviousEpochAndGetsTheSameAnswer() {
        TxnRecord p = init();
        TxnRecord prepared = commit(transactionV2(p, true));
        assertThat(txns.endTxn(ID, p.producerId(), (short) 0, true, TV2).error()).as("retry while prepared")
                .isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        commit(new TxnResult(Errors.NONE, txns.markersWritten(prepared), -1, (short) -1));
        TxnResult retry = txns.endTxn(ID, p.producerId(), (short) 0, true, TV2);
        assertThat(retry.error()).isEqualTo(Errors.NONE);
        assertThat(retry.write()).isNull();
        assertThat(retry.producerEpoch()).isEqualTo((short) 1);
        assertThat(txns.endTxn(ID, p.producerId(), (short) 0, false, TV2).error()).as("abort after commit")
                .isEqualTo(Errors.INVALID_TXN_STATE);
        assertThat(txns.endTxn(ID, p.producerId(), (short) 1, true, TV2).error())
                .as("the current epoch with nothing open").isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void aVersionTwoTransactionAbortedForItsTimeoutLeavesItsProducerFenced() {
        TxnRecord p = init();
        commit(txns.addPartitions(ID, p.producerId(), p.producerEpoch(), Set.of(P0), TV2));
        clock.addAndGet(61_000);
        TxnRecord fenced = commit(txns.abortTimedOut().get(0));
        assertThat(fenced.producerEpoch()).isEqualTo((short) 1);
        commit(new TxnResult(Errors.NONE, txns.markersWritten(fenced), -1, (short) -1));
        assertThat(txns.endTxn(ID, p.producerId(), (short) 0, true, TV2).error()).as("not a retry of its own end")
                .isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void aVersionTwoTransactionWhoseEpochRunsOutHandsOverToANewProducerId() {
        txns.replay(new TxnRecord(ID, 7, -1, (short) (Short.MAX_VALUE - 1), (short) -1, 60_000,
                TxnState.COMPLETE_COMMIT, Set.of(), -1, clock.get(), -1, TV2));
        TxnRecord p = txns.describe(ID).orElseThrow();
        TxnResult end = transactionV2(p, true);
        TxnRecord prepared = commit(end);
        assertThat(prepared.producerId()).as("the markers' producer").isEqualTo(7);
        assertThat(prepared.producerEpoch()).isEqualTo(Short.MAX_VALUE);
        assertThat(end.producerId()).isEqualTo(1000);
        assertThat(end.producerEpoch()).isZero();
        TxnRecord complete = commit(new TxnResult(Errors.NONE, txns.markersWritten(prepared), -1, (short) -1));
        assertThat(complete.producerId()).isEqualTo(1000);
        assertThat(complete.prevProducerId()).isEqualTo(7);
        assertThat(complete.producerEpoch()).isZero();
        TxnResult retry = txns.endTxn(ID, 7, (short) (Short.MAX_VALUE - 1), true, TV2);
        assertThat(retry.error()).as("a retry with the old id").isEqualTo(Errors.NONE);
        assertThat(retry.producerId()).isEqualTo(1000);
        // The new id works.
        commit(txns.addPartitions(ID, 1000, (short) 0, Set.of(P0), TV2));
    }

    @Test
    void versionTwoRecordsRoundTripAndVersionZeroValuesStillDecode() {
        TxnRecord r = new TxnRecord(ID, 42, 7, (short) 3, (short) 2, 60_000, TxnState.PREPARE_COMMIT, Set.of(P0),
                123, 456, 99, TV2);
        assertThat(TxnRecord.decode(ID, ByteBuffer.wrap(r.value()))).isEqualTo(r);
        // A value written before transaction version 2: the same fields without the last two.
        TxnRecord v1 = new TxnRecord(ID, 42, 7, (short) 3, (short) 2, 60_000, TxnState.ONGOING, Set.of(P0), 123, 456);
        byte[] current = v1.value();
        ByteBuffer old = ByteBuffer.allocate(current.length - 10).put(current, 0, current.length - 10);
        old.putShort(0, (short) 0);
        old.flip();
        assertThat(TxnRecord.decode(ID, old)).isEqualTo(v1);
    }
}
