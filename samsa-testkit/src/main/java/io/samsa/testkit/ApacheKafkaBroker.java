package io.samsa.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * A real Apache Kafka broker (KRaft, combined broker + controller, one node) in a child JVM on loopback, with a
 * temporary log directory. The server jars come from {@code samsa-kafka-dist/target/kafka-libs} (or the directory
 * named by system property {@value #LIBS_PROPERTY}). {@link #close()} kills the child and deletes the directory.
 */
public final class ApacheKafkaBroker implements AutoCloseable {
    public static final String LIBS_PROPERTY = "samsa.kafka.libs";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

    private final Path dir;
    private final Process process;
    private final int port;
    private final int proxiedListenerPort;
    private final Thread shutdownHook;

    private ApacheKafkaBroker(Path dir, Process process, int port, int proxiedListenerPort) {
        this.dir = dir;
        this.process = process;
        this.port = port;
        this.proxiedListenerPort = proxiedListenerPort;
        this.shutdownHook = new Thread(this::kill, "apache-kafka-broker-killer");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a broker with a single client listener. */
    public static ApacheKafkaBroker start() {
        return start(-1);
    }

    /**
     * Starts a broker with a second client listener, {@code PROXIED}, that advertises {@code advertisedProxyPort}
     * on loopback: clients that bootstrap through a proxy on that port are told to keep using the proxy. The proxy
     * forwards to {@link #proxiedListenerPort()}.
     */
    public static ApacheKafkaBroker start(int advertisedProxyPort) {
        return start(advertisedProxyPort, Map.of());
    }

    /**
     * Starts a broker with extra settings (Kafka's names): entries of {@code listeners}, {@code
     * advertised.listeners} and {@code listener.security.protocol.map} are added to the broker's own PLAINTEXT
     * ones (which {@link #bootstrapServers()} and {@link #createTopic} keep using), any other key is set as given.
     * For a SASL or SSL listener next to the plain one.
     */
    public static ApacheKafkaBroker start(Map<String, String> extra) {
        return start(-1, extra);
    }

    private static ApacheKafkaBroker start(int advertisedProxyPort, Map<String, String> extra) {
        Path libs = locateLibs();
        Path dir;
        try {
            dir = Files.createTempDirectory("apache-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int port = freePort();
        int controllerPort = freePort();
        int proxiedPort = advertisedProxyPort > 0 ? freePort() : -1;
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        String listeners = "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort;
        String advertised = "PLAINTEXT://127.0.0.1:" + port;
        String protocols = "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT";
        if (proxiedPort > 0) {
            listeners += ",PROXIED://127.0.0.1:" + proxiedPort;
            advertised += ",PROXIED://127.0.0.1:" + advertisedProxyPort;
            protocols += ",PROXIED:PLAINTEXT";
        }
        p.setProperty("listeners", listeners);
        p.setProperty("advertised.listeners", advertised);
        p.setProperty("listener.security.protocol.map", protocols);
        p.setProperty("log.dirs", dir.resolve("data").toString());
        p.setProperty("auto.create.topics.enable", "true");
        p.setProperty("num.partitions", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        extra.forEach((k, v) -> {
            boolean listenerList = k.equals("listeners") || k.equals("advertised.listeners")
                    || k.equals("listener.security.protocol.map");
            p.setProperty(k, listenerList ? p.getProperty(k) + "," + v : v);
        });
        Path config = dir.resolve("server.properties");
        Path log = dir.resolve("broker.log");
        try {
            try (var out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                p.store(out, "Samsa test broker");
            }
            String classpath = libs.toAbsolutePath() + File.separator + "*";
            String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
            Process format = new ProcessBuilder(java, "-Xmx256m", "-cp", classpath, "kafka.tools.StorageTool",
                    "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("format.log").toFile()).start();
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                String out = Files.readString(dir.resolve("format.log"));
                deleteTree(dir);
                throw new IllegalStateException("kafka-storage format failed:\n" + out);
            }
            List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-Xms256m",
                    "-Dlog4j2.level=WARN", "-cp", classpath, "kafka.Kafka", config.toString()));
            Process process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            ApacheKafkaBroker broker = new ApacheKafkaBroker(dir, process, port, proxiedPort);
            try {
                broker.awaitServing();
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code 127.0.0.1:port} of the broker's direct client listener. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The port a proxy should forward to (see {@link #start(int)}); -1 without a proxied listener. */
    public int proxiedListenerPort() {
        return proxiedListenerPort;
    }

    /** Creates a topic and waits until it exists. */
    public void createTopic(String name, int partitions) {
        try (Admin admin = Admin.create(adminProps())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
            // CreateTopics returns before every partition has a leader; a producer that starts at once can get
            // NOT_LEADER_OR_FOLLOWER (and, seen on a loaded machine, a KafkaProducer then stuck on
            // OUT_OF_ORDER_SEQUENCE_NUMBER). Wait until all leaders are elected.
            long deadline = System.currentTimeMillis() + 60_000;
            while (!allLeadersElected(admin, name)) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("Topic " + name + " has partitions without a leader after 60 s");
                }
                Thread.sleep(20);
            }
            // An elected leader is not yet a serving one: the broker may still answer NOT_LEADER_OR_FOLLOWER.
            // A KafkaProducer that then has a later batch accepted first (Kafka takes any first sequence from
            // an unknown producer) stays stuck on OUT_OF_ORDER_SEQUENCE_NUMBER. ListOffsets is served by the
            // leader itself, and the admin client retries it until each partition answers.
            Map<TopicPartition, OffsetSpec> probe = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                probe.put(new TopicPartition(name, p), OffsetSpec.latest());
            }
            long probeDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try {
                    admin.listOffsets(probe).all().get(60, TimeUnit.SECONDS);
                    break;
                } catch (ExecutionException e) {
                    // Right after creation a loaded broker may not host the partition yet, and the admin client
                    // does not retry that answer: ask again.
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > probeDeadline) {
                        throw e;
                    }
                    Thread.sleep(100);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("Could not create topic " + name + ": " + e, e);
        }
    }

    private static boolean allLeadersElected(Admin admin, String topic) throws Exception {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(60, TimeUnit.SECONDS).get(topic)
                    .partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        } catch (ExecutionException e) {
            // The broker's metadata cache may not list a just-created topic yet (seen in CI under load).
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw e;
        }
    }

    /** The child's console output so far (for failure messages). */
    public String log() {
        try {
            return Files.readString(dir.resolve("broker.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
    }

    private void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteTree(dir);
    }

    private Properties adminProps() {
        Properties props = new Properties();
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        return props;
    }

    /** Waits until the port accepts connections and a Metadata round trip (describeCluster) names our node. */
    private void awaitServing() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Apache Kafka exited with " + process.exitValue() + ":\n" + log());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            } catch (IOException e) {
                last = e;
                pause();
                continue;
            }
            try (Admin admin = Admin.create(adminProps())) {
                if (!admin.describeCluster().nodes().get(20, TimeUnit.SECONDS).isEmpty()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            pause();
        }
        throw new IllegalStateException("Apache Kafka did not start within " + STARTUP_TIMEOUT + " (last: " + last
                + "):\n" + log());
    }

    private static void pause() {
        try {
            Thread.sleep(200); // polling a child process: nothing to wait on but its port
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static Path locateLibs() {
        String configured = System.getProperty(LIBS_PROPERTY);
        if (configured != null) {
            return checkLibs(Paths.get(configured));
        }
        for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("samsa-kafka-dist").resolve("target").resolve("kafka-libs");
            if (Files.isDirectory(candidate)) {
                return checkLibs(candidate);
            }
        }
        throw new IllegalStateException("Apache Kafka jars not found: build module samsa-kafka-dist "
                + "(mvn -pl samsa-kafka-dist generate-resources) or set -D" + LIBS_PROPERTY);
    }

    private static Path checkLibs(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            if (files.noneMatch(f -> f.getFileName().toString().startsWith("kafka_2.13-"))) {
                throw new IllegalStateException("No kafka_2.13 jar in " + dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: a temp dir
        }
    }
}
