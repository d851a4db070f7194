package io.samsa.network.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * Kafka's reconnect backoff: doubling from {@code reconnect.backoff.ms} to {@code reconnect.backoff.max.ms} with
 * ±20 % jitter, reset by a ready connection; and, from outside, a client facing a broker that drops every
 * connection tries a handful of times in three seconds rather than every 50 ms.
 */
class ReconnectBackoffTest {

    @Test
    void waitsDoubleUpToTheMaximumWithJitterAndStartOverAfterSuccess() {
        ReconnectBackoff backoff = new ReconnectBackoff(50, 1000);
        long now = 0;
        assertThat(backoff.mayConnect(1, now)).isTrue();
        long[] expected = {50, 100, 200, 400, 800, 1000, 1000};
        for (long base : expected) {
            backoff.failed(1, now);
            assertThat(backoff.mayConnect(1, now + (long) (base * 0.8) - 1)).as("before %d ms -20%%", base).isFalse();
            assertThat(backoff.mayConnect(1, now + (long) (base * 1.2) + 1)).as("after %d ms +20%%", base).isTrue();
            assertThat(backoff.mayConnect(2, now)).as("other nodes are not held back").isTrue();
        }
        backoff.succeeded(1);
        assertThat(backoff.mayConnect(1, now)).isTrue();
        backoff.failed(1, now);
        assertThat(backoff.mayConnect(1, now + 61)).as("back to reconnect.backoff.ms").isTrue();
    }

    @Test
    void aBrokerThatDropsEveryConnectionIsTriedAHandfulOfTimesNotEveryFiftyMs() throws Exception {
        AtomicInteger accepted = new AtomicInteger();
        try (ServerSocket dropping = new ServerSocket(0)) {
            Thread acceptor = new Thread(() -> {
                while (!dropping.isClosed()) {
                    try (Socket s = dropping.accept()) {
                        accepted.incrementAndGet();
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            try (NetworkIo io = new NetworkIo("backoff-test", 30_000, 50, 0)) {
                io.address(1, "127.0.0.1", dropping.getLocalPort());
                long end = System.currentTimeMillis() + 3000;
                while (System.currentTimeMillis() < end) {
                    io.ensureConnected(1, System.currentTimeMillis());
                    io.poll(10, System.currentTimeMillis());
                }
            }
        }
        // 50, 100, 200, 400, 800, 1000 ms apart: about 6 in 3 s (a fixed 50 ms backoff made about 40).
        assertThat(accepted.get()).isBetween(3, 10);
    }
}
