package io.samsa.bench.compare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.Uuid;

/**
 * One broker, Apache Kafka (KRaft, combined broker + controller) or Samsa, as a child JVM on loopback: a single
 * node, or one node of a {@link BrokerCluster} (then {@link #respawn()} starts it again on the same data).
 * Both get the same JVM flags (Kafka's {@code kafka-server-start.sh} defaults, heap from the plan), the same data
 * filesystem (directories under the run's work directory) and the same durability settings: no fsync per write
 * (Kafka's default; the page cache, and on a cluster replication, is what makes a write safe).
 */
final class BrokerProcess implements Brokers, AutoCloseable {
    /** How to start one node: its command line, client port, folder; the same for every respawn. */
    private record Launch(String kind, List<String> cmd, int port, Path dir) {
    }

    private final Launch launch;
    private final Process process;
    private final Children children;
    private final long spawnNanos;
    private final Path log;
    private double listenMs = Double.NaN;

    private BrokerProcess(Launch launch, Process process, Children children, long spawnNanos, Path log) {
        this.launch = launch;
        this.process = process;
        this.children = children;
        this.spawnNanos = spawnNanos;
        this.log = log;
    }

    /**
     * Each broker's JVM flags as its own launcher sets them, with the same heap limit: Kafka's
     * kafka-server-start.sh (heap committed up front, -Xms = -Xmx) and Samsa's bin/samsa (heap grows on demand).
     */
    static List<String> jvmFlags(String kind, String heap) {
        if ("kafka".equals(kind)) {
            return List.of("-Xmx" + heap, "-Xms" + heap, "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
                    "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent",
                    "-Djava.awt.headless=true");
        }
        return List.of("-Xms64m", "-Xmx" + heap, "-XX:+UseG1GC");
    }

    /** Settings both brokers read (Kafka key names; Samsa ignores the ones a single node has no use for). */
    static Properties commonSettings(Path dataDir) {
        Properties p = new Properties();
        p.setProperty("log.dirs", dataDir.toString());
        p.setProperty("num.partitions", "1");
        p.setProperty("auto.create.topics.enable", "true");
        p.setProperty("num.network.threads", "3");
        p.setProperty("log.segment.bytes", Integer.toString(1024 * 1024 * 1024));
        // Durability, identical for both: no fsync per write or on a timer (Kafka's defaults, spelt out).
        p.setProperty("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
        p.setProperty("log.flush.interval.ms", Long.toString(Long.MAX_VALUE));
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        return p;
    }

    /** Writes the config, spawns the broker and returns once its client port accepts connections. */
    static BrokerProcess start(String kind, Plan plan, Children children, Path dir) {
        return start(kind, plan, children, dir, new Properties());
    }

    /** As {@link #start(String, Plan, Children, Path)}, with {@code extra} settings on top of the common ones. */
    static BrokerProcess start(String kind, Plan plan, Children children, Path dir, Properties extra) {
        return start(kind, plan, children, dir, extra, 0);
    }

    /**
     * As {@link #start(String, Plan, Children, Path, Properties)}, plus, when {@code sslPort} is not 0, a second client
     * listener {@code SSL://127.0.0.1:sslPort} (in {@code listeners}, {@code advertised.listeners} and
     * {@code listener.security.protocol.map}, the same keys for both brokers; its {@code ssl.*} settings come in
     * {@code extra}). Returns once the PLAINTEXT port accepts connections.
     */
    static BrokerProcess start(String kind, Plan plan, Children children, Path dir, Properties extra, int sslPort) {
        try {
            Files.createDirectories(dir);
            int port = freePort();
            Properties p = commonSettings(dir.resolve("data"));
            p.putAll(extra);
            if ("kafka".equals(kind)) {
                int controllerPort = freePort();
                p.putAll(kraftSettings(1, "1@127.0.0.1:" + controllerPort, port, controllerPort));
                p.setProperty("offsets.topic.num.partitions", "1");
                // Deleted topics' files go at once, as Samsa's do, so the runs do not fill the disk.
                p.setProperty("log.segment.delete.delay.ms", "0");
            } else {
                p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port);
            }
            if (sslPort != 0) {
                addSslListener(p, port, sslPort);
            }
            BrokerProcess broker = spawn(kind, plan, children, dir, port, p, Uuid.randomUuid().toString());
            broker.awaitListening();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes one cluster node's config and spawns it without waiting: a KRaft node may open its client port only
     * once the quorum forms, which needs the other nodes running. Both brokers get the same Kafka combined-mode
     * server.properties (the contract: such a file starts a Samsa node as it is).
     */
    static BrokerProcess spawnNode(String kind, Plan plan, Children children, Path dir, ClusterPorts ports,
                                   int nodeId, String clusterId) {
        try {
            Files.createDirectories(dir);
            int replicas = Math.min(3, ports.nodes());
            Properties p = commonSettings(dir.resolve("data"));
            p.putAll(kraftSettings(nodeId, ports.voters(), ports.clientPort(nodeId), ports.controllerPort(nodeId)));
            p.setProperty("offsets.topic.num.partitions", "1");
            p.setProperty("offsets.topic.replication.factor", Integer.toString(replicas));
            p.setProperty("transaction.state.log.replication.factor", Integer.toString(replicas));
            p.setProperty("transaction.state.log.min.isr", Integer.toString(Math.min(2, replicas)));
            p.setProperty("log.segment.delete.delay.ms", "0");
            return spawn(kind, plan, children, dir, ports.clientPort(nodeId), p, clusterId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** KRaft combined mode (broker and controller in one process), Kafka's key names. */
    static Properties kraftSettings(int nodeId, String voters, int port, int controllerPort) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", Integer.toString(nodeId));
        p.setProperty("controller.quorum.voters", voters);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        return p;
    }

    /** Appends the SSL listener to what {@code p} already says (Kafka's also lists its CONTROLLER listener). */
    private static void addSslListener(Properties p, int port, int sslPort) {
        String ssl = "SSL://127.0.0.1:" + sslPort;
        p.setProperty("listeners", p.getProperty("listeners") + "," + ssl);
        // Kafka tells clients only the advertised listeners: the SSL one must be there for SSL clients' metadata.
        p.setProperty("advertised.listeners", p.getProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port)
                + "," + ssl);
        p.setProperty("listener.security.protocol.map",
                p.getProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT") + ",SSL:SSL");
    }

    private static BrokerProcess spawn(String kind, Plan plan, Children children, Path dir, int port, Properties p,
                                       String clusterId) throws IOException {
        Path config = dir.resolve("server.properties");
        store(p, config);
        List<String> cmd = new ArrayList<>();
        cmd.add(Children.java());
        cmd.addAll(jvmFlags(kind, plan.heap));
        if ("kafka".equals(kind)) {
            format(plan, children, dir, config, clusterId);
            cmd.addAll(List.of("-Dlog4j2.level=WARN", "-cp", plan.kafkaLibs.toAbsolutePath() + "/*", "kafka.Kafka",
                    config.toString()));
        } else {
            // As bin/samsa runs it: with the launcher's class-data-sharing archive when it is current.
            Path archive = plan.samsaJar.resolveSibling("samsa.jsa");
            if (Files.isRegularFile(archive)
                    && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(plan.samsaJar)) >= 0) {
                cmd.addAll(List.of("-XX:SharedArchiveFile=" + archive.toAbsolutePath(), "-Xlog:cds=off",
                        "-Xlog:cds+dynamic=off"));
            }
            cmd.addAll(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-jar",
                    plan.samsaJar.toAbsolutePath().toString(), "server", "-c", config.toString()));
        }
        return launch(new Launch(kind, List.copyOf(cmd), port, dir), children, dir.resolve("broker.log"));
    }

    private static BrokerProcess launch(Launch launch, Children children, Path log) {
        long spawn = System.nanoTime();
        Process process = children.start(launch.cmd(), log);
        return new BrokerProcess(launch, process, children, spawn, log);
    }

    /** The same node again (same config, port and data), after this process has gone; logs to a new file. */
    BrokerProcess respawn() {
        if (process.isAlive()) {
            throw new IllegalStateException("node on port " + launch.port() + " is still running");
        }
        int n = 1;
        while (Files.exists(launch.dir().resolve("broker-" + n + ".log"))) {
            n++;
        }
        return launch(launch, children, launch.dir().resolve("broker-" + n + ".log"));
    }

    /**
     * Returns once the client port accepts connections (killing the process if it does not within 120 s);
     * records spawn to listening.
     */
    void awaitListening() {
        boolean ok = false;
        try {
            listenMs = awaitListening(process, launch.port(), spawnNanos, log);
            ok = true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (!ok) {
                children.kill(process);
            }
        }
    }

    /** SIGKILL ({@code hard}) or SIGTERM; does not wait for the process to go. */
    void signal(boolean hard) {
        if (hard) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
    }

    /** Waits for the process to exit; false if it is still running after the timeout. */
    boolean awaitExit(long timeoutMs) {
        try {
            return process.waitFor(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String kind() {
        return launch.kind();
    }

    long pid() {
        return process.pid();
    }

    @Override
    public String bootstrap() {
        return "127.0.0.1:" + launch.port();
    }

    @Override
    public double cpuSeconds() {
        return ProcStats.cpuSeconds(process.pid());
    }

    @Override
    public boolean alive() {
        return process.isAlive();
    }

    @Override
    public String exitDescription() {
        if (process.isAlive()) {
            return "running";
        }
        int code = process.exitValue();
        return code > 128 ? "killed by signal " + (code - 128) : "exit " + code;
    }

    /** Spawn to first accepted TCP connection on the client port. */
    double listenMs() {
        return listenMs;
    }

    double msSinceSpawn() {
        return (System.nanoTime() - spawnNanos) / 1e6;
    }

    @Override
    public String logTail() {
        try {
            String s = Files.readString(log, StandardCharsets.UTF_8);
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        children.kill(process);
    }

    private static void format(Plan plan, Children children, Path dir, Path config, String clusterId) {
        List<String> cmd = List.of(Children.java(), "-Xmx256m", "-cp", plan.kafkaLibs.toAbsolutePath() + "/*",
                "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config.toString());
        Children.Result r = children.run(cmd, dir.resolve("format.log"), 120);
        if (!r.ok()) {
            throw new IllegalStateException("kafka-storage format failed:\n" + r.output());
        }
    }

    private static double awaitListening(Process process, int port, long spawn, Path log) throws IOException {
        long deadline = spawn + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("broker exited with " + process.exitValue() + ":\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 100);
                return (System.nanoTime() - spawn) / 1e6;
            } catch (IOException notYet) {
                sleep(5); // polling a child's port: nothing else to wait on
            }
        }
        throw new IllegalStateException("broker not listening after 120 s:\n" + Files.readString(log));
    }

    private static void store(Properties p, Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "bench/compare");
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
