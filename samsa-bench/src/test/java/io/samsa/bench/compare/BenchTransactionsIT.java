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
 * Keeps {@code bench/transactions} working: a smaller {@code --quick} run (one transaction size, 2,000 records) as a
 * process, after package, against both brokers; the table must have transactional produce and read_committed
 * consume rows with numbers for both, and the committed count must be the same for both. Not the figures themselves.
 */
class BenchTransactionsIT {
    private static final long TIMEOUT_MINUTES = 5;

    @TempDir
    Path out;

    @Test
    void quickRunMeasuresTransactionsOnBothBrokers() throws Exception {
        Path repo = BenchCompareIT.repoRoot();
        Path log = out.resolve("transactions.log");
        Process p = new ProcessBuilder(repo.resolve("bench").resolve("transactions").toString(), "--quick",
                "--txn-sizes", "100", "--txn-records", "2000", "--out", out.resolve("results").toString())
                .directory(repo.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            boolean done = p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
            assertThat(done).as("bench/transactions --quick finished within %d min; output:%n%s", TIMEOUT_MINUTES,
                    Files.readString(log)).isTrue();
            assertThat(p.exitValue()).as("exit code; output:%n%s", Files.readString(log)).isZero();
        } finally {
            BenchCompareIT.stop(p);
        }

        Path md;
        try (Stream<Path> files = Files.list(out.resolve("results"))) {
            List<Path> mds = files.filter(f -> f.getFileName().toString().endsWith("-transactions-quick.md")).toList();
            assertThat(mds).as("one <date>-transactions-quick.md").hasSize(1);
            md = mds.get(0);
        }
        String table = Files.readString(md, StandardCharsets.UTF_8);
        for (String row : List.of("| transactions | " + ClientTools.TXN_PRODUCER + " | 100 B × 100/txn p1 | records_per_s |",
                "| transactions | " + ClientTools.TXN_PRODUCER + " | 100 B × 100/txn p1 | commit_p99_ms |",
                "| consume | " + ClientTools.READ_COMMITTED + " | 100 B × 100/txn p1 | records_per_s |",
                "| consume | " + ClientTools.READ_UNCOMMITTED + " | 100 B × 100/txn p1 | records_per_s |")) {
            assertThat(table.lines().filter(l -> l.startsWith(row)).anyMatch(BenchCompareIT::bothNumeric))
                    .as("a row %s with numbers for Kafka, Samsa and the ratio in:%n%s", row, table).isTrue();
        }
        // Both brokers committed the whole 2,000 (20 transactions of 100): the same figure, ratio 1.00.
        assertThat(table).contains("| records_committed | 2000 | 2000 | 1.00 |");
        assertThat(table).doesNotContain("failed (exit");
    }
}
