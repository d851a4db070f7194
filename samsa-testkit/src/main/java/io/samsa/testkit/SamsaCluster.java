package io.samsa.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * A Samsa cluster of {@code n} combined broker + controller nodes ({@code process.roles=broker,controller}), or of
 * nodes with separate roles ({@link #startWithRoles}), each a child JVM with fixed loopback ports and data
 * directory, so a node can be SIGKILLed, SIGTERMed and restarted at the same address. Nodes are numbered 1..n; the
 * metadata quorum runs on the CONTROLLER listener of each node with the controller role. Nodes start in parallel,
 * since a broker's start completes only once a quorum has formed. The samsa-broker classes must be on this JVM's
 * class path. {@link #close()} kills every node and deletes the data.
 */
public final class SamsaCluster implements ClusterUnderTest {
    private final Path root;
    private final Map<Integer, Integer> clientPorts = new TreeMap<>();
    private final Map<Integer, Integer> controllerPorts = new TreeMap<>();
    private final Map<String, String> extra;
    /** Settings of one node on top of {@link #extra} (e.g. its {@code broker.rack}). */
    private final IntFunction<Map<String, String>> perNode;
    private final Map<Integer, SamsaNodeProcess> running = new ConcurrentHashMap<>();
    /** Per node, when replication goes through proxies: the REPLICATION listener's port and its proxy. */
    private final Map<Integer, Integer> replicationPorts = new TreeMap<>();
    private final Map<Integer, FaultyProxy> replicationProxies = new TreeMap<>();
    /** Per broker, when brokers talk over a listener of their own ({@code INTERNAL}): its port. */
    private final Map<Integer, Integer> internalPorts = new TreeMap<>();
    /** The INTERNAL listener's security protocol, or null when there is none. */
    private final String internalProtocol;
    /** The CONTROLLER listener's security protocol when not PLAINTEXT, else null. */
    private final String controllerProtocol;
    /** Per node, its {@code process.roles}. */
    private final Map<Integer, String> roles = new TreeMap<>();
    private final Set<Integer> handedOut = new HashSet<>();

    private SamsaCluster(Path root, Map<Integer, String> roles, Map<String, String> extra,
                         IntFunction<Map<String, String>> perNode, boolean proxiedReplication) {
        this(root, roles, extra, perNode, proxiedReplication, null, null);
    }

    private SamsaCluster(Path root, Map<Integer, String> roles, Map<String, String> extra,
                         IntFunction<Map<String, String>> perNode, boolean proxiedReplication,
                         String internalProtocol, String controllerProtocol) {
        this.root = root;
        this.internalProtocol = internalProtocol;
        this.controllerProtocol = controllerProtocol;
        this.extra = Map.copyOf(extra);
        this.perNode = perNode;
        this.roles.putAll(roles);
        for (int id : this.roles.keySet()) {
            if (isBroker(id)) {
                clientPorts.put(id, uniquePort());
                if (internalProtocol != null) {
                    internalPorts.put(id, uniquePort());
                }
            }
            if (this.roles.get(id).contains("controller")) {
                controllerPorts.put(id, uniquePort());
            }
            if (proxiedReplication) {
                int port = uniquePort();
                FaultyProxy proxy = FaultyProxy.start();
                proxy.target(port);
                replicationPorts.put(id, port);
                replicationProxies.put(id, proxy);
            }
        }
    }

    private static Map<Integer, String> combined(int size) {
        Map<Integer, String> roles = new TreeMap<>();
        for (int id = 1; id <= size; id++) {
            roles.put(id, "broker,controller");
        }
        return roles;
    }

    private boolean isBroker(int nodeId) {
        return roles.get(nodeId).contains("broker");
    }

    /** Starts {@code size} nodes with extra settings (Kafka key names) for every node. */
    public static SamsaCluster start(int size, Map<String, String> extra) throws IOException {
        return start(size, extra, id -> Map.of());
    }

    /** As {@link #start(int, Map)}, plus {@code perNode.apply(id)}'s settings for node {@code id} (e.g. a rack). */
    public static SamsaCluster start(int size, Map<String, String> extra, IntFunction<Map<String, String>> perNode)
            throws IOException {
        return start(new SamsaCluster(Files.createTempDirectory("samsa-cluster-"), combined(size), extra, perNode,
                false));
    }

    /**
     * Starts nodes with the given {@code process.roles} each ({@code broker}, {@code controller} or
     * {@code broker,controller}), numbered by the map's keys; the voters are the nodes with the controller role. A
     * controller-only node has no client address: {@link #bootstrapServers()} and {@link #brokerIds()} name only
     * the brokers.
     */
    public static SamsaCluster startWithRoles(Map<Integer, String> roles, Map<String, String> extra)
            throws IOException {
        return start(new SamsaCluster(Files.createTempDirectory("samsa-cluster-"), roles, extra, id -> Map.of(),
                false));
    }

    /**
     * As {@link #start}, with replication on its own listener ({@code REPLICATION}, the inter-broker listener) that
     * every node advertises behind a {@link FaultyProxy} ({@link #replicationProxy}): pausing node n's proxy cuts
     * its followers off from it while clients and the metadata quorum still reach it.
     */
    public static SamsaCluster startWithReplicationProxies(int size, Map<String, String> extra) throws IOException {
        return start(new SamsaCluster(Files.createTempDirectory("samsa-cluster-"), combined(size), extra,
                id -> Map.of(), true));
    }

    /**
     * As {@link #start}, with brokers talking to each other over a listener of their own, {@code INTERNAL}, in the
     * given security protocol (clients keep the PLAINTEXT listener); its settings go in {@code extra} under
     * {@code listener.name.internal.}.
     */
    public static SamsaCluster startWithInterBrokerListener(int size, String protocol, Map<String, String> extra)
            throws IOException {
        return start(new SamsaCluster(Files.createTempDirectory("samsa-cluster-"), combined(size), extra,
                id -> Map.of(), false, protocol, null));
    }

    /**
     * As {@link #start}, with the metadata quorum's listener, {@code CONTROLLER}, mapped to the given security
     * protocol (e.g. SSL); its settings go in {@code extra} under {@code listener.name.controller.} (or unprefixed).
     */
    public static SamsaCluster startWithControllerListener(int size, String protocol, Map<String, String> extra)
            throws IOException {
        return start(new SamsaCluster(Files.createTempDirectory("samsa-cluster-"), combined(size), extra,
                id -> Map.of(), false, null, protocol));
    }

    private static SamsaCluster start(SamsaCluster cluster) {
        try {
            cluster.startNodes(cluster.roles.keySet().stream().mapToInt(Integer::intValue).toArray());
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    @Override
    public List<Integer> nodeIds() {
        return List.copyOf(roles.keySet());
    }

    /** The nodes with the broker role, ascending. */
    public List<Integer> brokerIds() {
        return List.copyOf(clientPorts.keySet());
    }

    /** The nodes with the controller role (the quorum's voters), ascending. */
    public List<Integer> controllerIds() {
        return List.copyOf(controllerPorts.keySet());
    }

    /** Every node's client address, comma separated. */
    @Override
    public String bootstrapServers() {
        StringJoiner j = new StringJoiner(",");
        clientPorts.values().forEach(p -> j.add("127.0.0.1:" + p));
        return j.toString();
    }

    @Override
    public String address(int nodeId) {
        return "127.0.0.1:" + clientPorts.get(nodeId);
    }

    public int clientPort(int nodeId) {
        return clientPorts.get(nodeId);
    }

    public boolean isRunning(int nodeId) {
        SamsaNodeProcess p = running.get(nodeId);
        return p != null && p.isAlive();
    }

    /** The node's output so far (a file that outlives the node until {@link #close()}). */
    public Path outputFile(int nodeId) {
        return root.resolve("node-" + nodeId + ".out");
    }

    /** Starts (or restarts) nodes on their ports and data directories; returns once all of them serve. */
    public void startNodes(int... nodeIds) {
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        for (int id : nodeIds) {
            CompletableFuture<Void> r = new CompletableFuture<>();
            try {
                running.put(id, SamsaNodeProcess.launch(nodeConfig(id), outputFile(id), r));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ready.add(r);
        }
        try {
            CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new))
                    .get(SamsaNodeProcess.limitSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Samsa nodes " + java.util.Arrays.toString(nodeIds)
                    + " did not start: " + e + "; output in " + root, e);
        }
    }

    /** The proxy in front of node {@code nodeId}'s replication listener (see {@link #startWithReplicationProxies}). */
    public FaultyProxy replicationProxy(int nodeId) {
        FaultyProxy proxy = replicationProxies.get(nodeId);
        if (proxy == null) {
            throw new IllegalStateException("this cluster replicates without proxies");
        }
        return proxy;
    }

    /** SIGSTOP: the node freezes (as in a long GC pause or a hung machine) until {@link #resume}. */
    public void pause(int nodeId) {
        signal(nodeId, "STOP");
    }

    /** SIGCONT. */
    public void resume(int nodeId) {
        signal(nodeId, "CONT");
    }

    private void signal(int nodeId, String signal) {
        SamsaNodeProcess p = running.get(nodeId);
        if (p == null) {
            throw new IllegalStateException("node " + nodeId + " is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + p.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL: no shutdown hook, no flush. */
    @Override
    public void kill(int nodeId) {
        SamsaNodeProcess p = running.remove(nodeId);
        if (p != null) {
            try {
                p.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted killing node " + nodeId, e);
            }
        }
    }

    /** Starts a stopped node again on its ports and data; returns once it serves (it registered and caught up). */
    @Override
    public void restart(int nodeId) {
        startNodes(nodeId);
    }

    @Override
    public int leaderOf(String topic, int partition) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            TopicPartitionInfo info = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
                    .partitions().get(partition);
            return info.leader() == null ? -1 : info.leader().id();
        } catch (Exception e) {
            throw new IllegalStateException("could not describe " + topic, e);
        }
    }

    /** SIGTERM: a controlled shutdown (leadership moves first). */
    public void terminate(int nodeId) throws InterruptedException {
        SamsaNodeProcess p = running.remove(nodeId);
        if (p != null) {
            p.terminate();
        }
    }

    /** The settings node {@code nodeId} runs with: a Kafka KRaft configuration (combined mode by default). */
    public Map<String, String> nodeConfig(int nodeId) {
        StringJoiner voters = new StringJoiner(",");
        controllerPorts.forEach((id, port) -> voters.add(id + "@127.0.0.1:" + port));
        Map<String, String> c = new HashMap<>();
        c.put("process.roles", roles.get(nodeId));
        c.put("node.id", String.valueOf(nodeId));
        c.put("controller.quorum.voters", voters.toString());
        StringJoiner listeners = new StringJoiner(",");
        if (isBroker(nodeId)) {
            listeners.add("PLAINTEXT://127.0.0.1:" + clientPorts.get(nodeId));
            c.put("inter.broker.listener.name", "PLAINTEXT");
        }
        if (controllerPorts.containsKey(nodeId)) {
            listeners.add("CONTROLLER://127.0.0.1:" + controllerPorts.get(nodeId));
        }
        c.put("listeners", listeners.toString());
        c.put("controller.listener.names", "CONTROLLER");
        if (!replicationPorts.isEmpty()) {
            c.put("listeners", c.get("listeners") + ",REPLICATION://127.0.0.1:" + replicationPorts.get(nodeId));
            c.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPorts.get(nodeId)
                    + ",REPLICATION://127.0.0.1:" + replicationProxies.get(nodeId).port());
            c.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,REPLICATION:PLAINTEXT,CONTROLLER:PLAINTEXT");
            c.put("inter.broker.listener.name", "REPLICATION");
        }
        if (internalPorts.containsKey(nodeId)) {
            c.put("listeners", c.get("listeners") + ",INTERNAL://127.0.0.1:" + internalPorts.get(nodeId));
            c.put("listener.security.protocol.map",
                    "PLAINTEXT:PLAINTEXT,INTERNAL:" + internalProtocol + ",CONTROLLER:PLAINTEXT");
            c.put("inter.broker.listener.name", "INTERNAL");
        }
        if (controllerProtocol != null) {
            String map = c.getOrDefault("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            c.put("listener.security.protocol.map", map.replace("CONTROLLER:PLAINTEXT",
                    "CONTROLLER:" + controllerProtocol));
        }
        c.put("log.dirs", root.resolve("node-" + nodeId).toString());
        c.put("num.io.threads", "4");
        c.put("num.network.threads", "2");
        c.putAll(extra);
        c.putAll(perNode.apply(nodeId));
        return c;
    }

    /**
     * A free port not handed out to this cluster before: the kernel may give a just-closed probe port out again, and
     * two nodes told the same port fail to start (seen in CI: a node's client port equal to another's quorum port).
     */
    private int uniquePort() {
        while (true) {
            int port = freePort();
            if (handedOut.add(port)) {
                return port;
            }
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (SamsaNodeProcess p : running.values()) {
            try {
                p.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        running.clear();
        replicationProxies.values().forEach(FaultyProxy::close);
        if (Boolean.getBoolean("samsa.cluster.keep")) {
            System.out.println("Kept the cluster's data and node output in " + root);
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // temporary files left behind
        }
    }
}
