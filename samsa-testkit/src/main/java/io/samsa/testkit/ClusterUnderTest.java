package io.samsa.testkit;

/**
 * A multi-node Kafka-compatible cluster a failover contract runs against: Apache Kafka ({@link ApacheKafkaCluster})
 * as the reference, Samsa's own cluster later. Nodes keep their addresses across {@link #kill} and
 * {@link #restart}, so clients configured with {@link #bootstrapServers()} can reach a restarted node again.
 */
public interface ClusterUnderTest extends AutoCloseable {
    /** Every node's client address, comma-separated ({@code bootstrap.servers}). */
    String bootstrapServers();

    /** The client address of one node ({@code 127.0.0.1:port}), reachable or not. */
    String address(int nodeId);

    /** The node ids, ascending. */
    java.util.List<Integer> nodeIds();

    /** Kills a node without warning (SIGKILL for a child process); returns once it is dead. */
    void kill(int nodeId);

    /** Starts a killed node again at the same address with its data; returns once it serves as a broker again. */
    void restart(int nodeId);

    /** The partition's current leader as the cluster reports it, or -1 when it has none. */
    int leaderOf(String topic, int partition);

    /** Kills every node and deletes their data. */
    @Override
    void close();
}
