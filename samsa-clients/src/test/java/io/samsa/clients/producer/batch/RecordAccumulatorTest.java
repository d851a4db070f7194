package io.samsa.clients.producer.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import io.samsa.protocol.records.BatchCompressor;

/**
 * The accumulator's Kafka-shaped sender interface: {@code ready} names the leaders with a sendable batch, how long
 * until another may become sendable, and expires queued batches; {@code drain} takes batches per leader within
 * the size budget and the gate. All on a fixed clock: no waiting.
 */
class RecordAccumulatorTest {
    private static final long LINGER = 50;
    private static final long DELIVERY_TIMEOUT = 1_000;
    private static final TopicPartition A = new TopicPartition("t", 0);
    private static final TopicPartition B = new TopicPartition("t", 1);
    private static final TopicPartition C = new TopicPartition("t", 2);
    /** Led by node 10, as A. */
    private static final TopicPartition D = new TopicPartition("t", 3);
    private static final ToIntFunction<TopicPartition> LEADERS =
            tp -> tp.equals(C) ? -1 : tp.equals(D) ? 10 : tp.partition() + 10;
    private static final RecordAccumulator.DrainGate OPEN = (tp, head, queue) -> true;

    private final RecordAccumulator acc = new RecordAccumulator(new RecordAccumulator.Settings(1024, LINGER,
            DELIVERY_TIMEOUT), new BufferPool(1 << 20, 1024), BatchCompressor.of("none", null), () -> { });

    private void append(TopicPartition tp, int valueBytes, long now) {
        acc.append(tp, now, null, new byte[valueBytes], new Header[0], null, 0, now);
    }

    @Test
    void aBatchBecomesReadyWhenItHasLingeredAndTheDelayUntilThenIsReported() {
        append(A, 10, 1_000);
        RecordAccumulator.ReadyCheck early = acc.ready(1_020, LEADERS, true);
        assertThat(early.readyNodes()).isEmpty();
        assertThat(early.nextReadyCheckDelayMs()).isEqualTo(30);
        assertThat(acc.drain(Set.of(10), LEADERS, 1 << 20, 1_020, OPEN)).isEmpty();

        RecordAccumulator.ReadyCheck later = acc.ready(1_050, LEADERS, true);
        assertThat(later.readyNodes()).containsExactly(10);
        Map<Integer, List<ProducerBatch>> drained = acc.drain(later.readyNodes(), LEADERS, 1 << 20, 1_050, OPEN);
        assertThat(drained.get(10)).hasSize(1);
        assertThat(drained.get(10).get(0).isClosed()).isTrue();
        assertThat(acc.queuedBatches(A)).isZero();
    }

    @Test
    void aFullBatchIsReadyAtOnceAndAPartitionWithoutLeaderIsNot() {
        for (int i = 0; i < 20; i++) {
            append(B, 100, 1_000); // more than one 1 KiB batch: the first is full
            append(C, 100, 1_000);
        }
        RecordAccumulator.ReadyCheck check = acc.ready(1_000, LEADERS, true);
        assertThat(check.readyNodes()).containsExactly(11);
    }

    @Test
    void drainKeepsEachLeaderWithinTheSizeBudgetButAlwaysTakesOneBatch() {
        append(A, 300, 1_000);
        append(D, 300, 1_000);
        append(B, 300, 1_000);
        Map<Integer, List<ProducerBatch>> drained = acc.drain(Set.of(10, 11), LEADERS, 1, 1_100, OPEN);
        assertThat(drained.get(10)).as("A and D share leader 10: one batch fits the budget").hasSize(1);
        assertThat(drained.get(11)).hasSize(1);
        assertThat(acc.drain(Set.of(10), LEADERS, 1, 1_100, OPEN).get(10)).as("the other one, next time").hasSize(1);

        append(A, 300, 1_000);
        append(D, 300, 1_000);
        assertThat(acc.drain(Set.of(10), LEADERS, 1 << 20, 1_100, OPEN).get(10)).hasSize(2);
    }

    @Test
    void theGateIsAskedWithTheQueueAndCanHoldAPartitionBack() {
        append(A, 10, 1_000);
        append(B, 10, 1_000);
        RecordAccumulator.DrainGate onlyB = (tp, head, queue) -> {
            assertThat(queue.iterator().next()).isSameAs(head);
            return tp.equals(B);
        };
        Map<Integer, List<ProducerBatch>> drained = acc.drain(Set.of(10, 11), LEADERS, 1 << 20, 1_100, onlyB);
        assertThat(drained).containsOnlyKeys(11);
        assertThat(acc.queuedBatches(A)).isEqualTo(1);
    }

    @Test
    void queuedBatchesPastTheDeliveryTimeoutExpireEvenWithoutAProducerId() {
        append(A, 10, 1_000);
        assertThat(acc.ready(1_999, LEADERS, false).expired()).isEmpty();
        RecordAccumulator.ReadyCheck check = acc.ready(2_000, LEADERS, false);
        assertThat(check.readyNodes()).as("not sendable without a producer id").isEmpty();
        assertThat(check.expired()).hasSize(1);
        assertThat(check.expired().get(0).isClosed()).isTrue();
        assertThat(acc.queuedBatches(A)).isZero();
        assertThat(acc.hasIncomplete()).as("the sender fails it; until then it is incomplete").isTrue();
    }

    @Test
    void aBatchBackingOffForARetryIsNotReadyUntilItsTime() {
        append(A, 10, 1_000);
        ProducerBatch b = acc.drain(Set.of(10), LEADERS, 1 << 20, 1_100, OPEN).get(10).get(0);
        b.attempted(1_100);
        b.retryAt(1_300);
        acc.reenqueue(b);
        RecordAccumulator.ReadyCheck check = acc.ready(1_200, LEADERS, true);
        assertThat(check.readyNodes()).isEmpty();
        assertThat(check.nextReadyCheckDelayMs()).isEqualTo(100);
        assertThat(acc.ready(1_300, LEADERS, true).readyNodes()).containsExactly(10);
    }

    @Test
    void leadersAreLookedUpOnlyForSendableBatches() {
        append(A, 10, 1_000);
        append(B, 10, 1_000);
        acc.drain(Set.of(10), LEADERS, 1 << 20, 1_100, OPEN); // A's queue is now empty
        List<TopicPartition> asked = new java.util.ArrayList<>();
        ToIntFunction<TopicPartition> counting = tp -> {
            asked.add(tp); // MetadataCache.leaderFor asks for a refresh when it does not know the leader
            return LEADERS.applyAsInt(tp);
        };
        append(D, 10, 1_090); // still lingering at 1_100
        acc.ready(1_100, counting, true);
        acc.drain(Set.of(10, 11), counting, 1 << 20, 1_100, OPEN);
        assertThat(asked).containsOnly(B);
    }
}
