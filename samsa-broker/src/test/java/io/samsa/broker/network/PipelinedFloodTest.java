package io.samsa.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;


/**
 * One socket pipelines 200,000 ApiVersions requests without waiting for answers; every one must be answered, in
 * order. Meanwhile another connection on the same network thread (one network thread, so they share it) measures
 * its own ApiVersions latency, which is printed (the target is under 100 ms; a figure, not an assertion).
 * Before the fix, each pipelined request recursed one level deeper on the network thread, and the flooding
 * connection had the thread to itself until its socket ran dry.
 */
class PipelinedFloodTest {
    private static final int REQUESTS = Integer.getInteger("samsa.test.pipelinedRequests", 200_000);
    /** Liveness bound for the whole flood to be answered. */
    private static final long FLOOD_LIMIT_SECONDS = 120;

    @RegisterExtension
    static final BrokerPerClass started = new BrokerPerClass(Map.of(
                "num.network.threads", "1"));

    @Test
    void everyPipelinedRequestIsAnsweredWhileOthersAreServed() throws Exception {
        try (Socket flood = new Socket("127.0.0.1", started.process().port());
             Socket probe = new Socket("127.0.0.1", started.process().port())) {
            flood.setSoTimeout(30_000);
            probe.setSoTimeout(30_000);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = new BufferedOutputStream(flood.getOutputStream(), 64 * 1024);
                    for (int i = 0; i < REQUESTS; i++) {
                        out.write(BrokerProbe.apiVersionsV0(i));
                    }
                    out.flush();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            AtomicBoolean flooding = new AtomicBoolean(true);
            CompletableFuture<long[]> latencies = CompletableFuture.supplyAsync(() -> measure(probe, flooding));
            DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(flood.getInputStream()));
            long start = System.nanoTime();
            try {
                for (int i = 0; i < REQUESTS; i++) {
                    assertThat(BrokerProbe.readResponse(in)).as("correlation id of answer " + i).isEqualTo(i);
                }
            } finally {
                flooding.set(false);
            }
            long floodMs = (System.nanoTime() - start) / 1_000_000;
            writer.get(FLOOD_LIMIT_SECONDS, TimeUnit.SECONDS);
            long[] micros = latencies.get(FLOOD_LIMIT_SECONDS, TimeUnit.SECONDS);
            Arrays.sort(micros);
            System.out.printf("PipelinedFloodTest: %d pipelined ApiVersions answered in %d ms; other connection's "
                            + "ApiVersions meanwhile: %d samples, p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    REQUESTS, floodMs, micros.length, pct(micros, 0.50), pct(micros, 0.99),
                    micros.length == 0 ? 0 : micros[micros.length - 1] / 1000.0);
            assertThat(micros.length).as("probe requests answered during the flood").isPositive();
        }
        started.process().health(1, started.metricsPort()).assertHealthy("200,000 pipelined requests", 0);
    }

    private static long[] measure(Socket probe, AtomicBoolean flooding) {
        long[] samples = new long[1 << 20];
        int n = 0;
        try {
            OutputStream out = probe.getOutputStream();
            DataInputStream in = new DataInputStream(probe.getInputStream());
            while (flooding.get() && n < samples.length) {
                long t0 = System.nanoTime();
                out.write(BrokerProbe.apiVersionsV0(n));
                out.flush();
                BrokerProbe.readResponse(in);
                samples[n++] = (System.nanoTime() - t0) / 1000;
            }
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
        return Arrays.copyOf(samples, n);
    }

    private static double pct(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1000.0;
    }
}
