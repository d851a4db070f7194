package io.samsa.bench.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code bench/compare}'s engine: for each broker in turn (never both at once) it measures start-up and memory,
 * runs the throughput matrix and the fixed-rate latency runs, then writes {@code <date>.md}, {@code .csv} and
 * {@code .png}. With {@code --nodes N} each broker is an N-node {@link BrokerCluster}; with {@code --mode failover}
 * a {@link FailoverRun} per broker replaces the matrix, with {@code --mode compaction} a {@link CompactionRun}, with
 * {@code --mode transactions} a {@link TransactionsRun}, with {@code --mode tls} a {@link TlsRun} (the certificates made
 * once, before the first broker, and given to both); with {@code --mode quota} a {@link QuotaRun}
 * (one node each: quotas held, and what enforcing them costs).
 * Run through {@code bench/compare}, which builds the jars and passes their paths.
 */
public final class Compare {
    private static final Pattern EMBEDDED = Pattern.compile("(cold|warm) start to first produce: ([\\d.]+) ms");

    private final Plan plan;
    private final Path work;
    private final Children children;
    private final ClientTools tools;
    private final Samples samples = new Samples();
    private final List<String> notes = new ArrayList<>();
    private int runNumber;

    private Compare(Plan plan, Path work, Children children) {
        this.plan = plan;
        this.work = work;
        this.children = children;
        this.tools = new ClientTools(plan);
    }

    public static void main(String[] args) throws Exception {
        Plan plan;
        try {
            plan = Plan.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("bench/compare: " + e.getMessage());
            }
            System.err.print(Plan.USAGE);
            System.exit(2);
            return;
        }
        boolean ownWork = plan.work == null;
        Path work = ownWork ? Files.createTempDirectory("samsa-compare-") : Files.createDirectories(plan.work);
        String loadBefore = Machine.loadAverage();
        long started = System.nanoTime();
        Compare run;
        boolean complete;
        try (Children children = new Children()) {
            run = new Compare(plan, work, children);
            complete = run.runAll();
        } finally {
            if (ownWork) {
                deleteTree(work);
            }
        }
        Files.createDirectories(plan.out);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm"))
                + (plan.failover() ? "-failover" : plan.compaction() ? "-compaction"
                        : plan.transactions() ? "-transactions" : plan.tls() ? "-tls" : plan.quota() ? "-quota"
                        : plan.cluster() ? "-cluster" + plan.nodes : "")
                + (plan.quick ? "-quick" : "");
        Path md = plan.out.resolve(stamp + ".md");
        Path csv = plan.out.resolve(stamp + ".csv");
        Path png = plan.out.resolve(stamp + ".png");
        run.samples.writeCsv(csv);
        RatioChart.write(run.samples, png, "Samsa / Apache Kafka " + Machine.kafkaVersion(plan.kafkaLibs)
                + (plan.quick ? " (--quick)" : ""));
        Machine machine = new Machine(loadBefore, Machine.loadAverage(), work, plan,
                Duration.ofNanos(System.nanoTime() - started));
        Files.writeString(md, MarkdownReport.render(plan, machine, run.samples, run.notes, csv.getFileName(),
                png.getFileName()), StandardCharsets.UTF_8);
        System.out.println("bench/compare: wrote " + md + ", " + csv + ", " + png);
        if (!complete) {
            System.err.println("bench/compare: a broker run failed; see Notes in " + md);
            System.exit(1);
        }
    }

    /** Runs everything; false if a broker's run stopped early (what was measured is still reported). */
    private boolean runAll() throws IOException {
        if (plan.mode.equals("compare")) {
            notes.add(tools.hasSamsaPerfCommand()
                    ? "SamsaProducer runs through `samsa perf produce`."
                    : "SamsaProducer runs through `java -cp samsa.jar io.samsa.clients.tools.ProducerPerf --producer"
                            + " samsa` (this samsa.jar has no `samsa perf` yet).");
        }
        warmUpClientClasses();
        if (plan.brokers.contains("samsa") && !plan.cluster() && plan.mode.equals("compare")) {
            embeddedStartup();
        }
        boolean complete = true;
        BenchCertificates certs = null;
        if (plan.tls()) {
            log("making the TLS certificates (keytool, " + plan.tlsKey + ")");
            certs = BenchCertificates.create(work.resolve("certs"), plan.tlsKey);
        }
        for (String broker : plan.brokers) {
            try {
                if (plan.failover()) {
                    new FailoverRun(plan, children, samples, notes, work.resolve(broker + "-cluster")).run(broker);
                } else if (plan.compaction()) {
                    new CompactionRun(plan, children, samples, notes, work.resolve(broker + "-compaction")).run(broker);
                } else if (plan.transactions()) {
                    new TransactionsRun(plan, children, samples, notes, work.resolve(broker + "-transactions"))
                            .run(broker);
                } else if (plan.quota()) {
                    new QuotaRun(plan, children, samples, notes, work.resolve(broker + "-quota")).run(broker);
                } else if (plan.tls()) {
                    new TlsRun(plan, children, samples, notes, work.resolve(broker + "-tls"), certs).run(broker);
                } else if (plan.cluster()) {
                    runCluster(broker);
                } else {
                    runBroker(broker);
                }
            } catch (RuntimeException e) {
                complete = false;
                notes.add("**" + broker + " run stopped early**: " + e.getMessage().replace("\n", " / "));
                log("FAILED: " + broker + ": " + e.getMessage());
            }
        }
        return complete;
    }

    /** Loads the admin and producer classes once, so the first broker's start-up timing does not pay for it. */
    private static void warmUpClientClasses() {
        Properties p = clientProps("127.0.0.1:1");
        p.setProperty("max.block.ms", "1");
        Admin.create(p).close(Duration.ZERO);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("warm-up", new byte[1]));
        } catch (RuntimeException expected) {
            // nothing listens on port 1: only the class loading was wanted
        }
    }

    private void embeddedStartup() throws IOException {
        log("samsa: embedded start to first produce");
        int runs = plan.quick ? 3 : 10;
        Children.Result r = children.run(tools.embeddedStartup(runs), work.resolve("embedded.log"),
                plan.clientTimeoutSeconds);
        Matcher m = EMBEDDED.matcher(r.output());
        int i = 0;
        while (m.find()) {
            samples.add("samsa", "startup", "embedded (EmbeddedStartup)", "-", m.group(1) + "_start_to_first_produce_ms",
                    i++, Double.parseDouble(m.group(2)));
        }
        if (i == 0) {
            notes.add("EmbeddedStartup printed no figures (exit " + r.exit() + "): " + firstLines(r.output()));
        }
    }

    private void runBroker(String kind) throws IOException {
        BrokerProcess broker = null;
        try {
            for (int s = 0; s < plan.startups; s++) {
                if (broker != null) {
                    broker.close();
                    deleteTree(work.resolve(kind + "-" + (s - 1)));
                }
                log(kind + ": start " + (s + 1) + "/" + plan.startups);
                broker = BrokerProcess.start(kind, plan, children, work.resolve(kind + "-" + s));
                double firstProduce = firstProduce(broker, broker::msSinceSpawn);
                samples.add(kind, "startup", "process", "-", "spawn_to_listening_ms", s, broker.listenMs());
                samples.add(kind, "startup", "process", "-", "spawn_to_first_produce_ms", s, firstProduce);
                BrokerProcess.sleep(TimeUnit.SECONDS.toMillis(plan.settleSeconds));
                samples.add(kind, "memory", "process", "-", "idle_rss_mib", s, ProcStats.rssMiB(broker.pid()));
            }
            matrix(broker);
            samples.add(kind, "memory", "process", "-", "peak_rss_mib", 0, ProcStats.peakRssMiB(broker.pid()));
            samples.add(kind, "cpu", "process", "-", "broker_cpu_s_whole_run", 0, ProcStats.cpuSeconds(broker.pid()));
        } finally {
            if (broker != null) {
                broker.close();
            }
            try (Stream<Path> dirs = Files.list(work)) {
                dirs.filter(d -> d.getFileName().toString().startsWith(kind + "-")).forEach(Compare::deleteTree);
            }
        }
    }

    /**
     * An N-node cluster of {@code kind}: spawn to formed (all N brokers in DescribeCluster) and to the first
     * acks=all produce on a replicated topic, then the same matrix as one node, on topics with the plan's
     * replication factor and min.insync.replicas. Broker CPU is summed over the nodes; peak RSS is the largest node's.
     */
    private void runCluster(String kind) throws IOException {
        Path dir = work.resolve(kind + "-cluster");
        log(kind + ": starting a " + plan.nodes + "-node cluster");
        try (BrokerCluster cluster = BrokerCluster.start(kind, plan, children, dir)) {
            double formed = cluster.awaitFormed(Duration.ofSeconds(plan.formSeconds));
            double firstProduce = firstProduce(cluster, cluster::msSinceSpawn);
            samples.add(kind, "startup", "cluster", "-", "spawn_to_formed_ms", 0, formed);
            samples.add(kind, "startup", "cluster", "-", "spawn_to_first_produce_ms", 0, firstProduce);
            matrix(cluster);
            double peak = cluster.pids().stream().mapToDouble(ProcStats::peakRssMiB).max().orElse(Double.NaN);
            samples.add(kind, "memory", "cluster", "-", "peak_rss_mib_largest_node", 0, peak);
            samples.add(kind, "cpu", "cluster", "-", "broker_cpu_s_whole_run", 0, cluster.cpuSeconds());
        } finally {
            if (System.getenv("BENCH_KEEP") == null) {
                deleteTree(dir);
            } else {
                log(kind + ": kept the cluster's data and logs in " + dir + " (BENCH_KEEP)");
            }
        }
    }

    private void matrix(Brokers broker) {
        try (Admin admin = Admin.create(clientProps(broker.bootstrap()))) {
            for (int rep = 0; rep < plan.repeats; rep++) {
                for (Cell cell : plan.throughputCells()) {
                    throughputCell(broker, admin, cell, rep);
                }
            }
            for (int rep = 0; rep < plan.repeats; rep++) {
                for (Cell cell : plan.latencyCells()) {
                    latencyCell(broker, admin, cell, rep);
                }
            }
        }
    }

    /** Spawn to the first acknowledged produce (acks=all) to a topic created after the port opened. */
    private double firstProduce(Brokers broker, DoubleSupplier msSinceSpawn) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Properties p = clientProps(broker.bootstrap());
        p.setProperty("acks", "all");
        RuntimeException last = null;
        try (Admin admin = Admin.create(p);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                     new ByteArraySerializer())) {
            while (System.nanoTime() < deadline) {
                try {
                    admin.createTopics(List.of(newTopic("startup", 1))).all().get(30, TimeUnit.SECONDS);
                    break;
                } catch (Exception e) {
                    if (e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException) {
                        break;
                    }
                    last = new IllegalStateException(e);
                    BrokerProcess.sleep(10);
                }
            }
            producer.send(new ProducerRecord<>("startup", "first".getBytes(StandardCharsets.UTF_8))).get(60,
                    TimeUnit.SECONDS);
            return msSinceSpawn.getAsDouble();
        } catch (Exception e) {
            throw new IllegalStateException(broker.kind() + ": no first produce (" + last + "): " + e + "\n"
                    + broker.logTail(), e);
        }
    }

    private void throughputCell(Brokers broker, Admin admin, Cell cell, int rep) {
        String kind = broker.kind();
        long records = plan.records(cell);
        double gb = records * (double) cell.recordSize() / 1e9;
        log(kind + ": " + cell.label() + " repeat " + (rep + 1) + "/" + plan.repeats + " (" + records + " records)");

        String kafkaTopic = "tp-" + cell.topicPart() + "-kp-" + rep;
        requireAlive(broker);
        createTopic(admin, kafkaTopic, cell.partitions());
        produce(broker, ClientTools.KAFKA_PRODUCER, cell, rep, gb,
                tools.kafkaProducer(broker.bootstrap(), kafkaTopic, records, cell));
        consume(broker, ClientTools.KAFKA_CONSUMER_ASSIGN, cell, rep, records,
                Optional.of(tools.kafkaConsumerAssign(broker.bootstrap(), kafkaTopic, records)));
        consume(broker, ClientTools.KAFKA_CONSUMER_GROUP, cell, rep, records,
                Optional.of(tools.kafkaConsumerGroup(broker.bootstrap(), kafkaTopic, records)));
        consume(broker, ClientTools.SAMSA_CONSUMER, cell, rep, records,
                tools.samsaConsumer(broker.bootstrap(), kafkaTopic, records));
        deleteTopic(admin, kafkaTopic);

        String samsaTopic = "tp-" + cell.topicPart() + "-sp-" + rep;
        requireAlive(broker);
        createTopic(admin, samsaTopic, cell.partitions());
        produce(broker, ClientTools.SAMSA_PRODUCER, cell, rep, gb,
                tools.samsaProducer(broker.bootstrap(), samsaTopic, records, cell));
        deleteTopic(admin, samsaTopic);
    }

    private void produce(Brokers broker, String client, Cell cell, int rep, double gb, List<String> cmd) {
        requireAlive(broker);
        double cpuBefore = broker.cpuSeconds();
        Children.Result r = children.run(cmd, nextLog(broker.kind(), "produce"), plan.clientTimeoutSeconds);
        double cpu = broker.cpuSeconds() - cpuBefore;
        Optional<ClientTools.ProduceSummary> s = ClientTools.parseProduce(r.output());
        if (!r.ok() || s.isEmpty()) {
            failed(broker.kind(), client, cell, r);
            return;
        }
        String kind = broker.kind();
        samples.add(kind, "produce", client, cell.label(), "records_per_s", rep, s.get().recordsPerSec());
        samples.add(kind, "produce", client, cell.label(), "MB_per_s", rep, s.get().mbPerSec());
        samples.add(kind, "produce", client, cell.label(), "producer_p99_ms", rep, s.get().p99Ms());
        samples.add(kind, "produce", client, cell.label(), "broker_cpu_s", rep, cpu);
        samples.add(kind, "produce", client, cell.label(), "broker_cpu_s_per_GB", rep, cpu / gb);
    }

    private void consume(Brokers broker, String client, Cell cell, int rep, long records,
                         Optional<List<String>> cmd) {
        if (cmd.isEmpty()) {
            note(client + ": not in this build's samsa.jar (hook: ClientTools.samsaConsumer); no rows");
            return;
        }
        String skipKey = broker.kind() + " " + client + ": ";
        if (notes.stream().anyMatch(n -> n.startsWith(skipKey))) {
            return; // failed before on this broker: not worth the time again
        }
        requireAlive(broker);
        Children.Result r = children.run(cmd.get(), nextLog(broker.kind(), "consume"), plan.clientTimeoutSeconds);
        Optional<ClientTools.ConsumeSummary> s = ClientTools.parseConsume(r.output());
        if (!r.ok() || s.isEmpty() || s.get().records() < records) {
            failed(broker.kind(), client, cell, r);
            return;
        }
        samples.add(broker.kind(), "consume", client, cell.label(), "records_per_s", rep, s.get().recordsPerSec());
        samples.add(broker.kind(), "consume", client, cell.label(), "MB_per_s", rep, s.get().mbPerSec());
    }

    private void latencyCell(Brokers broker, Admin admin, Cell cell, int rep) {
        String kind = broker.kind();
        log(kind + ": end-to-end " + cell.label() + " at " + plan.latencyRate + "/s, repeat " + (rep + 1));
        String topic = "lat-" + cell.topicPart() + "-" + rep;
        requireAlive(broker);
        createTopic(admin, topic, cell.partitions());
        double cpuBefore = broker.cpuSeconds();
        Children.Result r = children.run(tools.endToEnd(broker.bootstrap(), topic, cell), nextLog(kind, "e2e"),
                plan.clientTimeoutSeconds);
        double cpu = broker.cpuSeconds() - cpuBefore;
        deleteTopic(admin, topic);
        Optional<ClientTools.LatencySummary> s = ClientTools.parseEndToEnd(r.output());
        if (!r.ok() || s.isEmpty()) {
            failed(kind, ClientTools.E2E, cell, r);
            return;
        }
        String client = ClientTools.E2E + " " + plan.latencyRate + "/s";
        samples.add(kind, "e2e", client, cell.label(), "p50_ms", rep, s.get().p50());
        samples.add(kind, "e2e", client, cell.label(), "p99_ms", rep, s.get().p99());
        samples.add(kind, "e2e", client, cell.label(), "p99.9_ms", rep, s.get().p999());
        samples.add(kind, "e2e", client, cell.label(), "broker_cpu_s", rep, cpu);
    }

    /** Stops this broker's run with its log tail if the process is gone (killed, crashed, out of memory). */
    static void requireAlive(Brokers broker) {
        if (!broker.alive()) {
            throw new IllegalStateException(broker.kind() + " broker process exited (" + broker.exitDescription()
                    + "); last log lines: " + broker.logTail().lines().skip(Math.max(0,
                    broker.logTail().lines().count() - 15)).reduce((a, b) -> a + " / " + b).orElse("(empty)"));
        }
    }

    private void failed(String kind, String client, Cell cell, Children.Result r) {
        note(kind + " " + client + ": " + cell.label() + " failed (exit " + r.exit() + "): " + firstLines(r.output()));
        log("  FAILED: " + notes.get(notes.size() - 1));
    }

    private void note(String text) {
        if (!notes.contains(text)) {
            notes.add(text);
        }
    }

    private Path nextLog(String kind, String what) {
        return work.resolve(String.format(Locale.ROOT, "%s-%03d-%s.log", kind, ++runNumber, what));
    }

    /** A topic with the plan's replication factor (1 for one node) and, when set, its min.insync.replicas. */
    private NewTopic newTopic(String topic, int partitions) {
        return new NewTopic(topic, partitions, (short) plan.replicationFactor).configs(BrokerCluster.topicConfigs(plan));
    }

    private void createTopic(Admin admin, String topic, int partitions) {
        try {
            admin.createTopics(List.of(newTopic(topic, partitions))).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not create " + topic + ": " + e, e);
        }
    }

    private static void deleteTopic(Admin admin, String topic) {
        try {
            admin.deleteTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("bench/compare: could not delete " + topic + ": " + e);
        }
    }

    static Properties clientProps(String bootstrap) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        p.setProperty("request.timeout.ms", "30000");
        p.setProperty("default.api.timeout.ms", "60000");
        return p;
    }

    static String firstLines(String output) {
        return output.lines().filter(l -> !l.isBlank() && !l.contains("deprecated")).limit(3)
                .reduce((a, b) -> a + " | " + b).orElse("(no output)");
    }

    private static void log(String line) {
        System.out.println(LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + " " + line);
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | RuntimeException e) {
            System.err.println("bench/compare: could not delete " + root + ": " + e);
        }
    }
}
