package io.samsa.bench.compare;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** What one {@code bench/compare} run does: the matrix, the sizes of each run, the paths. Parsed from the flags. */
final class Plan {
    static final String USAGE = """
            usage: bench/compare [--quick] [--out DIR] [--repeats N] [--mb MB] [--heap SIZE]
                                 [--sizes 100,1024] [--partitions 1,6] [--acks 1,all] [--compression none,lz4]
                                 [--latency-rate R] [--latency-seconds S] [--brokers kafka,samsa] [--work DIR]
              --quick            one cell, one repeat, small runs (a minute or two)
              --out DIR          where <date>.md, .csv and .png go (default bench/results)
              --repeats N        runs per cell; the table shows medians (default 3)
              --mb MB            payload megabytes per produce run (default 100)
              --heap SIZE        heap limit -Xmx of both brokers (default 1g; Kafka also -Xms, as its launcher)
              --work DIR         data directories of both brokers (default: a new directory under java.io.tmpdir)
            cluster mode (both brokers as N-node KRaft combined-mode clusters on loopback):
              --nodes N          nodes per cluster (default 1: the single-node run above)
              --replication-factor R   replicas per partition of every topic (default N)
              --min-insync-replicas M  the topics' min.insync.replicas (default 2 when R > 1)
              --acks             default all when N > 1
            failover mode (bench/failover, or --mode failover): SIGKILL / SIGTERM the partition leader, K times:
              --mode MODE        compare (default), failover, compaction, transactions, tls or quota
              --kills K          rounds per signal and broker (default 5; --quick 2)
              --signals S        KILL,TERM (default both)
              --failover-partitions P  partitions of the written topic (default 1)
              --failover-rate R  records/s the producer sends (default 1000)
              --form-seconds S   longest wait for a cluster to form, after its ports open (default 180)
            compaction mode (bench/compaction, or --mode compaction): cleaner throughput and produce p99 while cleaning:
              --compaction-mb MB       megabytes of values written to the compacted topic (default 512; --quick 16)
              --compaction-keys K      distinct keys, written in turn (default 10000)
              --compaction-value-bytes B  value size of the written and the probe records (default 1024)
              --probe-rate R           records/s of the acks=all latency probe (default 2000)
              --baseline-seconds S     probe window before cleaning is allowed (default 10; --quick 3)
              --cleaner-timeout-seconds S  longest wait for the compaction to end (default 300)
              --repeats N        runs per broker (default 3; --quick 1)
            transactions mode (bench/transactions, or --mode transactions): transactional produce, read_committed consume:
              --txn-sizes K,K    records per transaction, one cell each (default 100,1000)
              --txn-records N    records per produce run, at most (default 1000000; --quick 20000)
              --txn-seconds S    longest produce run; it ends after the transaction that passes S (default 60; --quick 15)
              --txn-record-size B  record value size (default 100)
              --txn-partitions P partitions of the written topic (default 1)
              --repeats N        runs per cell and broker (default 3; --quick 1)
            tls mode (bench/tls, or --mode tls): PLAINTEXT vs SSL produce/consume, TLS handshake rate:
              --sizes, --acks    the produce cells, as above (--partitions defaults to 1, --compression to none)
              --mb MB            payload megabytes per produce run, per security (default 100; --quick 5)
              --tls-threads T    connecting threads of the handshake run (default 4)
              --tls-seconds S    measured length of each handshake run (default 10; --quick 3)
              --tls-warmup-seconds W  connections before the measured window, not counted (default 2)
              --tls-key ALG      EC (P-256, default) or RSA (2048): the server key both brokers use
            quota mode (bench/quota, or --mode quota): client quotas held, and what enforcement costs:
              --quota-bytes Q    producer_byte_rate and consumer_byte_rate of client-id limited (default 1048576)
              --quota-seconds D  length of each flat-out client run (default 20; --quick 12)
              --quota-steady-from S  per-second rates from second S on count as held (default 11, Kafka's
                                 quota.window.num x quota.window.size: the new client's burst is before)
              --quota-record-size B  record value size of every quota run (default 1024)
              --quota-fill-mb MB megabytes pre-filled for the consumers, read in a loop (default 256; --quick 16)
              --mb MB            payload megabytes per enforcement-cost produce run (default 500; --quick 10)
              --repeats N        runs per cell and broker (default 3; --quick 1)
            """;

    boolean quick;
    Path out = Path.of("bench", "results");
    Path work;
    Path kafkaLibs;
    Path samsaJar;
    Path benchJar;
    int repeats = 3;
    double mb = 100;
    String heap = "1g";
    List<Integer> sizes = List.of(100, 1024);
    List<Integer> partitions = List.of(1, 6);
    List<String> acks = List.of("1", "all");
    List<String> compression = List.of("none", "lz4");
    int latencyRate = 5000;
    int latencySeconds = 20;
    int latencyWarmupSeconds = 3;
    List<String> brokers = List.of("kafka", "samsa");
    /** Start-and-stop cycles measured per broker (the last one stays up for the matrix). */
    int startups = 3;
    /** Seconds between the first produce and reading idle RSS. */
    int settleSeconds = 5;
    /** Longest a single client run may take before it is killed and counted as failed. */
    int clientTimeoutSeconds = 600;
    /** "compare" (throughput, latency, start-up), "failover" (write pause per leader kill) or "compaction". */
    String mode = "compare";
    /** Nodes per cluster; 1 is the single-node run. */
    int nodes = 1;
    int replicationFactor = 1;
    /** Topic-level min.insync.replicas; 0 = not set (the broker default). */
    int minInsyncReplicas;
    int kills = 5;
    List<String> signals = List.of("KILL", "TERM");
    int failoverPartitions = 1;
    int failoverRate = 1000;
    int formSeconds = 180;
    double compactionMb = 512;
    int compactionKeys = 10_000;
    int compactionValueBytes = 1024;
    int probeRate = 2000;
    int baselineSeconds = 10;
    int cleanerTimeoutSeconds = 300;
    List<Integer> txnSizes = List.of(100, 1000);
    long txnRecords = 1_000_000;
    int txnSeconds = 60;
    int txnRecordSize = 100;
    int txnPartitions = 1;
    int tlsThreads = 4;
    int tlsSeconds = 10;
    int tlsWarmupSeconds = 2;
    String tlsKey = "EC";
    long quotaBytes = 1024 * 1024;
    int quotaSeconds = 20;
    int quotaSteadyFrom = 11;
    int quotaRecordSize = 1024;
    double quotaFillMb = 256;

    static Plan parse(String[] args) {
        Plan p = new Plan();
        boolean repeatsSet = false;
        boolean mbSet = false;
        boolean latencySet = false;
        List<String> explicit = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--quick" -> p.quick = true;
                case "-h", "--help" -> throw new IllegalArgumentException("");
                default -> {
                    if (v == null) {
                        throw new IllegalArgumentException(a + " needs a value");
                    }
                    i++;
                    explicit.add(a);
                    switch (a) {
                        case "--out" -> p.out = Path.of(v);
                        case "--work" -> p.work = Path.of(v);
                        case "--kafka-libs" -> p.kafkaLibs = Path.of(v);
                        case "--samsa-jar" -> p.samsaJar = Path.of(v);
                        case "--bench-jar" -> p.benchJar = Path.of(v);
                        case "--repeats" -> { p.repeats = Integer.parseInt(v); repeatsSet = true; }
                        case "--mb" -> { p.mb = Double.parseDouble(v); mbSet = true; }
                        case "--heap" -> p.heap = v;
                        case "--sizes" -> p.sizes = ints(v);
                        case "--partitions" -> p.partitions = ints(v);
                        case "--acks" -> p.acks = strings(v);
                        case "--compression" -> p.compression = strings(v);
                        case "--latency-rate" -> p.latencyRate = Integer.parseInt(v);
                        case "--latency-seconds" -> { p.latencySeconds = Integer.parseInt(v); latencySet = true; }
                        case "--brokers" -> p.brokers = strings(v);
                        case "--mode" -> p.mode = v;
                        case "--nodes" -> p.nodes = Integer.parseInt(v);
                        case "--replication-factor" -> p.replicationFactor = Integer.parseInt(v);
                        case "--min-insync-replicas" -> p.minInsyncReplicas = Integer.parseInt(v);
                        case "--kills" -> p.kills = Integer.parseInt(v);
                        case "--signals" -> p.signals = strings(v).stream().map(x -> x.toUpperCase(Locale.ROOT)
                                .replaceFirst("^SIG", "")).toList();
                        case "--failover-partitions" -> p.failoverPartitions = Integer.parseInt(v);
                        case "--failover-rate" -> p.failoverRate = Integer.parseInt(v);
                        case "--form-seconds" -> p.formSeconds = Integer.parseInt(v);
                        case "--compaction-mb" -> p.compactionMb = Double.parseDouble(v);
                        case "--compaction-keys" -> p.compactionKeys = Integer.parseInt(v);
                        case "--compaction-value-bytes" -> p.compactionValueBytes = Integer.parseInt(v);
                        case "--probe-rate" -> p.probeRate = Integer.parseInt(v);
                        case "--baseline-seconds" -> p.baselineSeconds = Integer.parseInt(v);
                        case "--cleaner-timeout-seconds" -> p.cleanerTimeoutSeconds = Integer.parseInt(v);
                        case "--txn-sizes" -> p.txnSizes = ints(v);
                        case "--txn-records" -> p.txnRecords = Long.parseLong(v);
                        case "--txn-seconds" -> p.txnSeconds = Integer.parseInt(v);
                        case "--txn-record-size" -> p.txnRecordSize = Integer.parseInt(v);
                        case "--txn-partitions" -> p.txnPartitions = Integer.parseInt(v);
                        case "--tls-threads" -> p.tlsThreads = Integer.parseInt(v);
                        case "--tls-seconds" -> p.tlsSeconds = Integer.parseInt(v);
                        case "--tls-warmup-seconds" -> p.tlsWarmupSeconds = Integer.parseInt(v);
                        case "--tls-key" -> p.tlsKey = v.toUpperCase(Locale.ROOT);
                        case "--quota-bytes" -> p.quotaBytes = Long.parseLong(v);
                        case "--quota-seconds" -> p.quotaSeconds = Integer.parseInt(v);
                        case "--quota-steady-from" -> p.quotaSteadyFrom = Integer.parseInt(v);
                        case "--quota-record-size" -> p.quotaRecordSize = Integer.parseInt(v);
                        case "--quota-fill-mb" -> p.quotaFillMb = Double.parseDouble(v);
                        default -> throw new IllegalArgumentException("unknown option " + a);
                    }
                }
            }
        }
        if (p.quota() && !mbSet && !p.quick) {
            p.mb = 500; // at a few hundred MB/s, 100 MB would be over before the JIT is
        }
        p.clusterDefaults(explicit);
        if (p.quick) {
            if (!explicit.contains("--kills")) {
                p.kills = 2;
            }
            if (!explicit.contains("--compaction-mb")) {
                p.compactionMb = 16;
            }
            if (!explicit.contains("--baseline-seconds")) {
                p.baselineSeconds = 3;
            }
            if (!explicit.contains("--txn-records")) {
                p.txnRecords = 20_000;
            }
            if (!explicit.contains("--txn-seconds")) {
                p.txnSeconds = 15;
            }
            if (!explicit.contains("--tls-seconds")) {
                p.tlsSeconds = 3;
            }
            if (!explicit.contains("--quota-seconds")) {
                p.quotaSeconds = 12; // one second past the burst's window: a rough steady figure
            }
            if (!explicit.contains("--quota-fill-mb")) {
                p.quotaFillMb = 16;
            }
            if (!repeatsSet) {
                p.repeats = 1;
            }
            if (!mbSet) {
                p.mb = p.quota() ? 10 : 5;
            }
            if (!latencySet) {
                p.latencySeconds = 6;
            }
            p.latencyWarmupSeconds = 2;
            p.startups = 1;
            p.settleSeconds = 2;
            p.clientTimeoutSeconds = 120;
            if (!explicit.contains("--sizes")) {
                p.sizes = List.of(100);
            }
            if (!explicit.contains("--partitions")) {
                p.partitions = List.of(1);
            }
            if (!explicit.contains("--acks")) {
                p.acks = List.of(p.nodes > 1 ? "all" : "1");
            }
            if (!explicit.contains("--compression")) {
                p.compression = List.of("none");
            }
        }
        if (p.kafkaLibs == null || p.samsaJar == null || p.benchJar == null) {
            throw new IllegalArgumentException("--kafka-libs, --samsa-jar and --bench-jar are required"
                    + " (bench/compare passes them)");
        }
        return p;
    }

    /** Cluster and failover defaults and checks; a single-node compare run is left exactly as it was. */
    private void clusterDefaults(List<String> explicit) {
        if (!List.of("compare", "failover", "compaction", "transactions", "tls", "quota").contains(mode)) {
            throw new IllegalArgumentException("--mode is compare, failover, compaction, transactions, tls or quota,"
                    + " not " + mode);
        }
        if (mode.equals("quota") && (nodes != 1 || quotaBytes < 1 || quotaSeconds < 1 || quotaSteadyFrom < 0
                || quotaSteadyFrom >= quotaSeconds || quotaRecordSize < 1 || quotaFillMb <= 0)) {
            throw new IllegalArgumentException("quota runs one node; its rate, sizes and times must be > 0,"
                    + " --quota-steady-from below --quota-seconds");
        }
        if (mode.equals("tls")) {
            if (nodes != 1 || tlsThreads < 1 || tlsSeconds < 1 || tlsWarmupSeconds < 0
                    || !List.of("EC", "RSA").contains(tlsKey)) {
                throw new IllegalArgumentException("tls runs one node; --tls-threads and --tls-seconds must be > 0,"
                        + " --tls-key EC or RSA");
            }
            // One partition, uncompressed: the cells differ by record size and acks, the runs by security.
            if (!explicit.contains("--partitions")) {
                partitions = List.of(1);
            }
            if (!explicit.contains("--compression")) {
                compression = List.of("none");
            }
        }
        if (mode.equals("transactions") && (nodes != 1 || txnSizes.isEmpty()
                || txnSizes.stream().anyMatch(k -> k < 1) || txnRecords < 1 || txnSeconds < 1 || txnRecordSize < 1
                || txnPartitions < 1)) {
            throw new IllegalArgumentException("transactions runs one node; its sizes, counts and times must be > 0");
        }
        if (mode.equals("compaction") && (nodes != 1 || compactionMb <= 0 || compactionKeys < 1
                || compactionValueBytes < 1 || probeRate < 1 || baselineSeconds < 1 || cleanerTimeoutSeconds < 1)) {
            throw new IllegalArgumentException("compaction runs one node; its sizes, rate and times must be > 0");
        }
        if (mode.equals("failover") && !explicit.contains("--nodes")) {
            nodes = 3;
        }
        if (nodes < 1) {
            throw new IllegalArgumentException("--nodes must be at least 1");
        }
        if (!explicit.contains("--replication-factor")) {
            replicationFactor = nodes;
        }
        if (replicationFactor < 1 || replicationFactor > nodes) {
            throw new IllegalArgumentException("--replication-factor must be 1.." + nodes + " (the nodes)");
        }
        if (!explicit.contains("--min-insync-replicas") && replicationFactor > 1) {
            minInsyncReplicas = 2;
        }
        if (minInsyncReplicas > replicationFactor) {
            throw new IllegalArgumentException("--min-insync-replicas must not exceed the replication factor");
        }
        if (nodes > 1 && !explicit.contains("--acks")) {
            acks = List.of("all");
        }
        if (mode.equals("failover")) {
            if (nodes < 2 || replicationFactor < 2) {
                throw new IllegalArgumentException("failover needs --nodes and --replication-factor of 2 or more");
            }
            if (kills < 1 || failoverPartitions < 1 || failoverRate < 1) {
                throw new IllegalArgumentException("--kills, --failover-partitions and --failover-rate must be positive");
            }
            for (String s : signals) {
                if (!s.equals("KILL") && !s.equals("TERM")) {
                    throw new IllegalArgumentException("--signals takes KILL and TERM, not " + s);
                }
            }
        }
    }

    boolean cluster() {
        return nodes > 1;
    }

    boolean failover() {
        return mode.equals("failover");
    }

    boolean compaction() {
        return mode.equals("compaction");
    }

    boolean transactions() {
        return mode.equals("transactions");
    }

    boolean tls() {
        return mode.equals("tls");
    }

    boolean quota() {
        return mode.equals("quota");
    }

    /** The throughput matrix: every combination. */
    List<Cell> throughputCells() {
        List<Cell> cells = new ArrayList<>();
        for (int size : sizes) {
            for (int parts : partitions) {
                for (String a : acks) {
                    for (String c : compression) {
                        cells.add(new Cell(size, parts, a, c));
                    }
                }
            }
        }
        return cells;
    }

    /** The fixed-rate latency runs: the smallest records, uncompressed, every partition count and acks. */
    List<Cell> latencyCells() {
        List<Cell> cells = new ArrayList<>();
        int size = sizes.stream().min(Integer::compare).orElse(100);
        String comp = compression.contains("none") ? "none" : compression.get(0);
        for (int parts : partitions) {
            for (String a : acks) {
                cells.add(new Cell(size, parts, a, comp));
            }
        }
        return cells;
    }

    long records(Cell cell) {
        return Math.max(1000, (long) (mb * 1_000_000 / cell.recordSize()));
    }

    private static List<Integer> ints(String v) {
        return Arrays.stream(v.split(",")).map(String::trim).map(Integer::parseInt).toList();
    }

    private static List<String> strings(String v) {
        return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
