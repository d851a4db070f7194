package io.samsa.broker.cluster;

import static io.samsa.broker.cluster.ClusterFixtures.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.samsa.testkit.SamsaCluster;

/**
 * Dynamic broker configs (KIP-226) in a three-node cluster: a change sent to any broker travels to the active
 * controller over the quorum, is replicated, and every node applies it — the cluster-wide default on all of them,
 * a per-broker value only on its broker — and a restarted node still has both.
 */
@Timeout(300)
class DynamicBrokerConfigsClusterTest {

    private static ConfigEntry retention(Admin admin, int nodeId, String key) {
        ConfigResource r = new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(nodeId));
        try {
            return admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r).get(key);
        } catch (Exception e) {
            return null; // a node restarting: asked again
        }
    }

    private static boolean shows(Admin admin, int nodeId, String value, ConfigEntry.ConfigSource source) {
        ConfigEntry e = retention(admin, nodeId, "log.retention.ms");
        return e != null && value.equals(e.value()) && e.source() == source;
    }

    private static void set(Admin admin, String broker, String key, String value) throws Exception {
        Map<ConfigResource, Collection<AlterConfigOp>> changes = Map.of(
                new ConfigResource(ConfigResource.Type.BROKER, broker),
                List.of(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET)));
        admin.incrementalAlterConfigs(changes).all().get(60, TimeUnit.SECONDS);
    }

    @Test
    void aDefaultReachesEveryNodeAndAPerBrokerValueOnlyItsOwn() throws Exception {
        try (SamsaCluster cluster = SamsaCluster.start(3, Map.of());
             Admin admin = ClusterFixtures.admin(cluster.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("t", 3, (short) 3))).all().get(60, TimeUnit.SECONDS);
            List<Integer> nodes = cluster.brokerIds();

            set(admin, "", "log.retention.ms", "12345");
            for (int node : nodes) {
                awaitCondition("node " + node + " has the cluster default",
                        () -> shows(admin, node, "12345", ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG));
            }
            int own = nodes.get(1);
            set(admin, Integer.toString(own), "log.retention.ms", "777");
            awaitCondition("node " + own + " has its own value",
                    () -> shows(admin, own, "777", ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG));
            for (int node : nodes) {
                if (node != own) {
                    assertThat(shows(admin, node, "12345", ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG))
                            .as("node " + node).isTrue();
                }
            }

            cluster.kill(own);
            cluster.restart(own);
            awaitCondition("restarted node " + own + " still has its own value",
                    () -> shows(admin, own, "777", ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG));
        }
    }
}
