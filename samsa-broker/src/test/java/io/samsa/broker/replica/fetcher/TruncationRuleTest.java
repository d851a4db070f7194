package io.samsa.broker.replica.fetcher;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.samsa.log.EpochEndOffset;

/** Where a follower truncates after a diverging epoch, case by case as Kafka's fetcher decides. */
class TruncationRuleTest {

    @Test
    void theSameEpochOnBothSidesTruncatesToTheSmallerEnd() {
        assertThat(TruncationRule.truncationOffset(new EpochEndOffset(3, 100), new EpochEndOffset(3, 120), 150))
                .isEqualTo(100);
        assertThat(TruncationRule.truncationOffset(new EpochEndOffset(3, 100), new EpochEndOffset(3, 90), 150))
                .isEqualTo(90);
    }

    @Test
    void anOlderEpochHereTruncatesToItsEndAndTheNextFetchAsksAgain() {
        assertThat(TruncationRule.truncationOffset(new EpochEndOffset(3, 100), new EpochEndOffset(2, 80), 150))
                .isEqualTo(80);
    }

    @Test
    void noEpochHereTruncatesToTheLeadersEndButNeverAboveTheLogEnd() {
        assertThat(TruncationRule.truncationOffset(new EpochEndOffset(3, 100), EpochEndOffset.UNDEFINED, 150))
                .isEqualTo(100);
        assertThat(TruncationRule.truncationOffset(new EpochEndOffset(3, 100), EpochEndOffset.UNDEFINED, 40))
                .isEqualTo(40);
    }
}
