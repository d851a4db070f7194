package io.samsa.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;

/**
 * A real Apache Kafka cluster of N combined broker + controller nodes (KRaft, static
 * {@code controller.quorum.voters}) in child JVMs on loopback, for failover tests. Every node has fixed client
 * and controller ports chosen once, so a node killed with SIGKILL ({@link #kill}) comes back at the same address
 * with its data ({@link #restart}). Failure detection is shortened ({@code broker.heartbeat.interval.ms} 500,
 * {@code broker.session.timeout.ms} 2500) so a killed leader is replaced within a few seconds. Internal topics
 * are replicated to every node (at most 3) with {@code min.insync.replicas} 2 where Kafka has the setting.
 * {@link #close()} kills every node and deletes the directory. The jars come from
 * {@code samsa-kafka-dist/target/kafka-libs}, as for {@link ApacheKafkaBroker}.
 */
public final class ApacheKafkaCluster implements ClusterUnderTest {
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);
    private static final String HOST = "127.0.0.1";

    /** One node: its ports, directory and the running child (null while killed). */
    private static final class KafkaNode {
        final int id;
        final int port;
        final int controllerPort;
        final Path dir;
        Process process;

        KafkaNode(int id, int port, int controllerPort, Path dir) {
            this.id = id;
            this.port = port;
            this.controllerPort = controllerPort;
            this.dir = dir;
        }

        Path config() {
            return dir.resolve("server.properties");
        }

        Path log() {
            return dir.resolve("node.log");
        }
    }

    private final Path root;
    private final Path libs;
    private final Map<Integer, KafkaNode> nodes = new TreeMap<>();
    /** Server properties on top of (and overriding) the ones {@link #writeConfig} sets, for every node. */
    private final Map<String, String> extra;
    private final Thread shutdownHook;

    private ApacheKafkaCluster(Path root, Path libs, Map<String, String> extra) {
        this.root = root;
        this.libs = libs;
        this.extra = Map.copyOf(extra);
        this.shutdownHook = new Thread(this::killAllAndDelete, "apache-kafka-cluster-killer");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Formats and starts {@code size} nodes (ids 1..size) and waits until every one serves as a broker. */
    public static ApacheKafkaCluster start(int size) {
        return start(size, Map.of());
    }

    /**
     * As {@link #start(int)}, with extra server properties for every node that override the defaults above (e.g.
     * {@code log.cleaner.enable=true} for a compaction test).
     */
    public static ApacheKafkaCluster start(int size, Map<String, String> extra) {
        if (size < 1) {
            throw new IllegalArgumentException("size " + size);
        }
        Path libs = ApacheKafkaBroker.locateLibs();
        Path root;
        try {
            root = Files.createTempDirectory("apache-kafka-cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ApacheKafkaCluster cluster = new ApacheKafkaCluster(root, libs, extra);
        try {
            for (int id = 1; id <= size; id++) {
                cluster.nodes.put(id, new KafkaNode(id, ApacheKafkaBroker.freePort(), ApacheKafkaBroker.freePort(),
                        root.resolve("node-" + id)));
            }
            String clusterId = Uuid.randomUuid().toString();
            List<Process> formats = new ArrayList<>();
            for (KafkaNode n : cluster.nodes.values()) {
                Files.createDirectories(n.dir);
                cluster.writeConfig(n);
                formats.add(new ProcessBuilder(cluster.java(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
                        cluster.classpath(), "kafka.tools.StorageTool", "format", "-t", clusterId,
                        "-c", n.config().toString())
                        .redirectErrorStream(true).redirectOutput(n.dir.resolve("format.log").toFile()).start());
            }
            int i = 0;
            for (KafkaNode n : cluster.nodes.values()) {
                Process format = formats.get(i++);
                if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                    format.destroyForcibly();
                    throw new IllegalStateException("kafka-storage format of node " + n.id + " failed:\n"
                            + Files.readString(n.dir.resolve("format.log")));
                }
            }
            for (KafkaNode n : cluster.nodes.values()) {
                cluster.launch(n);
            }
            cluster.awaitBrokers(cluster.nodes.keySet());
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cluster.close();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String bootstrapServers() {
        StringJoiner j = new StringJoiner(",");
        nodes.values().forEach(n -> j.add(HOST + ":" + n.port));
        return j.toString();
    }

    @Override
    public String address(int nodeId) {
        return HOST + ":" + node(nodeId).port;
    }

    @Override
    public List<Integer> nodeIds() {
        return List.copyOf(nodes.keySet());
    }

    @Override
    public synchronized void kill(int nodeId) {
        KafkaNode n = node(nodeId);
        if (n.process == null) {
            return;
        }
        n.process.destroyForcibly(); // SIGKILL: no controlled shutdown, no flush
        try {
            if (!n.process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Node " + nodeId + " did not die within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        n.process = null;
    }

    @Override
    public synchronized void restart(int nodeId) {
        KafkaNode n = node(nodeId);
        if (n.process != null) {
            throw new IllegalStateException("Node " + nodeId + " is running");
        }
        try {
            launch(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitBrokers(List.of(nodeId));
    }

    @Override
    public int leaderOf(String topic, int partition) {
        try (Admin admin = admin()) {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(20, TimeUnit.SECONDS)
                    .get(topic);
            Node leader = d.partitions().get(partition).leader();
            return leader == null || leader.isEmpty() ? -1 : leader.id();
        } catch (Exception e) {
            throw new IllegalStateException("Could not describe " + topic + ": " + e, e);
        }
    }

    /** A node's console output so far (for failure messages). */
    public String log(int nodeId) {
        try {
            return Files.readString(node(nodeId).log());
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        killAllAndDelete();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
    }

    private synchronized void killAllAndDelete() {
        for (KafkaNode n : nodes.values()) {
            if (n.process != null) {
                n.process.destroyForcibly();
            }
        }
        for (KafkaNode n : nodes.values()) {
            if (n.process != null) {
                try {
                    n.process.waitFor(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                n.process = null;
            }
        }
        ApacheKafkaBroker.deleteTree(root);
    }

    private KafkaNode node(int nodeId) {
        KafkaNode n = nodes.get(nodeId);
        if (n == null) {
            throw new IllegalArgumentException("No node " + nodeId + " (nodes " + nodes.keySet() + ")");
        }
        return n;
    }

    private void writeConfig(KafkaNode n) throws IOException {
        int replication = Math.min(3, nodes.size());
        String minIsr = String.valueOf(Math.min(2, replication));
        String voters = nodes.values().stream().map(v -> v.id + "@" + HOST + ":" + v.controllerPort)
                .collect(Collectors.joining(","));
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", String.valueOf(n.id));
        p.setProperty("controller.quorum.voters", voters);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listeners", "PLAINTEXT://" + HOST + ":" + n.port + ",CONTROLLER://" + HOST + ":"
                + n.controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://" + HOST + ":" + n.port);
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", n.dir.resolve("data").toString());
        p.setProperty("auto.create.topics.enable", "false");
        p.setProperty("num.partitions", "1");
        p.setProperty("default.replication.factor", String.valueOf(replication));
        p.setProperty("offsets.topic.replication.factor", String.valueOf(replication));
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", String.valueOf(replication));
        p.setProperty("transaction.state.log.min.isr", minIsr);
        p.setProperty("share.coordinator.state.topic.replication.factor", String.valueOf(replication));
        p.setProperty("share.coordinator.state.topic.min.isr", minIsr);
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // Fast failure detection: the controller fences a silent broker after the session timeout, which elects
        // new leaders for its partitions and takes it out of their ISRs.
        p.setProperty("broker.heartbeat.interval.ms", "500");
        p.setProperty("broker.session.timeout.ms", "2500");
        // Leaders stay where failover put them: the test decides whom to kill from what the cluster reports.
        p.setProperty("auto.leader.rebalance.enable", "false");
        // Small: three of these share a 2-core test machine with the test JVM.
        p.setProperty("num.network.threads", "2");
        p.setProperty("num.io.threads", "2");
        p.setProperty("background.threads", "2");
        p.setProperty("num.recovery.threads.per.data.dir", "1");
        p.setProperty("log.cleaner.enable", "false");
        extra.forEach(p::setProperty);
        try (var out = Files.newBufferedWriter(n.config(), StandardCharsets.UTF_8)) {
            p.store(out, "Samsa test cluster node " + n.id);
        }
    }

    private void launch(KafkaNode n) throws IOException {
        List<String> cmd = List.of(java(), "-Xmx384m", "-Xms128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dlog4j2.level=WARN", "-cp", classpath(), "kafka.Kafka", n.config().toString());
        n.process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(n.log().toFile())).start();
    }

    /** Waits until each of {@code ids} accepts connections and the cluster lists it as a (unfenced) broker. */
    private void awaitBrokers(Collection<Integer> ids) {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            boolean allListening = true;
            for (int id : ids) {
                KafkaNode n = node(id);
                if (n.process == null || !n.process.isAlive()) {
                    throw new IllegalStateException("Apache Kafka node " + id + " exited:\n" + log(id));
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), n.port), 1000);
                } catch (IOException e) {
                    last = e;
                    allListening = false;
                }
            }
            if (allListening) {
                try (Admin admin = admin()) {
                    List<Integer> brokers = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).stream()
                            .map(Node::id).toList();
                    if (brokers.containsAll(ids)) {
                        return;
                    }
                    last = new IllegalStateException("brokers listed: " + brokers);
                } catch (Exception e) {
                    last = e;
                }
            }
            pause();
        }
        StringBuilder logs = new StringBuilder();
        for (int id : ids) {
            logs.append("\n--- node ").append(id).append(" ---\n").append(log(id));
        }
        throw new IllegalStateException("Apache Kafka nodes " + ids + " did not serve within " + STARTUP_TIMEOUT
                + " (last: " + last + ")" + logs);
    }

    private Admin admin() {
        Properties props = new Properties();
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        return Admin.create(props);
    }

    private String classpath() {
        return libs.toAbsolutePath() + File.separator + "*";
    }

    private String java() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void pause() {
        try {
            Thread.sleep(200); // polling child processes: nothing to wait on but their ports
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
