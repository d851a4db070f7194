package io.samsa.bench.compare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The TLS benchmark for one broker kind (issue 14): one node with the common settings, a PLAINTEXT and an SSL
 * listener, the run's {@link BenchCertificates} (the same files for both brokers). Per repeat and per produce cell
 * ({@code --sizes} × {@code --acks}), PLAINTEXT (the reference) and SSL, each on a new topic (PLAINTEXT first on even
 * repeats, SSL first on odd ones, so neither always runs on the more warmed-up broker): Kafka's stock
 * ProducerPerformance writes {@code --mb} MB, Kafka's stock ConsumerPerformance reads it all back, each with a client
 * config file ({@code security.protocol}, the trust store); then per repeat the connection rate of
 * {@link TlsHandshakeRate} on each listener. Broker CPU (utime + stime) across every client run. Runs on the Compare
 * thread; every client is a child process.
 */
final class TlsRun {
    private final Plan plan;
    private final Children children;
    private final ClientTools tools;
    private final Samples samples;
    private final List<String> notes;
    private final Path dir;
    private final BenchCertificates certs;
    private int runNumber;

    TlsRun(Plan plan, Children children, Samples samples, List<String> notes, Path dir, BenchCertificates certs) {
        this.plan = plan;
        this.children = children;
        this.tools = new ClientTools(plan);
        this.samples = samples;
        this.notes = notes;
        this.dir = dir;
        this.certs = certs;
    }

    /** The table's cell: security first, so PLAINTEXT and SSL rows of one cell sit next to each other by label. */
    static String cell(String security, Cell cell) {
        return security + " " + cell.label();
    }

    /** The handshake rows' cell. */
    static String handshakeCell(String security, Plan plan) {
        return security + (security.equals("SSL") ? " TLSv1.3" : "") + ", " + plan.tlsThreads + " threads";
    }

    void run(String kind) {
        log(kind + ": starting one node with a PLAINTEXT and an SSL listener");
        int sslPort = BrokerProcess.freePort();
        try (BrokerProcess broker = BrokerProcess.start(kind, plan, children, dir.resolve("broker"),
                certs.serverProperties(), sslPort);
             Admin admin = Admin.create(Compare.clientProps(broker.bootstrap()))) {
            awaitPort(broker, sslPort);
            String sslBootstrap = "127.0.0.1:" + sslPort;
            Path plainConfig = clientConfig("plaintext.properties", new Properties());
            Path sslConfig = clientConfig("ssl.properties", certs.clientProperties());
            for (int rep = 0; rep < plan.repeats; rep++) {
                for (Cell cell : plan.throughputCells()) {
                    for (boolean ssl : order(rep)) {
                        throughput(broker, admin, ssl ? "SSL" : "PLAINTEXT", ssl ? sslBootstrap : broker.bootstrap(),
                                ssl ? sslConfig : plainConfig, cell, rep);
                    }
                }
            }
            for (int rep = 0; rep < plan.repeats; rep++) {
                for (boolean ssl : order(rep)) {
                    handshakes(broker, ssl ? "SSL" : "PLAINTEXT", ssl ? sslBootstrap : broker.bootstrap(),
                            ssl ? certs : null, rep);
                }
            }
            samples.add(kind, "memory", "process", "-", "peak_rss_mib", 0, ProcStats.peakRssMiB(broker.pid()));
            samples.add(kind, "cpu", "process", "-", "broker_cpu_s_whole_run", 0, broker.cpuSeconds());
        } finally {
            Compare.deleteTree(dir);
        }
    }

    /** PLAINTEXT first on even repeats, SSL first on odd ones. */
    private static List<Boolean> order(int rep) {
        return rep % 2 == 0 ? List.of(false, true) : List.of(true, false);
    }

    private void throughput(BrokerProcess broker, Admin admin, String security, String bootstrap, Path config,
                            Cell cell, int rep) {
        String kind = broker.kind();
        String label = cell(security, cell);
        long records = plan.records(cell);
        double gb = records * (double) cell.recordSize() / 1e9;
        String topic = "tls-" + security.toLowerCase(Locale.ROOT) + "-" + cell.topicPart() + "-" + rep;
        log(kind + ": " + label + " repeat " + (rep + 1) + "/" + plan.repeats + " (" + records + " records)");
        Compare.requireAlive(broker);
        try {
            admin.createTopics(List.of(new NewTopic(topic, cell.partitions(), (short) 1))).all()
                    .get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not create " + topic + ": " + e, e);
        }
        try {
            double cpuBefore = broker.cpuSeconds();
            Children.Result r = children.run(tools.kafkaProducer(bootstrap, topic, records, cell, config),
                    nextLog(kind, security + "-produce"), plan.clientTimeoutSeconds);
            double cpu = broker.cpuSeconds() - cpuBefore;
            Optional<ClientTools.ProduceSummary> p = ClientTools.parseProduce(r.output());
            if (!r.ok() || p.isEmpty()) {
                failed(kind, ClientTools.KAFKA_PRODUCER, label, r);
                return;
            }
            String client = ClientTools.KAFKA_PRODUCER;
            samples.add(kind, "produce", client, label, "records_per_s", rep, p.get().recordsPerSec());
            samples.add(kind, "produce", client, label, "MB_per_s", rep, p.get().mbPerSec());
            samples.add(kind, "produce", client, label, "producer_p99_ms", rep, p.get().p99Ms());
            samples.add(kind, "produce", client, label, "broker_cpu_s", rep, cpu);
            samples.add(kind, "produce", client, label, "broker_cpu_s_per_GB", rep, cpu / gb);

            Compare.requireAlive(broker);
            cpuBefore = broker.cpuSeconds();
            r = children.run(tools.kafkaConsumerGroup(bootstrap, topic, records, config),
                    nextLog(kind, security + "-consume"), plan.clientTimeoutSeconds);
            cpu = broker.cpuSeconds() - cpuBefore;
            Optional<ClientTools.ConsumeSummary> c = ClientTools.parseConsume(r.output());
            client = ClientTools.KAFKA_CONSUMER_GROUP;
            if (!r.ok() || c.isEmpty() || c.get().records() < records) {
                failed(kind, client, label, r);
                return;
            }
            samples.add(kind, "consume", client, label, "records_per_s", rep, c.get().recordsPerSec());
            samples.add(kind, "consume", client, label, "MB_per_s", rep, c.get().mbPerSec());
            samples.add(kind, "consume", client, label, "broker_cpu_s", rep, cpu);
            samples.add(kind, "consume", client, label, "broker_cpu_s_per_GB", rep, cpu / gb);
        } finally {
            try {
                admin.deleteTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("bench/compare: could not delete " + topic + ": " + e);
            }
        }
    }

    /** {@code certs} null: the PLAINTEXT listener, the same loop without TLS. */
    private void handshakes(BrokerProcess broker, String security, String bootstrap, BenchCertificates certs,
                            int rep) {
        String kind = broker.kind();
        String label = handshakeCell(security, plan);
        log(kind + ": connections " + label + " for " + plan.tlsSeconds + " s, repeat " + (rep + 1));
        Compare.requireAlive(broker);
        Children.Result r = children.run(tools.handshakeRate(bootstrap, certs, broker.pid()),
                nextLog(kind, security + "-connect"), plan.clientTimeoutSeconds);
        Optional<ClientTools.HandshakeSummary> s = ClientTools.parseHandshakes(r.output());
        if (!r.ok() || s.isEmpty()) {
            failed(kind, ClientTools.HANDSHAKES, label, r);
            return;
        }
        String client = ClientTools.HANDSHAKES;
        samples.add(kind, "handshake", client, label, "connections_per_s", rep, s.get().perSec());
        samples.add(kind, "handshake", client, label, "connection_p50_ms", rep, s.get().p50Ms());
        samples.add(kind, "handshake", client, label, "connection_p99_ms", rep, s.get().p99Ms());
        double cpu = s.get().brokerCpuSeconds(); // read by the tool over its measured window, warm-up left out
        samples.add(kind, "handshake", client, label, "broker_cpu_s", rep, cpu);
        samples.add(kind, "handshake", client, label, "broker_cpu_ms_per_connection", rep,
                cpu * 1000 / s.get().connections());
    }

    /** The SSL listener binds with the PLAINTEXT one, but the run must not start before it accepts. */
    private static void awaitPort(BrokerProcess broker, int port) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Compare.requireAlive(broker);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 100);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(broker.kind() + ": SSL listener on " + port
                            + " not accepting after 60 s:\n" + broker.logTail());
                }
                BrokerProcess.sleep(10); // polling a child's port: nothing else to wait on
            }
        }
    }

    private Path clientConfig(String name, Properties p) {
        Path file = dir.resolve(name);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "bench/tls client settings");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private void failed(String kind, String client, String cell, Children.Result r) {
        String text = kind + " " + client + ": " + cell + " failed (exit " + r.exit() + "): "
                + Compare.firstLines(r.output());
        notes.add(text);
        log("  FAILED: " + text);
    }

    private Path nextLog(String kind, String what) {
        return dir.resolve(String.format(Locale.ROOT, "%s-%03d-%s.log", kind, ++runNumber, what));
    }

    private static void log(String line) {
        System.out.println(LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + " " + line);
    }
}
