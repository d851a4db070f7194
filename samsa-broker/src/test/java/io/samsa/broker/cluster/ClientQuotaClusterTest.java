package io.samsa.broker.cluster;

import static io.samsa.broker.cluster.ClusterFixtures.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.samsa.testkit.SamsaCluster;

/**
 * Client quotas in a three-node cluster: a quota altered through any node (the active controller's own or, through
 * the controller channel, another's) is applied by that node before it answers and described by every node.
 */
@Timeout(300)
class ClientQuotaClusterTest {
    private static Map<ClientQuotaEntity, Map<String, Double>> quotasOn(int node, SamsaCluster cluster) {
        try (Admin admin = ClusterFixtures.admin(cluster.address(node))) {
            return admin.describeClientQuotas(ClientQuotaFilter.all()).entities().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            return Map.of(); // asked again
        }
    }

    @Test
    void aQuotaAlteredThroughAnyNodeIsDescribedByEveryNode() throws Exception {
        try (SamsaCluster cluster = SamsaCluster.start(3, Map.of())) {
            Map<ClientQuotaEntity, Map<String, Double>> expected = new HashMap<>();
            for (int node : cluster.brokerIds()) {
                ClientQuotaEntity entity = new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, "via-" + node));
                try (Admin admin = ClusterFixtures.admin(cluster.address(node))) {
                    admin.alterClientQuotas(List.of(new ClientQuotaAlteration(entity, List.of(
                            new ClientQuotaAlteration.Op("producer_byte_rate", 1000.0 + node)))))
                            .all().get(60, TimeUnit.SECONDS);
                    // Answered once applied here: this node describes it at once.
                    assertThat(admin.describeClientQuotas(ClientQuotaFilter.all()).entities()
                            .get(30, TimeUnit.SECONDS)).containsKey(entity);
                }
                expected.put(entity, Map.of("producer_byte_rate", 1000.0 + node));
            }
            for (int node : cluster.brokerIds()) {
                awaitCondition("node " + node + " describes every quota",
                        () -> quotasOn(node, cluster).equals(expected));
            }
        }
    }
}
