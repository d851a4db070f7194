package io.samsa.bench.compare;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
                        default -> throw new IllegalArgumentException("unknown option " + a);
                    }
                }
            }
        }
        if (p.quick) {
            if (!repeatsSet) {
                p.repeats = 1;
            }
            if (!mbSet) {
                p.mb = 5;
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
                p.acks = List.of("1");
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
