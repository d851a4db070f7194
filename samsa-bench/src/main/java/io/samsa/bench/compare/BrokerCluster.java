package io.samsa.bench.compare;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

/**
 * An N-node cluster of one broker kind on loopback, every node KRaft combined mode (broker and controller),
 * node ids 1..N, all voters. Nodes can be signalled and started again on the same data (the failover runs).
 * "Formed" means a client sees all N brokers in DescribeCluster; a Samsa build without cluster mode never gets
 * there (each node is its own one-node cluster), and {@link #awaitFormed} says so.
 */
final class BrokerCluster implements Brokers, AutoCloseable {
    private final String kind;
    private final ClusterPorts ports;
    private final Map<Integer, BrokerProcess> nodes = new TreeMap<>();
    private final long spawnNanos;

    private BrokerCluster(String kind, ClusterPorts ports, long spawnNanos) {
        this.kind = kind;
        this.ports = ports;
        this.spawnNanos = spawnNanos;
    }

    /** Spawns every node, then waits for each client port (a KRaft node may open it only once the quorum forms). */
    static BrokerCluster start(String kind, Plan plan, Children children, Path dir) {
        ClusterPorts ports = ClusterPorts.allocate(plan.nodes);
        String clusterId = Uuid.randomUuid().toString();
        BrokerCluster cluster = new BrokerCluster(kind, ports, System.nanoTime());
        boolean ok = false;
        try {
            for (int id = 1; id <= plan.nodes; id++) {
                cluster.nodes.put(id, BrokerProcess.spawnNode(kind, plan, children, dir.resolve("node-" + id), ports,
                        id, clusterId));
            }
            cluster.nodes.values().forEach(BrokerProcess::awaitListening);
            ok = true;
            return cluster;
        } finally {
            if (!ok) {
                cluster.close();
            }
        }
    }

    /**
     * Waits until DescribeCluster lists all N brokers; otherwise fails with what it did see and each node's log
     * tail. Returns the milliseconds from the first spawn.
     */
    double awaitFormed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<Integer> seen = Set.of();
        String lastError = "";
        try (Admin admin = Admin.create(Compare.clientProps(bootstrap()))) {
            while (System.nanoTime() < deadline) {
                requireAllAlive();
                try {
                    Collection<Node> brokers = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
                    seen = brokers.stream().map(Node::id).collect(Collectors.toSet());
                    if (seen.size() == ports.nodes()) {
                        return (System.nanoTime() - spawnNanos) / 1e6;
                    }
                } catch (Exception e) {
                    lastError = " (last error: " + e + ")";
                }
                BrokerProcess.sleep(100); // polling another process's state: nothing to wait on
            }
        }
        throw new IllegalStateException(kind + ": the " + ports.nodes() + "-node cluster did not form within "
                + timeout.toSeconds() + " s: DescribeCluster listed broker ids " + seen + " (expected 1.."
                + ports.nodes() + ")" + lastError + ". Each node was started with process.roles=broker,controller and "
                + "controller.quorum.voters=" + ports.voters() + "; a build without cluster mode runs each node "
                + "alone." + "\n" + logTail());
    }

    /**
     * Waits until every partition of {@code topic} has a leader and all {@code replicas} in its ISR; returns the
     * description.
     */
    static Map<Integer, TopicPartitionInfo> awaitFullIsr(Admin admin, String topic, int replicas, Duration timeout,
                                                        Brokers brokers) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                        .get(topic);
                Map<Integer, TopicPartitionInfo> byPartition = new TreeMap<>();
                d.partitions().forEach(p -> byPartition.put(p.partition(), p));
                last = byPartition.values().toString();
                if (byPartition.values().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()
                        && p.isr().size() >= replicas)) {
                    return byPartition;
                }
            } catch (Exception e) {
                last = e.toString();
            }
            BrokerProcess.sleep(100);
        }
        throw new IllegalStateException(brokers.kind() + ": " + topic + " did not get a leader and " + replicas
                + " in-sync replicas on every partition within " + timeout.toSeconds() + " s; last: " + last);
    }

    /** Milliseconds since the first node was spawned. */
    double msSinceSpawn() {
        return (System.nanoTime() - spawnNanos) / 1e6;
    }

    BrokerProcess node(int id) {
        return nodes.get(id);
    }

    /** Starts node {@code id} again on its data; returns once its client port accepts. */
    void restart(int id) {
        BrokerProcess again = nodes.get(id).respawn();
        nodes.put(id, again);
        again.awaitListening();
    }

    int size() {
        return ports.nodes();
    }

    List<Long> pids() {
        return nodes.values().stream().map(BrokerProcess::pid).toList();
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public String bootstrap() {
        return ports.clientPorts().stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    @Override
    public double cpuSeconds() {
        return nodes.values().stream().mapToDouble(BrokerProcess::cpuSeconds).sum();
    }

    @Override
    public boolean alive() {
        return nodes.values().stream().allMatch(BrokerProcess::alive);
    }

    @Override
    public String exitDescription() {
        List<String> d = new ArrayList<>();
        nodes.forEach((id, n) -> d.add("node " + id + ": " + n.exitDescription()));
        return String.join(", ", d);
    }

    @Override
    public String logTail() {
        StringBuilder b = new StringBuilder();
        nodes.forEach((id, n) -> {
            String tail = n.logTail();
            b.append("--- node ").append(id).append(" log tail ---\n")
                    .append(tail.length() > 1500 ? tail.substring(tail.length() - 1500) : tail).append('\n');
        });
        return b.toString();
    }

    private void requireAllAlive() {
        if (!alive()) {
            throw new IllegalStateException(kind + ": a cluster node exited while the cluster formed ("
                    + exitDescription() + ")\n" + logTail());
        }
    }

    /** The topic-level configs of a replicated topic: min.insync.replicas when the plan sets it. */
    static Map<String, String> topicConfigs(Plan plan) {
        return plan.minInsyncReplicas > 0
                ? Map.of("min.insync.replicas", Integer.toString(plan.minInsyncReplicas)) : Map.of();
    }

    @Override
    public void close() {
        nodes.values().forEach(BrokerProcess::close);
    }
}
