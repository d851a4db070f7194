package io.samsa.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;


/**
 * Slow HTTP clients on the metrics port (request headers that never end) must not block scrapes. Before the fix
 * the endpoint had one thread and no timeouts: a single such client blocked every later scrape for good.
 */
class MetricsEndpointTimeoutTest {
    private static final int SLOW_CLIENTS = 8;

    @RegisterExtension
    static final BrokerPerClass started = new BrokerPerClass(Map.of(
                "num.network.threads", "1"));

    @Test
    void slowClientsDoNotBlockScrapes() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < SLOW_CLIENTS; i++) {
                Socket s = new Socket("127.0.0.1", started.metricsPort());
                s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                slow.add(s);
            }
            // BrokerHealth's scrape gives up after 10 s; the endpoint's timeouts must free it before that.
            double connections = -1;
            for (int attempt = 0; attempt < 3 && connections < 0; attempt++) {
                try {
                    connections = started.process().health(1, started.metricsPort()).connections();
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
        started.process().health(1, started.metricsPort()).assertHealthy("slow clients on the metrics port", 0);
    }
}
