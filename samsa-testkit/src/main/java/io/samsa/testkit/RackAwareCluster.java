package io.samsa.testkit;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A 3-node {@link SamsaCluster} for fetch-from-follower tests (KIP-392): node {@code i} in rack {@code r<i>},
 * Kafka's rack-aware replica selector, and each node's Prometheus metrics on a port of its own, so a test can read
 * from outside how many bytes a node served consumers as a follower. Any thread.
 */
public final class RackAwareCluster implements AutoCloseable {
    public static final String SELECTOR = "org.apache.kafka.common.replica.RackAwareReplicaSelector";
    private static final String FOLLOWER_BYTES = "samsa_broker_follower_fetch_bytes_total";

    private final SamsaCluster cluster;
    private final Map<Integer, Integer> metricsPorts;

    private RackAwareCluster(SamsaCluster cluster, Map<Integer, Integer> metricsPorts) {
        this.cluster = cluster;
        this.metricsPorts = metricsPorts;
    }

    /** Starts the nodes; {@code replica.lag.time.max.ms} is short so a dead follower leaves the ISR soon. */
    public static RackAwareCluster start() throws IOException {
        Map<Integer, Integer> ports = new HashMap<>();
        for (int id = 1; id <= 3; id++) {
            ports.put(id, PrometheusScrape.freePort());
        }
        SamsaCluster cluster = SamsaCluster.start(3, Map.of("replica.selector.class", SELECTOR,
                "replica.lag.time.max.ms", "5000"), id -> Map.of(
                "broker.rack", "r" + id, "metrics.port", String.valueOf(ports.get(id))));
        return new RackAwareCluster(cluster, ports);
    }

    public SamsaCluster cluster() {
        return cluster;
    }

    /** The record bytes node {@code nodeId} has served consumers as a follower so far. */
    public double followerBytes(int nodeId) throws IOException, InterruptedException {
        return PrometheusScrape.value(metricsPorts.get(nodeId), FOLLOWER_BYTES);
    }

    @Override
    public void close() {
        cluster.close();
    }
}
