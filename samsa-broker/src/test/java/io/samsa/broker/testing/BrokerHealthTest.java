package io.samsa.broker.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The health check itself: passes on a fresh broker process, and fails while a connection it must not count is open. */
class BrokerHealthTest {
    @TempDir
    Path dir;

    @Test
    void aFreshBrokerProcessIsHealthyAndAnExtraConnectionIsNoticed() throws Exception {
        int metricsPort = BrokerProcess.freePort();
        try (BrokerProcess broker = BrokerProcess.start(Files.createDirectories(dir.resolve("data")),
                BrokerProcess.freePort(), Map.of("num.network.threads", "2", "metrics.port",
                        Integer.toString(metricsPort)))) {
            BrokerHealth health = broker.health(2, metricsPort);
            health.assertHealthy("start", 0);
            try (Socket extra = new Socket("127.0.0.1", broker.port())) {
                Thread.sleep(200);
                assertThat(health.connections()).isEqualTo(1.0);
                assertThatThrownBy(() -> health.connectionsBackTo(0, "extra connection"))
                        .isInstanceOf(AssertionError.class);
            }
            health.assertHealthy("extra connection closed", 0);
        }
    }
}
