package io.samsa.broker.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Offsets committed inside a producer's transaction (TxnOffsetCommit) against the coordinator over a real log:
 * invisible (and unstable for read_committed consumers) until the transaction coordinator's COMMIT marker, dropped on
 * ABORT, and the same after a restart replays the log — with the transaction still open, committed or aborted.
 */
class TransactionalOffsetsTest {
    private static final TopicPartition TP = new TopicPartition("input", 0);
    private static final String GROUP = "eos-group";
    private static final long PRODUCER = 7L;

    @TempDir
    Path dir;
    private CoordinatorHarness h;

    @BeforeEach
    void open() throws Exception {
        h = new CoordinatorHarness(dir, CoordinatorHarness.fastConfig());
    }

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    private Map<TopicPartition, Errors> commitInTxn(long producerId, short epoch, long offset) throws Exception {
        return h.coordinator.commitTransactionalOffsets(GROUP, producerId, epoch, "", null, -1,
                Map.of(TP, new CommittedOffset(offset, -1, "txn", h.clock.millis(), -1L))).get(5, TimeUnit.SECONDS);
    }

    private void commitPlain(long offset) throws Exception {
        assertThat(h.coordinator.commitOffsets(GROUP, "", null, -1,
                Map.of(TP, new CommittedOffset(offset, -1, "plain", h.clock.millis(), -1L)), false)
                .get(5, TimeUnit.SECONDS)).containsEntry(TP, Errors.NONE);
    }

    private void end(long producerId, short epoch, boolean commit) throws Exception {
        h.coordinator.completeTransaction(0, producerId, epoch, commit, 0).get(5, TimeUnit.SECONDS);
    }

    private Long committed() throws Exception {
        CommittedOffset o = h.coordinator.fetchOffsets(GROUP, List.of(TP)).get(5, TimeUnit.SECONDS).get(TP);
        return o == null ? null : o.offset();
    }

    private boolean unstable() throws Exception {
        return h.coordinator.fetchOffsets(GROUP, List.of(TP), true).get(5, TimeUnit.SECONDS).unstable().contains(TP);
    }

    @Test
    void offsetsCountOnlyOnceTheTransactionCommits() throws Exception {
        commitPlain(5);
        assertThat(commitInTxn(PRODUCER, (short) 0, 10)).containsEntry(TP, Errors.NONE);
        assertThat(committed()).as("pending: the last committed offset stands").isEqualTo(5);
        assertThat(unstable()).as("a read_committed consumer is told to wait").isTrue();
        assertThat(h.coordinator.fetchOffsets(GROUP, List.of(TP), false).get().unstable()).isEmpty();

        end(PRODUCER, (short) 0, true);
        assertThat(committed()).isEqualTo(10);
        assertThat(unstable()).isFalse();
    }

    @Test
    void anAbortedTransactionsOffsetsNeverCount() throws Exception {
        commitPlain(5);
        commitInTxn(PRODUCER, (short) 0, 10);
        end(PRODUCER, (short) 0, false);
        assertThat(committed()).isEqualTo(5);
        assertThat(unstable()).isFalse();
    }

    @Test
    void aRestartKeepsWhatTheMarkersDecidedAndTheOpenTransactionPending() throws Exception {
        commitInTxn(PRODUCER, (short) 0, 10);
        end(PRODUCER, (short) 0, true);                  // committed: 10
        commitInTxn(PRODUCER, (short) 0, 20);
        end(PRODUCER, (short) 0, false);                 // aborted: 20 never counts
        commitInTxn(PRODUCER + 1, (short) 0, 30);        // still open at the restart

        h.restart();
        assertThat(committed()).isEqualTo(10);
        assertThat(unstable()).as("the open transaction is pending again after the load").isTrue();
        end(PRODUCER + 1, (short) 0, true);
        assertThat(committed()).isEqualTo(30);

        h.restart();
        assertThat(committed()).isEqualTo(30);
        assertThat(unstable()).isFalse();
    }

    @Test
    void aFencedProducerEpochIsRefusedAndChangesNothing() throws Exception {
        commitInTxn(PRODUCER, (short) 3, 10);
        end(PRODUCER, (short) 3, true);
        assertThat(commitInTxn(PRODUCER, (short) 2, 99)).containsEntry(TP, Errors.INVALID_PRODUCER_EPOCH);
        assertThat(unstable()).isFalse();
        assertThat(committed()).isEqualTo(10);
        // An old epoch's marker is refused as well (the log checks it), and the coordinator is told.
        assertThatThrownBy(() -> end(PRODUCER, (short) 2, false)).isInstanceOf(ExecutionException.class)
                .hasRootCauseInstanceOf(InvalidProducerEpochException.class);
    }

    @Test
    void aMemberOfAnotherGenerationIsFencedButARebalanceDoesNotRefuse() throws Exception {
        // An unknown group takes transactional offsets only without a generation (KIP-447 fencing needs a group).
        assertThat(h.coordinator.commitTransactionalOffsets("no-such-group", PRODUCER, (short) 0, "m", null, 4,
                Map.of(TP, new CommittedOffset(1, -1, "", 0, -1))).get()).containsEntry(TP, Errors.ILLEGAL_GENERATION);
        assertThat(h.coordinator.commitTransactionalOffsets("simple", PRODUCER, (short) 0, "", null, -1,
                Map.of(TP, new CommittedOffset(1, -1, "", 0, -1))).get()).containsEntry(TP, Errors.NONE);
    }
}
