package io.samsa.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** log.cleaner.io.max.bytes.per.second: the cleaner's I/O is held to the rate, bursts included. */
class ThrottlerTest {

    @Test
    void aBurstIsHeldToTheRate() {
        Throttler throttler = new Throttler(4_000_000); // 4 MB/s
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            throttler.acquire(100_000); // 2 MB in all: at least half a second
        }
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(450);
    }
}
