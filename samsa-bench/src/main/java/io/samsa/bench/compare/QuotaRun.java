package io.samsa.bench.compare;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;

/**
 * The client quota benchmark for one broker kind (issue 14): one node with the common settings. First, while no
 * quota has ever been set, the cost of enforcement on the hot path: per repeat, Kafka's ProducerPerformance writes
 * {@code --mb} MB with no quota, with a quota on another client id only, and under a default client-id quota far above
 * any rate (every request recorded, none throttled), broker CPU across each run. Then the held rate: client-id
 * {@code limited} gets {@code producer_byte_rate} and {@code consumer_byte_rate} = {@code --quota-bytes}; per repeat a
 * {@link QuotaClients} run of an unlimited client alone and one of {@code limited} beside it, flat out for
 * {@code --quota-seconds}, produce and then consume (of a topic pre-filled once). Quotas are set with the stock
 * Admin's {@code alterClientQuotas} and count as applied once {@code describeClientQuotas} shows them. Runs on the
 * Compare thread; every client is a child process.
 */
final class QuotaRun {
    static final String LIMITED = "limited";
    static final String UNLIMITED = "unlimited";
    static final String LIMITED_PRODUCER = "KafkaProducer, client-id limited (QuotaClients)";
    static final String UNLIMITED_PRODUCER_BESIDE = "KafkaProducer, client-id unlimited, beside limited";
    static final String UNLIMITED_PRODUCER_ALONE = "KafkaProducer, client-id unlimited, alone";
    static final String LIMITED_CONSUMER = "KafkaConsumer, client-id limited (QuotaClients)";
    static final String UNLIMITED_CONSUMER_BESIDE = "KafkaConsumer, client-id unlimited, beside limited";
    static final String UNLIMITED_CONSUMER_ALONE = "KafkaConsumer, client-id unlimited, alone";
    /** The default client-id quota of the cost runs: far above any rate here, so it records but never throttles. */
    static final double FAR_ABOVE = 10e9;
    private static final String FILL_TOPIC = "quota-fill";

    /** The quota sets of the cost runs, in cell labels. */
    enum Setting {
        NONE("no quota"),
        OTHER("quota on client-id limited only"),
        DEFAULT("default client-id quota 10 GB/s");

        final String label;

        Setting(String label) {
            this.label = label;
        }
    }

    private final Plan plan;
    private final Children children;
    private final ClientTools tools;
    private final Samples samples;
    private final List<String> notes;
    private final Path dir;
    private int runNumber;

    QuotaRun(Plan plan, Children children, Samples samples, List<String> notes, Path dir) {
        this.plan = plan;
        this.children = children;
        this.tools = new ClientTools(plan);
        this.samples = samples;
        this.notes = notes;
        this.dir = dir;
    }

    /** The cost runs' cell: the quota setting, then the produce cell. */
    static String costCell(Setting setting, Plan plan) {
        return setting.label + ", " + costProduceCell(plan).label();
    }

    static Cell costProduceCell(Plan plan) {
        return new Cell(plan.quotaRecordSize, 1, "1", "none");
    }

    static String heldCell(String quotaKey, Plan plan) {
        return quotaKey + " " + MarkdownReport.fmt(plan.quotaBytes / 1048576.0) + " MiB/s, "
                + plan.quotaRecordSize + "B, " + plan.quotaSeconds + " s";
    }

    void run(String kind) {
        log(kind + ": starting one node");
        try (BrokerProcess broker = BrokerProcess.start(kind, plan, children, dir.resolve("broker"));
             Admin admin = Admin.create(Compare.clientProps(broker.bootstrap()))) {
            for (int rep = 0; rep < plan.repeats; rep++) {
                List<Setting> order = Arrays.asList(Setting.values());
                if (rep % 2 == 1) {
                    order = new ArrayList<>(order);
                    Collections.reverse(order);
                }
                for (Setting s : order) {
                    apply(broker, admin, quotas(s), rep);
                    cost(broker, admin, s, rep);
                }
            }
            apply(broker, admin, quotas(Setting.OTHER), 0);
            createTopic(admin, FILL_TOPIC);
            fill(broker);
            for (int rep = 0; rep < plan.repeats; rep++) {
                held(broker, admin, "produce", rep);
                held(broker, admin, "consume", rep);
            }
            samples.add(kind, "memory", "process", "-", "peak_rss_mib", 0, ProcStats.peakRssMiB(broker.pid()));
            samples.add(kind, "cpu", "process", "-", "broker_cpu_s_whole_run", 0, broker.cpuSeconds());
        } finally {
            Compare.deleteTree(dir);
        }
    }

    /** The quotas each setting configures: entity to key to value. */
    Map<ClientQuotaEntity, Map<String, Double>> quotas(Setting s) {
        double q = plan.quotaBytes;
        return switch (s) {
            case NONE -> Map.of();
            case OTHER -> Map.of(new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, LIMITED)),
                    Map.of("producer_byte_rate", q, "consumer_byte_rate", q));
            case DEFAULT -> Map.of(new ClientQuotaEntity(Collections.singletonMap(ClientQuotaEntity.CLIENT_ID, null)),
                    Map.of("producer_byte_rate", FAR_ABOVE, "consumer_byte_rate", FAR_ABOVE));
        };
    }

    /**
     * Makes the broker's quotas exactly {@code want} (removing any others) and waits until describeClientQuotas
     * shows them; records how long that took.
     */
    private void apply(BrokerProcess broker, Admin admin, Map<ClientQuotaEntity, Map<String, Double>> want, int rep) {
        Compare.requireAlive(broker);
        try {
            Map<ClientQuotaEntity, Map<String, Double>> have = describe(admin);
            if (have.equals(want)) {
                return;
            }
            List<ClientQuotaAlteration> changes = new ArrayList<>();
            for (var e : have.entrySet()) {
                List<ClientQuotaAlteration.Op> ops = new ArrayList<>();
                Map<String, Double> keep = want.getOrDefault(e.getKey(), Map.of());
                e.getValue().keySet().stream().filter(k -> !keep.containsKey(k))
                        .forEach(k -> ops.add(new ClientQuotaAlteration.Op(k, null)));
                if (!ops.isEmpty()) {
                    changes.add(new ClientQuotaAlteration(e.getKey(), ops));
                }
            }
            for (var e : want.entrySet()) {
                changes.add(new ClientQuotaAlteration(e.getKey(), e.getValue().entrySet().stream()
                        .map(kv -> new ClientQuotaAlteration.Op(kv.getKey(), kv.getValue())).toList()));
            }
            long started = System.nanoTime();
            admin.alterClientQuotas(changes).all().get(60, TimeUnit.SECONDS);
            long deadline = started + TimeUnit.SECONDS.toNanos(60);
            while (!describe(admin).equals(want)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(broker.kind() + ": describeClientQuotas still shows "
                            + describe(admin) + " 60 s after setting " + want);
                }
                BrokerProcess.sleep(20); // the broker applies metadata on its own time: nothing to wait on
            }
            samples.add(broker.kind(), "setup", "Admin alterClientQuotas", "-", "alter_to_described_ms", rep,
                    (System.nanoTime() - started) / 1e6);
        } catch (Exception e) {
            throw new IllegalStateException(broker.kind() + ": could not set quotas " + want + ": " + e, e);
        }
    }

    private static Map<ClientQuotaEntity, Map<String, Double>> describe(Admin admin) throws Exception {
        Map<ClientQuotaEntity, Map<String, Double>> out = new HashMap<>();
        admin.describeClientQuotas(ClientQuotaFilter.all()).entities().get(60, TimeUnit.SECONDS)
                .forEach((entity, values) -> {
                    if (!values.isEmpty()) {
                        out.put(entity, Map.copyOf(values));
                    }
                });
        return out;
    }

    /** One enforcement-cost run: ProducerPerformance flat out, {@code --mb} MB, broker CPU across it. */
    private void cost(BrokerProcess broker, Admin admin, Setting setting, int rep) {
        String kind = broker.kind();
        Cell cell = costProduceCell(plan);
        String label = costCell(setting, plan);
        long records = plan.records(cell);
        double gb = records * (double) cell.recordSize() / 1e9;
        String topic = "quota-cost-" + setting.name().toLowerCase(Locale.ROOT) + "-" + rep;
        log(kind + ": " + label + " repeat " + (rep + 1) + "/" + plan.repeats + " (" + records + " records)");
        createTopic(admin, topic);
        try {
            double cpuBefore = broker.cpuSeconds();
            Children.Result r = children.run(tools.kafkaProducer(broker.bootstrap(), topic, records, cell),
                    nextLog(kind, "cost"), plan.clientTimeoutSeconds);
            double cpu = broker.cpuSeconds() - cpuBefore;
            Optional<ClientTools.ProduceSummary> p = ClientTools.parseProduce(r.output());
            String client = ClientTools.KAFKA_PRODUCER;
            if (!r.ok() || p.isEmpty()) {
                failed(kind, client, label, r);
                return;
            }
            samples.add(kind, "enforcement cost", client, label, "records_per_s", rep, p.get().recordsPerSec());
            samples.add(kind, "enforcement cost", client, label, "MB_per_s", rep, p.get().mbPerSec());
            samples.add(kind, "enforcement cost", client, label, "producer_p99_ms", rep, p.get().p99Ms());
            samples.add(kind, "enforcement cost", client, label, "broker_cpu_s", rep, cpu);
            samples.add(kind, "enforcement cost", client, label, "broker_cpu_s_per_GB", rep, cpu / gb);
        } finally {
            deleteTopic(admin, topic);
        }
    }

    /** The consumers' topic: {@code --quota-fill-mb} MB by ProducerPerformance (client-id filler, no quota). */
    private void fill(BrokerProcess broker) {
        Cell cell = costProduceCell(plan);
        long records = Math.max(1000, (long) (plan.quotaFillMb * 1_000_000 / cell.recordSize()));
        log(broker.kind() + ": filling " + FILL_TOPIC + " (" + records + " records)");
        Children.Result r = children.run(tools.kafkaProducer(broker.bootstrap(), FILL_TOPIC, records, cell),
                nextLog(broker.kind(), "fill"), plan.clientTimeoutSeconds);
        if (!r.ok() || ClientTools.parseProduce(r.output()).isEmpty()) {
            throw new IllegalStateException(broker.kind() + ": could not fill " + FILL_TOPIC + ": "
                    + Compare.firstLines(r.output()));
        }
    }

    /**
     * One held-rate repeat of produce or consume: the unlimited client alone, and limited beside it (alone first on
     * even repeats). Producers get a new topic per run; consumers read the filled one.
     */
    private void held(BrokerProcess broker, Admin admin, String mode, int rep) {
        boolean produce = mode.equals("produce");
        Map<Boolean, Map<String, ClientTools.QuotaClientSummary>> runs = new HashMap<>();
        Map<Boolean, Double> cpu = new HashMap<>();
        Map<Boolean, Double> clientCpu = new HashMap<>();
        for (boolean together : rep % 2 == 0 ? List.of(false, true) : List.of(true, false)) {
            String topic = produce ? "quota-held-" + (together ? "both" : "alone") + "-" + rep : FILL_TOPIC;
            log(broker.kind() + ": " + mode + (together ? " limited beside unlimited" : " unlimited alone") + " for "
                    + plan.quotaSeconds + " s, repeat " + (rep + 1) + "/" + plan.repeats);
            Compare.requireAlive(broker);
            if (produce) {
                createTopic(admin, topic);
            }
            try {
                double cpuBefore = broker.cpuSeconds();
                List<String> ids = together ? List.of(LIMITED, UNLIMITED) : List.of(UNLIMITED);
                Children.Result r = children.run(tools.quotaClients(broker.bootstrap(), topic, mode, ids),
                        nextLog(broker.kind(), mode + (together ? "-both" : "-alone")), plan.clientTimeoutSeconds);
                cpu.put(together, broker.cpuSeconds() - cpuBefore);
                clientCpu.put(together, ClientTools.parseQuotaClientsCpu(r.output()));
                Map<String, ClientTools.QuotaClientSummary> got = ClientTools.parseQuotaClients(r.output());
                if (!r.ok() || !got.keySet().containsAll(ids)) {
                    failed(broker.kind(), "QuotaClients " + mode + " " + ids, heldCell(mode, plan), r);
                    return;
                }
                runs.put(together, got);
            } finally {
                if (produce) {
                    deleteTopic(admin, topic);
                }
            }
        }
        record(broker.kind(), produce, runs.get(false).get(UNLIMITED), runs.get(true), cpu, clientCpu, rep);
    }

    /** {@code cpu} and {@code clientCpu}: the broker's and the client JVM's, by together (true) or alone. */
    private void record(String kind, boolean produce, ClientTools.QuotaClientSummary alone,
                        Map<String, ClientTools.QuotaClientSummary> together, Map<Boolean, Double> cpu,
                        Map<Boolean, Double> clientCpu, int rep) {
        String cell = heldCell(produce ? "producer_byte_rate" : "consumer_byte_rate", plan);
        String test = "held rate";
        double q = plan.quotaBytes;
        int d = plan.quotaSeconds;
        ClientTools.QuotaClientSummary limited = together.get(LIMITED);
        String client = produce ? LIMITED_PRODUCER : LIMITED_CONSUMER;
        samples.add(kind, test, client, cell, "bytes_per_s", rep, limited.bytes() / (double) d);
        samples.add(kind, test, client, cell, "ratio_to_quota", rep, limited.bytes() / (double) d / q);
        samples.add(kind, test, client, cell, "wire_ratio_to_quota", rep, limited.wireBytes() / (double) d / q);
        long[] steady = Arrays.copyOfRange(limited.perSecond(), plan.quotaSteadyFrom, d);
        samples.add(kind, test, client, cell, "steady_ratio_to_quota", rep,
                Arrays.stream(steady).sum() / (double) steady.length / q);
        long[] sorted = steady.clone();
        Arrays.sort(sorted);
        samples.add(kind, test, client, cell, "steady_second_p50_ratio", rep, rank(sorted, 0.50) / q);
        samples.add(kind, test, client, cell, "steady_second_p99_ratio", rep, rank(sorted, 0.99) / q);
        samples.add(kind, test, client, cell, "first_second_ratio_to_quota", rep, limited.perSecond()[0] / q);
        samples.add(kind, test, client, cell, "throttle_time_max_ms", rep, limited.throttleMaxMs());
        samples.add(kind, test, client, cell, "broker_cpu_s", rep, cpu.get(true));
        samples.add(kind, test, client, cell, "client_jvm_cpu_s", rep, clientCpu.get(true));

        double aloneMb = alone.bytes() / (double) d / 1e6;
        double besideMb = together.get(UNLIMITED).bytes() / (double) d / 1e6;
        String aloneClient = produce ? UNLIMITED_PRODUCER_ALONE : UNLIMITED_CONSUMER_ALONE;
        samples.add(kind, test, aloneClient, cell, "MB_per_s", rep, aloneMb);
        samples.add(kind, test, aloneClient, cell, "broker_cpu_s", rep, cpu.get(false));
        samples.add(kind, test, aloneClient, cell, "client_jvm_cpu_s", rep, clientCpu.get(false));
        String beside = produce ? UNLIMITED_PRODUCER_BESIDE : UNLIMITED_CONSUMER_BESIDE;
        samples.add(kind, test, beside, cell, "MB_per_s", rep, besideMb);
        samples.add(kind, test, beside, cell, "ratio_to_alone", rep, aloneMb > 0 ? besideMb / aloneMb : Double.NaN);
    }

    /** Nearest rank: of a handful of seconds, p99 is the largest. */
    static double rank(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private void createTopic(Admin admin, String topic) {
        try {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
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
