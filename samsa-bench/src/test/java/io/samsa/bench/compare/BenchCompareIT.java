package io.samsa.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps {@code bench/compare} working: runs {@code bench/compare --quick} as a process (after package, so the jars
 * it needs exist) and checks that it wrote a table with numbers for both brokers, a CSV that parses and a PNG. It
 * does not check the numbers themselves: they are figures, not assertions.
 */
class BenchCompareIT {
    private static final long TIMEOUT_MINUTES = 10;

    @TempDir
    Path out;

    @Test
    void quickRunWritesTableCsvAndChart() throws Exception {
        Path repo = repoRoot();
        Path log = out.resolve("compare.log");
        Process p = new ProcessBuilder(repo.resolve("bench").resolve("compare").toString(), "--quick", "--out",
                out.toString()).directory(repo.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            boolean done = p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
            assertThat(done).as("bench/compare --quick finished within %d min; output:%n%s", TIMEOUT_MINUTES,
                    Files.readString(log)).isTrue();
            assertThat(p.exitValue()).as("exit code; output:%n%s", Files.readString(log)).isZero();
        } finally {
            stop(p);
        }

        Path md = only(".md");
        String table = Files.readString(md, StandardCharsets.UTF_8);
        assertThat(table).contains("| Test | Client | Cell | Metric | Kafka | Samsa | Samsa/Kafka | n |");
        // Every measured section has a row with numbers for both brokers and a ratio.
        for (String metric : List.of("spawn_to_listening_ms", "idle_rss_mib", "records_per_s", "broker_cpu_s_per_GB",
                "p99_ms", "peak_rss_mib")) {
            assertThat(table.lines().filter(l -> l.contains("| " + metric + " |")).anyMatch(BenchCompareIT::bothNumeric))
                    .as("a row for %s with numbers for Kafka, Samsa and the ratio in:%n%s", metric, table).isTrue();
        }

        List<String> csv = Files.readAllLines(only(".csv"), StandardCharsets.UTF_8);
        assertThat(csv.get(0)).isEqualTo(Samples.CSV_HEADER);
        assertThat(csv.size()).isGreaterThan(20);
        boolean kafka = false;
        boolean samsa = false;
        for (String row : csv.subList(1, csv.size())) {
            List<String> f = parseCsv(row);
            assertThat(f).as("fields of %s", row).hasSize(7);
            assertThat(f.get(0)).isIn("kafka", "samsa");
            Integer.parseInt(f.get(5));
            assertThat(Double.parseDouble(f.get(6))).as(row).isFinite();
            kafka |= f.get(0).equals("kafka");
            samsa |= f.get(0).equals("samsa");
        }
        assertThat(kafka && samsa).as("rows for both brokers").isTrue();

        BufferedImage png = ImageIO.read(only(".png").toFile());
        assertThat(png).isNotNull();
        assertThat(png.getWidth()).isGreaterThan(100);
        assertThat(png.getHeight()).isGreaterThan(100);
    }

    /** Kafka, Samsa and Samsa/Kafka columns all hold numbers. */
    static boolean bothNumeric(String row) {
        String[] cells = row.split("\\|");
        // "", test, client, cell, metric, kafka, samsa, ratio, n
        return cells.length >= 9 && numeric(cells[5]) && numeric(cells[6]) && numeric(cells[7]);
    }

    private static boolean numeric(String cell) {
        try {
            Double.parseDouble(cell.trim());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static List<String> parseCsv(String row) {
        List<String> fields = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < row.length(); i++) {
            char c = row.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < row.length() && row.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        fields.add(cur.toString());
        return fields;
    }

    private Path only(String suffix) throws IOException {
        try (Stream<Path> files = Files.list(out)) {
            List<Path> matches = files.filter(f -> f.getFileName().toString().endsWith(suffix)).toList();
            assertThat(matches).as("one %s file in %s", suffix, out).hasSize(1);
            return matches.get(0);
        }
    }

    /** SIGTERM first, so the script's trap kills the brokers; then SIGKILL whatever is left. */
    static void stop(Process p) throws InterruptedException {
        if (!p.isAlive()) {
            return;
        }
        List<ProcessHandle> descendants = p.descendants().toList();
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    static Path repoRoot() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isExecutable(d.resolve("bench").resolve("compare"))) {
                return d;
            }
        }
        throw new IllegalStateException("bench/compare not found above " + Path.of("").toAbsolutePath());
    }
}
