package io.samsa.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps {@code bench/quota} working: a shorter {@code --quick} run (6 s client runs, 5 MB cost runs) as a process,
 * after package, against both brokers. The table must have the enforcement-cost rows and the held-rate rows with
 * numbers for both brokers, and the cost table its ratios. The limited clients must have been throttled on both
 * brokers: a throttle time was reported, and they got under 4× the quota over the run. Unthrottled, a client flat out
 * here runs at tens of times the quota (the unlimited one beside it); the burst a new client is allowed (quota × 10
 * windows, spread over the 6 s) stays below 2×. Not the figures themselves.
 */
class BenchQuotaIT {
    private static final long TIMEOUT_MINUTES = 6;

    @TempDir
    Path out;

    @Test
    void quickRunHoldsLimitedClientsOnBothBrokers() throws Exception {
        Path repo = BenchCompareIT.repoRoot();
        Path log = out.resolve("quota.log");
        Process p = new ProcessBuilder(repo.resolve("bench").resolve("quota").toString(), "--quick", "--mb", "5",
                "--quota-seconds", "6", "--quota-steady-from", "3", "--quota-fill-mb", "8", "--out",
                out.resolve("results").toString())
                .directory(repo.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            boolean done = p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
            assertThat(done).as("bench/quota --quick finished within %d min; output:%n%s", TIMEOUT_MINUTES,
                    Files.readString(log)).isTrue();
            assertThat(p.exitValue()).as("exit code; output:%n%s", Files.readString(log)).isZero();
        } finally {
            BenchCompareIT.stop(p);
        }

        Path md;
        try (Stream<Path> files = Files.list(out.resolve("results"))) {
            List<Path> mds = files.filter(f -> f.getFileName().toString().endsWith("-quota-quick.md")).toList();
            assertThat(mds).as("one <date>-quota-quick.md").hasSize(1);
            md = mds.get(0);
        }
        String table = Files.readString(md, StandardCharsets.UTF_8);
        assertThat(table).doesNotContain("failed (exit").doesNotContain("stopped early");
        for (String row : List.of("| enforcement cost | " + ClientTools.KAFKA_PRODUCER + " | no quota,",
                "| enforcement cost | " + ClientTools.KAFKA_PRODUCER + " | default client-id quota",
                "| held rate | " + QuotaRun.UNLIMITED_PRODUCER_BESIDE + " | producer_byte_rate",
                "| held rate | " + QuotaRun.UNLIMITED_CONSUMER_BESIDE + " | consumer_byte_rate")) {
            assertThat(table.lines().filter(l -> l.startsWith(row)).anyMatch(BenchCompareIT::bothNumeric))
                    .as("a row %s with numbers for Kafka, Samsa and the ratio in:%n%s", row, table).isTrue();
        }
        assertThat(table).contains("## What enforcement costs each broker (quota set / no quota, same broker)");
        for (String client : List.of(QuotaRun.LIMITED_PRODUCER, QuotaRun.LIMITED_CONSUMER)) {
            for (int broker : List.of(5, 6)) { // the Kafka and Samsa columns
                double ratio = value(table, client, "ratio_to_quota", broker).orElseThrow();
                assertThat(ratio).as("%s ratio_to_quota (column %d) in:%n%s", client, broker, table)
                        .isGreaterThan(0.3).isLessThan(4);
                assertThat(value(table, client, "throttle_time_max_ms", broker).orElseThrow())
                        .as("%s was throttled (column %d)", client, broker).isPositive();
            }
        }
    }

    private static Optional<Double> value(String table, String client, String metric, int column) {
        return table.lines().filter(l -> l.startsWith("| held rate | " + client + " |")
                        && l.contains("| " + metric + " |"))
                .map(l -> Double.parseDouble(l.split("\\|")[column].trim())).findFirst();
    }
}
