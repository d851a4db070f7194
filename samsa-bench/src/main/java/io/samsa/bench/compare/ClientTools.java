package io.samsa.bench.compare;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command lines of the client tools, each in its own JVM, and the parsers for their summary lines. The
 * clients are the same for both brokers; only {@code bootstrap} changes.
 */
final class ClientTools {
    static final String KAFKA_PRODUCER = "KafkaProducer (Kafka's ProducerPerformance)";
    static final String SAMSA_PRODUCER = "SamsaProducer (samsa perf produce / ProducerPerf)";
    static final String KAFKA_CONSUMER_ASSIGN = "KafkaConsumer, assign (AssignedConsumerPerf)";
    static final String KAFKA_CONSUMER_GROUP = "KafkaConsumer, group (Kafka's ConsumerPerformance)";
    static final String SAMSA_CONSUMER = "Samsa consumer (samsa perf consume)";
    static final String E2E = "KafkaProducer+KafkaConsumer (EndToEndLatency)";
    static final String TXN_PRODUCER = "KafkaProducer, transactional (TransactionalProducerPerf)";
    static final String READ_COMMITTED = "KafkaConsumer read_committed, assign (AssignedConsumerPerf)";
    static final String READ_UNCOMMITTED = "KafkaConsumer read_uncommitted, assign (AssignedConsumerPerf)";
    static final String HANDSHAKES = "new connection + ApiVersions (TlsHandshakeRate)";

    private static final List<String> CLIENT_JVM = List.of("-Xmx512m", "-Dlog4j2.level=WARN",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    private static final Pattern PRODUCE_SUMMARY = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec "
            + "\\(([\\d.]+) MB/sec\\), ([\\d.]+) ms avg latency, ([\\d.]+) ms max latency, (\\d+) ms 50th, "
            + "(\\d+) ms 95th, (\\d+) ms 99th, (\\d+) ms 99.9th");
    private static final Pattern E2E_SUMMARY = Pattern.compile("e2e: sent (\\d+), received (\\d+), rate (\\d+)/s, "
            + "p50 ([\\d.NaN]+) ms, p99 ([\\d.NaN]+) ms, p99.9 ([\\d.NaN]+) ms, max ([\\d.NaN]+) ms");
    private static final Pattern TXN_SUMMARY = Pattern.compile("txn: (\\d+) records, (\\d+) transactions of (\\d+), "
            + "([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\), ([\\d.]+) txn/sec, commit p50 ([\\d.NaN]+) ms, "
            + "p99 ([\\d.NaN]+) ms, max ([\\d.NaN]+) ms, txn p50 ([\\d.NaN]+) ms, p99 ([\\d.NaN]+) ms, "
            + "init ([\\d.]+) ms");

    private static final Pattern HANDSHAKE_SUMMARY = Pattern.compile("handshakes: \\w+, (\\d+) connections, "
            + "\\d+ threads, [\\d.]+ s, ([\\d.]+)/sec, p50 ([\\d.NaN]+) ms, p99 ([\\d.NaN]+) ms, "
            + "max ([\\d.NaN]+) ms, failed (\\d+), broker cpu ([\\d.NaN]+) s");

    private static final Pattern QUOTA_CLIENT = Pattern.compile("quota-client: (\\S+) (produce|consume), (\\d+) "
            + "bytes, wire (\\d+) bytes, throttle max ([\\d.NaN-]+|-?Infinity) ms, per second:([\\d ]*)");

    private final Plan plan;
    /** {@code samsa perf produce|consume} (branch cli) is in this samsa.jar; otherwise ProducerPerf directly. */
    private final boolean samsaPerfCommand;

    ClientTools(Plan plan) {
        this.plan = plan;
        this.samsaPerfCommand = jarHas(plan.samsaJar.toString(), "io/samsa/cli/PerfConsumeCommand.class");
    }

    boolean hasSamsaPerfCommand() {
        return samsaPerfCommand;
    }

    List<String> kafkaProducer(String bootstrap, String topic, long records, Cell cell) {
        List<String> cmd = kafkaTool("org.apache.kafka.tools.ProducerPerformance");
        cmd.addAll(List.of("--topic", topic, "--num-records", Long.toString(records), "--record-size",
                Integer.toString(cell.recordSize()), "--throughput", "-1", "--command-property",
                "bootstrap.servers=" + bootstrap, "acks=" + cell.acks(), "compression.type=" + cell.compression()));
        return cmd;
    }

    /** As {@link #kafkaProducer(String, String, long, Cell)}, with a client config file (the TLS runs' security). */
    List<String> kafkaProducer(String bootstrap, String topic, long records, Cell cell, Path config) {
        List<String> cmd = kafkaProducer(bootstrap, topic, records, cell);
        cmd.addAll(List.of("--command-config", config.toString()));
        return cmd;
    }

    List<String> samsaProducer(String bootstrap, String topic, long records, Cell cell) {
        List<String> cmd = new ArrayList<>(List.of(Children.java()));
        cmd.addAll(CLIENT_JVM);
        if (samsaPerfCommand) {
            cmd.addAll(List.of("-jar", plan.samsaJar.toString(), "perf", "produce", "--progress", "plain"));
        } else {
            cmd.addAll(List.of("-cp", plan.samsaJar.toString(), "io.samsa.clients.tools.ProducerPerf",
                    "--producer", "samsa"));
        }
        cmd.addAll(List.of("--topic", topic, "--num-records", Long.toString(records), "--record-size",
                Integer.toString(cell.recordSize()), "--throughput", "-1", "--producer-props",
                "bootstrap.servers=" + bootstrap, "acks=" + cell.acks(), "compression.type=" + cell.compression()));
        return cmd;
    }

    List<String> kafkaConsumerAssign(String bootstrap, String topic, long records) {
        List<String> cmd = benchTool(AssignedConsumerPerf.class.getName());
        cmd.addAll(List.of("--bootstrap-server", bootstrap, "--topic", topic, "--num-records", Long.toString(records)));
        return cmd;
    }

    /** The transactions runs' reader: AssignedConsumerPerf at the given isolation level. */
    List<String> kafkaConsumerAssign(String bootstrap, String topic, long records, String isolationLevel) {
        List<String> cmd = kafkaConsumerAssign(bootstrap, topic, records);
        cmd.addAll(List.of("--isolation-level", isolationLevel));
        return cmd;
    }

    List<String> transactionalProducer(String bootstrap, String topic, int recordsPerTxn, String transactionalId) {
        List<String> cmd = benchTool(TransactionalProducerPerf.class.getName());
        cmd.addAll(List.of("--bootstrap-server", bootstrap, "--topic", topic, "--num-records",
                Long.toString(plan.txnRecords), "--records-per-txn", Integer.toString(recordsPerTxn),
                "--record-size", Integer.toString(plan.txnRecordSize), "--max-seconds",
                Integer.toString(plan.txnSeconds), "--transactional-id", transactionalId));
        return cmd;
    }

    List<String> kafkaConsumerGroup(String bootstrap, String topic, long records) {
        List<String> cmd = kafkaTool("org.apache.kafka.tools.ConsumerPerformance");
        cmd.addAll(List.of("--bootstrap-server", bootstrap, "--topic", topic, "--num-records", Long.toString(records),
                "--timeout", "10000"));
        return cmd;
    }

    /** As {@link #kafkaConsumerGroup(String, String, long)}, with a client config file (the TLS runs' security). */
    List<String> kafkaConsumerGroup(String bootstrap, String topic, long records, Path config) {
        List<String> cmd = kafkaConsumerGroup(bootstrap, topic, records);
        cmd.addAll(List.of("--command-config", config.toString()));
        return cmd;
    }

    /** The connection-rate run against one listener; {@code certs} null for PLAINTEXT; it reads the broker's CPU. */
    List<String> handshakeRate(String bootstrap, BenchCertificates certs, long brokerPid) {
        List<String> cmd = benchTool(TlsHandshakeRate.class.getName());
        cmd.addAll(List.of("--bootstrap-server", bootstrap, "--security", certs == null ? "PLAINTEXT" : "SSL",
                "--threads", Integer.toString(plan.tlsThreads), "--seconds", Integer.toString(plan.tlsSeconds),
                "--warmup-seconds", Integer.toString(plan.tlsWarmupSeconds), "--broker-pid",
                Long.toString(brokerPid)));
        if (certs != null) {
            cmd.addAll(List.of("--truststore", certs.truststore.toAbsolutePath().toString(), "--password",
                    BenchCertificates.PASSWORD));
        }
        return cmd;
    }

    /** The quota runs' clients, all flat out for {@code --quota-seconds}, each with its client id. */
    List<String> quotaClients(String bootstrap, String topic, String mode, List<String> clientIds) {
        List<String> cmd = benchTool(QuotaClients.class.getName());
        cmd.addAll(List.of("--bootstrap-server", bootstrap, "--topic", topic, "--mode", mode, "--client-ids",
                String.join(",", clientIds), "--seconds", Integer.toString(plan.quotaSeconds), "--record-size",
                Integer.toString(plan.quotaRecordSize)));
        return cmd;
    }

    /**
     * HOOK for {@code samsa perf consume} (Samsa's consumer, ConsumerPerformance's flags and summary line): empty
     * until the samsa.jar in use has the command (branch cli), then the consume matrix gets a Samsa client row.
     */
    Optional<List<String>> samsaConsumer(String bootstrap, String topic, long records) {
        if (!samsaPerfCommand) {
            return Optional.empty();
        }
        List<String> cmd = new ArrayList<>(List.of(Children.java()));
        cmd.addAll(CLIENT_JVM);
        cmd.addAll(List.of("-jar", plan.samsaJar.toString(), "perf", "consume", "--progress", "plain",
                "--bootstrap-server", bootstrap, "--topic", topic, "--num-records", Long.toString(records)));
        return Optional.of(cmd);
    }

    List<String> endToEnd(String bootstrap, String topic, Cell cell) {
        List<String> cmd = benchTool(EndToEndLatency.class.getName());
        cmd.addAll(List.of("--bootstrap-server", bootstrap, "--topic", topic, "--rate",
                Integer.toString(plan.latencyRate), "--seconds", Integer.toString(plan.latencySeconds),
                "--warmup-seconds", Integer.toString(plan.latencyWarmupSeconds), "--record-size",
                Integer.toString(cell.recordSize()), "--acks", cell.acks(), "--compression", cell.compression()));
        return cmd;
    }

    List<String> embeddedStartup(int runs) {
        List<String> cmd = benchTool("io.samsa.bench.EmbeddedStartup");
        cmd.add(Integer.toString(runs));
        return cmd;
    }

    /** Producer summary: records/s, MB/s, p99 ms (Kafka's ProducerPerformance line, also printed by Samsa's). */
    record ProduceSummary(long records, double recordsPerSec, double mbPerSec, double p99Ms) {
    }

    static Optional<ProduceSummary> parseProduce(String output) {
        Matcher m = PRODUCE_SUMMARY.matcher(output);
        ProduceSummary last = null;
        while (m.find()) {
            last = new ProduceSummary(Long.parseLong(m.group(1)), Double.parseDouble(m.group(2)),
                    Double.parseDouble(m.group(3)), Double.parseDouble(m.group(8)));
        }
        return Optional.ofNullable(last);
    }

    /** ConsumerPerformance's summary: records, records/s, MB/s. */
    record ConsumeSummary(long records, double recordsPerSec, double mbPerSec) {
    }

    static Optional<ConsumeSummary> parseConsume(String output) {
        ConsumeSummary last = null;
        for (String line : output.split("\n")) {
            String[] f = line.split(",\\s*");
            if (f.length == 10 && f[4].trim().matches("\\d+")) {
                try {
                    last = new ConsumeSummary(Long.parseLong(f[4].trim()), Double.parseDouble(f[5].trim()),
                            Double.parseDouble(f[3].trim()));
                } catch (NumberFormatException notSummary) {
                    // a header or a detailed line
                }
            }
        }
        return Optional.ofNullable(last);
    }

    /** TlsHandshakeRate's line: connections in the window, per second, latency per connection, failures, CPU. */
    record HandshakeSummary(long connections, double perSec, double p50Ms, double p99Ms, double maxMs, long failed,
                            double brokerCpuSeconds) {
    }

    static Optional<HandshakeSummary> parseHandshakes(String output) {
        Matcher m = HANDSHAKE_SUMMARY.matcher(output);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new HandshakeSummary(Long.parseLong(m.group(1)), Double.parseDouble(m.group(2)),
                Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5)),
                Long.parseLong(m.group(6)), Double.parseDouble(m.group(7))));
    }

    /** One QuotaClients client: payload and wire bytes in the run, its largest throttle, payload bytes per second. */
    record QuotaClientSummary(String clientId, long bytes, long wireBytes, double throttleMaxMs, long[] perSecond) {
    }

    private static final Pattern QUOTA_CLIENTS_CPU = Pattern.compile("quota-clients cpu: ([\\d.]+) s");

    /** QuotaClients' own JVM CPU seconds, NaN if it did not say. */
    static double parseQuotaClientsCpu(String output) {
        Matcher m = QUOTA_CLIENTS_CPU.matcher(output);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** QuotaClients' lines by client id. */
    static Map<String, QuotaClientSummary> parseQuotaClients(String output) {
        Map<String, QuotaClientSummary> out = new LinkedHashMap<>();
        Matcher m = QUOTA_CLIENT.matcher(output);
        while (m.find()) {
            long[] perSecond = Arrays.stream(m.group(6).trim().split("\\s+")).filter(x -> !x.isEmpty())
                    .mapToLong(Long::parseLong).toArray();
            out.put(m.group(1), new QuotaClientSummary(m.group(1), Long.parseLong(m.group(3)),
                    Long.parseLong(m.group(4)), Double.parseDouble(m.group(5)), perSecond));
        }
        return out;
    }

    record LatencySummary(long sent, long received, double p50, double p99, double p999, double max) {
    }

    static Optional<LatencySummary> parseEndToEnd(String output) {
        Matcher m = E2E_SUMMARY.matcher(output);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new LatencySummary(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5)), Double.parseDouble(m.group(6)),
                Double.parseDouble(m.group(7))));
    }

    /** TransactionalProducerPerf's line: committed records, transactions, rates, commit and transaction times. */
    record TxnSummary(long records, long transactions, double recordsPerSec, double mbPerSec, double txnPerSec,
                      double commitP50, double commitP99, double commitMax, double txnP50, double txnP99,
                      double initMs) {
    }

    static Optional<TxnSummary> parseTransactional(String output) {
        Matcher m = TXN_SUMMARY.matcher(output);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new TxnSummary(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5)), Double.parseDouble(m.group(6)),
                Double.parseDouble(m.group(7)), Double.parseDouble(m.group(8)), Double.parseDouble(m.group(9)),
                Double.parseDouble(m.group(10)), Double.parseDouble(m.group(11)), Double.parseDouble(m.group(12))));
    }

    private List<String> kafkaTool(String mainClass) {
        List<String> cmd = new ArrayList<>(List.of(Children.java()));
        cmd.addAll(CLIENT_JVM);
        cmd.addAll(List.of("-cp", plan.kafkaLibs.toAbsolutePath() + "/*", mainClass));
        return cmd;
    }

    private List<String> benchTool(String mainClass) {
        List<String> cmd = new ArrayList<>(List.of(Children.java()));
        cmd.addAll(CLIENT_JVM);
        cmd.addAll(List.of("-cp", plan.benchJar.toString(), mainClass));
        return cmd;
    }

    private static boolean jarHas(String jar, String entry) {
        try (JarFile f = new JarFile(jar)) {
            return f.getEntry(entry) != null;
        } catch (IOException e) {
            return false;
        }
    }
}
