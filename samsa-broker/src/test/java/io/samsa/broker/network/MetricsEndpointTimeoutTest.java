package io.samsa.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.testing.BrokerProcess;

/**
 * Slow HTTP clients on the metrics port (request headers that never end) must not block scrapes. Before the fix
 * the endpoint had one thread and no timeouts: a single such client blocked every later scrape for good.
 */
class MetricsEndpointTimeoutTest {
    private static final int SLOW_CLIENTS = 8;

    @TempDir
    static Path dataDir;
    static BrokerProcess broker;
    static int metricsPort;

    @BeforeAll
    static void start() throws Exception {
        BrokerProbe.Started started = BrokerProbe.startBroker(dataDir, Map.of(
                "num.network.threads", "1"));
        broker = started.broker();
        metricsPort = started.metricsPort();
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void slowClientsDoNotBlockScrapes() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < SLOW_CLIENTS; i++) {
                Socket s = new Socket("127.0.0.1", metricsPort);
                s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                slow.add(s);
            }
            // BrokerHealth's scrape gives up after 10 s; the endpoint's timeouts must free it before that.
            double connections = -1;
            for (int attempt = 0; attempt < 3 && connections < 0; attempt++) {
                try {
                    connections = broker.health(1, metricsPort).connections();
                } catch (java.net.http.HttpTimeoutException blocked) {
                    // the endpoint may still be busy with the slow clients; their timeouts end that
                }
            }
            assertThat(connections).as("a scrape answered while " + SLOW_CLIENTS + " slow clients hold the endpoint")
                    .isZero();
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
        broker.health(1, metricsPort).assertHealthy("slow clients on the metrics port", 0);
    }
}
