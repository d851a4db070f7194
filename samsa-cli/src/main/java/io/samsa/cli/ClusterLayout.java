package io.samsa.cli;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The configs of a local development cluster, one per node, on {@code host}. With no separate controllers: node
 * ids 1..N, every node both broker and controller (a combined KRaft node). With C controllers: brokers 1..N
 * ({@code process.roles=broker}) and controllers N+1..N+C ({@code process.roles=controller}), the voters. Node i's
 * PLAINTEXT listener is on {@code basePort + 2(i-1)} and its CONTROLLER listener on the port after it (9092/9093,
 * 9094/9095, ... by default, Kafka's sample ports for node 1); a node without one of the roles leaves its port
 * unused. Data under {@code dir/node-i}. Replication defaults to min(3, N), as a Kafka cluster of that size would
 * use.
 */
record ClusterLayout(int nodes, int controllers, Path dir, String host, int basePort) {
    static final String CONFIG_FILE = "server.properties";

    ClusterLayout {
        if (nodes < 1) {
            throw new UserException("--nodes must be at least 1, not " + nodes);
        }
        if (controllers < 0) {
            throw new UserException("--controllers must be 0 (every node is also a controller) or more, not "
                    + controllers);
        }
        if (basePort < 1 || basePort + 2 * (nodes + controllers) - 1 > 65535) {
            throw new UserException("--base-port " + basePort + " leaves no room for " + (nodes + controllers)
                    + " nodes' ports");
        }
    }

    /** Every node combined broker and controller. */
    ClusterLayout(int nodes, Path dir, String host, int basePort) {
        this(nodes, 0, dir, host, basePort);
    }

    /** All nodes, brokers and controllers. */
    int totalNodes() {
        return nodes + controllers;
    }

    boolean isBroker(int nodeId) {
        return controllers == 0 || nodeId <= nodes;
    }

    boolean isController(int nodeId) {
        return controllers == 0 || nodeId > nodes;
    }

    /** The port that shows the node is up: its client listener, or a controller-only node's CONTROLLER one. */
    int readyPort(int nodeId) {
        return isBroker(nodeId) ? brokerPort(nodeId) : controllerPort(nodeId);
    }

    int brokerPort(int nodeId) {
        return basePort + 2 * (nodeId - 1);
    }

    int controllerPort(int nodeId) {
        return brokerPort(nodeId) + 1;
    }

    Path nodeDir(int nodeId) {
        return dir.resolve("node-" + nodeId);
    }

    Path configFile(int nodeId) {
        return nodeDir(nodeId).resolve(CONFIG_FILE);
    }

    /** {@code controller.quorum.voters}: every node with the controller role. */
    String voters() {
        StringJoiner j = new StringJoiner(",");
        for (int id = 1; id <= totalNodes(); id++) {
            if (isController(id)) {
                j.add(id + "@" + host + ":" + controllerPort(id));
            }
        }
        return j.toString();
    }

    /** What clients pass as {@code bootstrap.servers}: every broker's PLAINTEXT listener. */
    String bootstrapServers() {
        StringJoiner j = new StringJoiner(",");
        for (int id = 1; id <= nodes; id++) {
            j.add(host + ":" + brokerPort(id));
        }
        return j.toString();
    }

    /** Node {@code nodeId}'s server.properties, Kafka's key names, in file order. */
    Map<String, String> config(int nodeId) {
        int replication = Math.min(3, nodes);
        Map<String, String> p = new LinkedHashMap<>();
        boolean broker = isBroker(nodeId);
        boolean controller = isController(nodeId);
        p.put("process.roles", broker && controller ? "broker,controller" : broker ? "broker" : "controller");
        p.put("node.id", Integer.toString(nodeId));
        p.put("controller.quorum.voters", voters());
        StringJoiner listeners = new StringJoiner(",");
        if (broker) {
            listeners.add("PLAINTEXT://" + host + ":" + brokerPort(nodeId));
        }
        if (controller) {
            listeners.add("CONTROLLER://" + host + ":" + controllerPort(nodeId));
        }
        p.put("listeners", listeners.toString());
        if (broker) {
            p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + brokerPort(nodeId));
        }
        p.put("controller.listener.names", "CONTROLLER");
        if (broker) {
            p.put("inter.broker.listener.name", "PLAINTEXT");
        }
        p.put("log.dirs", nodeDir(nodeId).resolve("data").toAbsolutePath().toString());
        p.put("default.replication.factor", Integer.toString(replication));
        p.put("offsets.topic.replication.factor", Integer.toString(replication));
        p.put("min.insync.replicas", Integer.toString(Math.max(1, replication - 1)));
        return p;
    }

    /** Writes every node's config file (creating the directories); returns the files, node 1 first. */
    List<Path> write() throws IOException {
        List<Path> files = new ArrayList<>();
        for (int id = 1; id <= totalNodes(); id++) {
            Path file = configFile(id);
            Files.createDirectories(file.getParent());
            try (Writer w = Files.newBufferedWriter(file)) {
                w.write("# Node " + id + " of a local " + totalNodes() + "-node Samsa cluster (samsa cluster up).\n");
                for (Map.Entry<String, String> e : config(id).entrySet()) {
                    w.write(e.getKey() + "=" + e.getValue() + "\n");
                }
            }
            files.add(file);
        }
        return files;
    }
}
