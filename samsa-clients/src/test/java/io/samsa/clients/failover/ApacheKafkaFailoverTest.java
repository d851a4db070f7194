package io.samsa.clients.failover;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.samsa.testkit.ApacheKafkaCluster;
import io.samsa.testkit.ClusterUnderTest;

/** The failover contract against the reference: a 3-node Apache Kafka cluster (KRaft) in child JVMs. */
class ApacheKafkaFailoverTest extends FailoverContract {
    private static ApacheKafkaCluster cluster;

    @BeforeAll
    static void start() {
        cluster = ApacheKafkaCluster.start(3);
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
