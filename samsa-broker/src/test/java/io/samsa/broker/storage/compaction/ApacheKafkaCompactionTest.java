package io.samsa.broker.storage.compaction;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.samsa.testkit.ApacheKafkaCluster;
import io.samsa.testkit.ClusterUnderTest;

/** The compaction contract against the reference: one Apache Kafka node (KRaft) in a child JVM, cleaner on. */
class ApacheKafkaCompactionTest extends CompactionContract {
    private static ApacheKafkaCluster cluster;

    @BeforeAll
    static void start() {
        cluster = ApacheKafkaCluster.start(1, BROKER_SETTINGS);
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
