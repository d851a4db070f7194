package io.samsa.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.config.BrokerConfig;
import io.samsa.testkit.PrometheusScrape;

/**
 * A controller-only node in-process: {@link SamsaNode#start} picks it from {@code process.roles=controller}; alone
 * in its quorum it becomes the active controller, and its metrics endpoint says so and describes the (empty)
 * cluster. A broker cannot be started with the controller role only.
 */
class SamsaControllerTest {

    private static Map<String, String> controllerOnly(Path dir) {
        int port = PrometheusScrape.freePort();
        Map<String, String> c = new HashMap<>();
        c.put("process.roles", "controller");
        c.put("node.id", "7");
        c.put("controller.quorum.voters", "7@127.0.0.1:" + port);
        c.put("listeners", "CONTROLLER://127.0.0.1:" + port);
        c.put("controller.listener.names", "CONTROLLER");
        c.put("log.dirs", dir.toString());
        c.put("metrics.port", "0");
        return c;
    }

    @Test
    void aLoneControllerOnlyNodeLeadsItsQuorumAndReportsItsMetrics(@TempDir Path dir) throws Exception {
        try (SamsaNode node = SamsaNode.start(BrokerConfig.from(controllerOnly(dir)))) {
            assertThat(node).isInstanceOf(SamsaController.class);
            SamsaController controller = (SamsaController) node;
            assertThat(node.describe()).startsWith("controller-only node 7 on 127.0.0.1:" + node.port());
            long deadline = System.currentTimeMillis() + 30_000;
            while (!controller.isActive()) {
                assertThat(System.currentTimeMillis()).as("node 7 becomes the active controller")
                        .isLessThan(deadline);
                Thread.sleep(50);
            }
            int metrics = controller.metricsPort();
            assertThat(PrometheusScrape.value(metrics, "samsa_controller_active")).isEqualTo(1.0);
            assertThat(PrometheusScrape.value(metrics, "samsa_quorum_leader_id")).isEqualTo(7.0);
            assertThat(PrometheusScrape.value(metrics, "samsa_controller_topics")).isEqualTo(0.0);
            assertThat(PrometheusScrape.value(metrics, "samsa_controller_offline_partitions")).isEqualTo(0.0);
        }
    }

    @Test
    void aBrokerNeedsTheBrokerRole(@TempDir Path dir) {
        assertThatThrownBy(() -> SamsaBroker.start(BrokerConfig.from(controllerOnly(dir))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("controller-only node");
    }
}
