package io.samsa.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;

import org.junit.jupiter.api.Test;

/** The pause definition on made-up timelines (milliseconds as nanos via {@link #ms}); no processes, no clock. */
class WritePauseTest {
    private static final long SIGNAL = ms(10_000);

    @Test
    void sigkillPauseEndsAtTheFirstAckOfARecordSentAfterTheSignal() {
        WritePause pause = new WritePause(SIGNAL, Set.of(0));
        pause.oldLeaderGone(SIGNAL + ms(1));
        pause.onAck(0, ms(9_990), ms(9_995));            // before the signal: ignored
        pause.onAck(0, ms(9_998), SIGNAL + ms(2));       // in flight on the dying leader, read after the signal
        pause.onAck(0, ms(9_999), SIGNAL + ms(9_000));   // sent before the signal, retried on the new leader
        assertThat(pause.result()).as("no record sent after the signal acknowledged yet").isEmpty();
        pause.onAck(0, SIGNAL + ms(5), SIGNAL + ms(9_001));
        pause.onAck(0, SIGNAL + ms(6), SIGNAL + ms(9_002));

        WritePause.Result r = pause.result().orElseThrow();
        assertThat(r.pauseMs()).isEqualTo(9_001.0);
        assertThat(r.longestGapMs()).as("2 ms to 9000 ms").isEqualTo(8_998.0);
    }

    @Test
    void theRoundEndsWhenEveryPartitionOfTheNodeTakesWritesAgain() {
        WritePause pause = new WritePause(SIGNAL, Set.of(0, 2));
        pause.oldLeaderGone(SIGNAL);
        pause.onAck(1, SIGNAL + ms(1), SIGNAL + ms(3));  // another node's partition: not watched
        pause.onAck(0, SIGNAL + ms(1), SIGNAL + ms(4_000));
        assertThat(pause.result()).isEmpty();
        pause.onAck(2, SIGNAL + ms(2), SIGNAL + ms(6_500));

        WritePause.Result r = pause.result().orElseThrow();
        assertThat(r.pauseMs()).isEqualTo(6_500.0);
        assertThat(r.longestGapMs()).isEqualTo(6_500.0);
    }

    @Test
    void sigtermCountsOnlyRecordsSentAfterTheProcessExitedAndItsGapIsTheRealStop() {
        WritePause pause = new WritePause(SIGNAL, Set.of(0));
        // Controlled shutdown: the old leader keeps acknowledging, leadership moves (writes stop for 490 ms), the
        // new leader acknowledges while the old process is still shutting down.
        pause.onAck(0, SIGNAL + ms(10), SIGNAL + ms(20));
        pause.onAck(0, SIGNAL + ms(25), SIGNAL + ms(510));
        pause.onAck(0, SIGNAL + ms(520), SIGNAL + ms(810));
        for (long t = 1_200; t <= 2_800; t += 400) {
            pause.onAck(0, SIGNAL + ms(t - 5), SIGNAL + ms(t));
        }
        assertThat(pause.result()).as("the exit time is not known yet").isEmpty();
        pause.oldLeaderGone(SIGNAL + ms(3_000));
        pause.onAck(0, SIGNAL + ms(2_990), SIGNAL + ms(3_001));
        assertThat(pause.result()).as("sent before the exit").isEmpty();
        pause.onAck(0, SIGNAL + ms(3_002), SIGNAL + ms(3_004));

        WritePause.Result r = pause.result().orElseThrow();
        assertThat(r.pauseMs()).isEqualTo(3_004.0);
        assertThat(r.longestGapMs()).isEqualTo(490.0);
    }

    @Test
    void aRoundWatchesAtLeastOnePartition() {
        assertThatThrownBy(() -> new WritePause(SIGNAL, Set.of())).isInstanceOf(IllegalArgumentException.class);
    }

    private static long ms(long millis) {
        return millis * 1_000_000L;
    }
}
