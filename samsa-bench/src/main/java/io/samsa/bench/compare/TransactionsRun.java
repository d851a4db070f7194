package io.samsa.bench.compare;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The transactions benchmark for one broker kind (issue 12): one node with the common settings; per repeat and per
 * transaction size ({@code --txn-sizes}), a new topic written by {@link TransactionalProducerPerf} (stock
 * KafkaProducer, transactional.id, acks=all, idempotence) in its own JVM, then read back whole by
 * {@link AssignedConsumerPerf} with isolation.level read_committed and, as the reference, read_uncommitted; broker
 * CPU (utime + stime) across each client run. Both readers must see exactly the committed records. Runs on the
 * Compare thread; every client is a child process.
 */
final class TransactionsRun {
    static final String TEST = "transactions";

    private final Plan plan;
    private final Children children;
    private final ClientTools tools;
    private final Samples samples;
    private final List<String> notes;
    private final Path dir;
    private int runNumber;

    TransactionsRun(Plan plan, Children children, Samples samples, List<String> notes, Path dir) {
        this.plan = plan;
        this.children = children;
        this.tools = new ClientTools(plan);
        this.samples = samples;
        this.notes = notes;
        this.dir = dir;
    }

    /** The table's cell: record size, records per transaction, partitions. */
    static String cell(Plan plan, int perTxn) {
        return plan.txnRecordSize + " B × " + perTxn + "/txn p" + plan.txnPartitions;
    }

    void run(String kind) {
        log(kind + ": starting one node for the transactions runs");
        try (BrokerProcess broker = BrokerProcess.start(kind, plan, children, dir.resolve("broker"));
             Admin admin = Admin.create(Compare.clientProps(broker.bootstrap()))) {
            for (int rep = 0; rep < plan.repeats; rep++) {
                for (int perTxn : plan.txnSizes) {
                    cell(broker, admin, perTxn, rep);
                }
            }
            samples.add(kind, "memory", "process", "-", "peak_rss_mib", 0, ProcStats.peakRssMiB(broker.pid()));
            samples.add(kind, "cpu", "process", "-", "broker_cpu_s_whole_run", 0, broker.cpuSeconds());
        } finally {
            Compare.deleteTree(dir);
        }
    }

    private void cell(BrokerProcess broker, Admin admin, int perTxn, int rep) {
        String kind = broker.kind();
        String cell = cell(plan, perTxn);
        String topic = "txn-" + perTxn + "-" + rep;
        log(kind + ": " + cell + " repeat " + (rep + 1) + "/" + plan.repeats + " (up to " + plan.txnRecords
                + " records or " + plan.txnSeconds + " s)");
        Compare.requireAlive(broker);
        try {
            admin.createTopics(List.of(new NewTopic(topic, plan.txnPartitions, (short) 1))).all()
                    .get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not create " + topic + ": " + e, e);
        }
        try {
            double cpuBefore = broker.cpuSeconds();
            Children.Result r = children.run(tools.transactionalProducer(broker.bootstrap(), topic, perTxn,
                    "bench-" + topic), nextLog(kind, "txn-produce"), plan.clientTimeoutSeconds);
            double cpu = broker.cpuSeconds() - cpuBefore;
            Optional<ClientTools.TxnSummary> s = ClientTools.parseTransactional(r.output());
            if (!r.ok() || s.isEmpty() || s.get().records() == 0) {
                failed(kind, ClientTools.TXN_PRODUCER, cell, r);
                return;
            }
            ClientTools.TxnSummary t = s.get();
            String client = ClientTools.TXN_PRODUCER;
            double gb = t.records() * (double) plan.txnRecordSize / 1e9;
            samples.add(kind, TEST, client, cell, "records_per_s", rep, t.recordsPerSec());
            samples.add(kind, TEST, client, cell, "MB_per_s", rep, t.mbPerSec());
            samples.add(kind, TEST, client, cell, "txn_per_s", rep, t.txnPerSec());
            samples.add(kind, TEST, client, cell, "commit_p50_ms", rep, t.commitP50());
            samples.add(kind, TEST, client, cell, "commit_p99_ms", rep, t.commitP99());
            samples.add(kind, TEST, client, cell, "txn_p50_ms", rep, t.txnP50());
            samples.add(kind, TEST, client, cell, "txn_p99_ms", rep, t.txnP99());
            samples.add(kind, TEST, client, cell, "init_transactions_ms", rep, t.initMs());
            samples.add(kind, TEST, client, cell, "records_committed", rep, t.records());
            samples.add(kind, TEST, client, cell, "broker_cpu_s", rep, cpu);
            samples.add(kind, TEST, client, cell, "broker_cpu_s_per_GB", rep, cpu / gb);
            consume(broker, ClientTools.READ_COMMITTED, "read_committed", topic, cell, t.records(), rep);
            consume(broker, ClientTools.READ_UNCOMMITTED, "read_uncommitted", topic, cell, t.records(), rep);
        } finally {
            try {
                admin.deleteTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("bench/compare: could not delete " + topic + ": " + e);
            }
        }
    }

    /**
     * Reads the whole topic from the beginning; it must find exactly {@code records} (no abort ever happens, so both
     * isolation levels see the same records: read_uncommitted is the cost of reading without the LSO).
     */
    private void consume(BrokerProcess broker, String client, String isolation, String topic, String cell,
                         long records, int rep) {
        Compare.requireAlive(broker);
        double cpuBefore = broker.cpuSeconds();
        Children.Result r = children.run(tools.kafkaConsumerAssign(broker.bootstrap(), topic, records, isolation),
                nextLog(broker.kind(), isolation), plan.clientTimeoutSeconds);
        double cpu = broker.cpuSeconds() - cpuBefore;
        Optional<ClientTools.ConsumeSummary> s = ClientTools.parseConsume(r.output());
        if (!r.ok() || s.isEmpty() || s.get().records() != records) {
            failed(broker.kind(), client, cell, r);
            return;
        }
        samples.add(broker.kind(), "consume", client, cell, "records_per_s", rep, s.get().recordsPerSec());
        samples.add(broker.kind(), "consume", client, cell, "MB_per_s", rep, s.get().mbPerSec());
        samples.add(broker.kind(), "consume", client, cell, "broker_cpu_s", rep, cpu);
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
