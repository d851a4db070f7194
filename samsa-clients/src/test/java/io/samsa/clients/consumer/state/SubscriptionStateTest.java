package io.samsa.clients.consumer.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Epochs: what was fetched for a partition's earlier state is never current for a later one. */
class SubscriptionStateTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);

    private static int fetchEpoch(SubscriptionState s) {
        List<SubscriptionState.Fetchable> f = s.fetchable();
        assertThat(f).hasSize(1);
        return f.get(0).epoch();
    }

    @Test
    void aPartitionRevokedAndAssignedAgainDoesNotTakeItsOldFetchesAsCurrent() {
        SubscriptionState s = new SubscriptionState(ResetStrategy.EARLIEST, 2);
        s.assignFromGroup(List.of(TP));
        s.seek(TP, 10);
        int old = fetchEpoch(s);
        s.fetchDone(TP);
        s.assignFromGroup(List.of());
        s.assignFromGroup(List.of(TP));
        s.seek(TP, 5); // the same steps as the first time: a per-state count would give the same epoch
        assertThat(s.isCurrent(TP, old)).isFalse();
        assertThat(s.fetched(TP, old, 30, 30, 30, 0, true)).isFalse();
        assertThat(s.advance(TP, old, 25, -1)).isFalse();
        assertThat(s.position(TP)).isEqualTo(5);
        assertThat(fetchEpoch(s)).isNotEqualTo(old);
    }

    @Test
    void aResetAnsweredForAnEarlierStateIsIgnored() {
        SubscriptionState s = new SubscriptionState(ResetStrategy.EARLIEST, 2);
        s.assignFromGroup(List.of(TP));
        s.requestReset(TP, ResetStrategy.EARLIEST);
        SubscriptionState.Reset old = s.awaitingReset().get(0);
        s.assignFromGroup(List.of());
        s.assignFromGroup(List.of(TP));
        s.requestReset(TP, ResetStrategy.LATEST);
        s.resetDone(TP, old.epoch(), 0);
        assertThat(s.position(TP)).isNull();
    }

    @Test
    void aPartitionKeptAcrossAnAssignmentKeepsItsPositionAndFetches() {
        SubscriptionState s = new SubscriptionState(ResetStrategy.EARLIEST, 2);
        s.assignFromGroup(List.of(TP));
        s.seek(TP, 10);
        int epoch = fetchEpoch(s);
        s.assignFromGroup(List.of(TP, new TopicPartition("t", 1)));
        assertThat(s.isCurrent(TP, epoch)).isTrue();
        assertThat(s.position(TP)).isEqualTo(10);
    }
}
