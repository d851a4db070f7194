package io.samsa.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps {@code bench/tls} working: a smaller {@code --quick} run (2 MB per produce run, 1 s handshake warm-up) as a
 * process, after package, against both brokers. The table must have PLAINTEXT and SSL produce and consume rows and
 * the SSL handshake row with numbers for both brokers, and the TLS cost table its ratios. An SSL row can only have
 * numbers if the clients really spoke TLS to the SSL listener: a plaintext client on it (or a TLS client on a
 * plaintext port) fails, and a failed run leaves "n/a" and a note. Not the figures themselves.
 */
class BenchTlsIT {
    private static final long TIMEOUT_MINUTES = 5;

    @TempDir
    Path out;

    @Test
    void quickRunMeasuresPlaintextAndTlsOnBothBrokers() throws Exception {
        Path repo = BenchCompareIT.repoRoot();
        Path log = out.resolve("tls.log");
        Process p = new ProcessBuilder(repo.resolve("bench").resolve("tls").toString(), "--quick", "--mb", "2",
                "--tls-warmup-seconds", "1", "--out", out.resolve("results").toString())
                .directory(repo.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            boolean done = p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
            assertThat(done).as("bench/tls --quick finished within %d min; output:%n%s", TIMEOUT_MINUTES,
                    Files.readString(log)).isTrue();
            assertThat(p.exitValue()).as("exit code; output:%n%s", Files.readString(log)).isZero();
        } finally {
            BenchCompareIT.stop(p);
        }

        Path md;
        try (Stream<Path> files = Files.list(out.resolve("results"))) {
            List<Path> mds = files.filter(f -> f.getFileName().toString().endsWith("-tls-quick.md")).toList();
            assertThat(mds).as("one <date>-tls-quick.md").hasSize(1);
            md = mds.get(0);
        }
        String table = Files.readString(md, StandardCharsets.UTF_8);
        for (String security : List.of("PLAINTEXT", "SSL")) {
            String cell = security + " 100B p1 acks=1 none";
            for (String row : List.of("| produce | " + ClientTools.KAFKA_PRODUCER + " | " + cell + " | records_per_s |",
                    "| produce | " + ClientTools.KAFKA_PRODUCER + " | " + cell + " | broker_cpu_s_per_GB |",
                    "| consume | " + ClientTools.KAFKA_CONSUMER_GROUP + " | " + cell + " | records_per_s |",
                    "| consume | " + ClientTools.KAFKA_CONSUMER_GROUP + " | " + cell + " | broker_cpu_s_per_GB |",
                    "| handshake | " + ClientTools.HANDSHAKES + " | " + security
                            + (security.equals("SSL") ? " TLSv1.3" : "") + ", 4 threads | connections_per_s |")) {
                assertThat(table.lines().filter(l -> l.startsWith(row)).anyMatch(BenchCompareIT::bothNumeric))
                        .as("a row %s with numbers for Kafka, Samsa and the ratio in:%n%s", row, table).isTrue();
            }
        }
        // The cost table: SSL / PLAINTEXT of the same broker, a number for each.
        assertThat(table).contains("## What TLS costs each broker (SSL / PLAINTEXT, same broker)");
        String costRow = "| handshake | " + ClientTools.HANDSHAKES + " | TLSv1.3, 4 threads | connections_per_s | ";
        assertThat(table.lines().filter(l -> l.startsWith(costRow))
                .anyMatch(l -> l.matches(".*\\| [\\d.]+ \\| [\\d.]+ \\|$")))
                .as("an SSL/PLAINTEXT connection-rate ratio for both brokers in:%n%s", table).isTrue();
        assertThat(table).doesNotContain("failed (exit");
    }
}
