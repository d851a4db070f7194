package io.samsa.clients.failover;

import java.io.IOException;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.samsa.testkit.ClusterUnderTest;
import io.samsa.testkit.SamsaCluster;

/** The failover contract against Samsa's own 3-node cluster (combined broker + controller nodes in child JVMs). */
class SamsaFailoverTest extends FailoverContract {
    private static SamsaCluster cluster;

    @BeforeAll
    static void start() throws IOException {
        // Kafka's 50 partitions of __consumer_offsets (150 replicas) are more than this contract needs on a shared
        // 2-core test machine; the group case only needs its group's partition.
        cluster = SamsaCluster.start(3, Map.of("offsets.topic.num.partitions", "5"));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected ClusterUnderTest cluster() {
        return cluster;
    }
}
