package io.samsa.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/** The cluster's own promises: three nodes serve, a killed leader is replaced, a restarted node comes back. */
class ApacheKafkaClusterTest {
    @Test
    void killedLeaderIsReplacedAndTheNodeComesBack() throws Exception {
        try (ApacheKafkaCluster cluster = ApacheKafkaCluster.start(3)) {
            Properties props = new Properties();
            props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
            try (Admin admin = Admin.create(props)) {
                admin.createTopics(List.of(new NewTopic("t", 1, (short) 3)
                        .configs(Map.of("min.insync.replicas", "2")))).all().get(30, TimeUnit.SECONDS);
            }
            int leader = awaitLeader(cluster, -1);
            cluster.kill(leader);
            int next = awaitLeader(cluster, leader);
            assertThat(next).isNotEqualTo(leader);
            cluster.restart(leader);
            assertThat(cluster.nodeIds()).containsExactly(1, 2, 3);
        }
    }

    private static int awaitLeader(ClusterUnderTest cluster, int not) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            int l = cluster.leaderOf("t", 0);
            if (l >= 0 && l != not) {
                return l;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no leader other than " + not);
    }
}
