package io.samsa.clients.producer.sender;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The epoch bump rules that the broker tests cannot reach (an exhausted epoch) or only reach by chance. */
class IdempotenceStateTest {
    private static final TopicPartition A = new TopicPartition("t", 0);
    private static final TopicPartition B = new TopicPartition("t", 1);

    @Test
    void aResetBumpsTheEpochOnceAndTheOtherPartitionsFollowWithoutAnotherBump() {
        IdempotenceState s = new IdempotenceState();
        s.producerId(7, (short) 3);
        s.assign(A, 10);
        s.assign(B, 5);
        s.partition(A).gap = true;

        assertThat(s.resetPartition(A)).isTrue();
        assertThat(s.epoch()).isEqualTo((short) 4);
        assertThat(s.assign(A, 1)).isZero();
        assertThat(s.partition(A).epoch).isEqualTo((short) 4);
        assertThat(s.partition(A).needsReset()).isFalse();
        // B keeps numbering under epoch 3 until it needs a reset; then it joins epoch 4 without bumping again
        assertThat(s.assign(B, 1)).isEqualTo(5);
        assertThat(s.resetPartition(B)).isTrue();
        assertThat(s.epoch()).isEqualTo((short) 4);
        assertThat(s.assign(B, 1)).isZero();
    }

    @Test
    void anExhaustedEpochAsksForANewProducerId() {
        IdempotenceState s = new IdempotenceState();
        s.producerId(7, Short.MAX_VALUE);
        s.assign(A, 10);
        assertThat(s.resetPartition(A)).isFalse();
        assertThat(s.hasProducerId()).isFalse();
        s.producerId(8, (short) 0);
        assertThat(s.resetPartition(A)).isTrue();
        assertThat(s.partition(A).producerId).isEqualTo(8);
        assertThat(s.assign(A, 1)).isZero();
    }

    @Test
    void sequencesWrapLikeKafkas() {
        assertThat(IdempotenceState.increment(Integer.MAX_VALUE, 1)).isZero();
        assertThat(IdempotenceState.after(0, Integer.MAX_VALUE)).isTrue();
        assertThat(IdempotenceState.after(5, 4)).isTrue();
        assertThat(IdempotenceState.after(4, 4)).isFalse();
        assertThat(IdempotenceState.after(4, 5)).isFalse();
    }
}
