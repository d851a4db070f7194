package io.samsa.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench/failover's page and chart from made-up figures: medians, the ≤ 3 s target, a chart with a failover bar. */
class FailoverReportTest {
    @TempDir
    Path dir;

    @Test
    void tableTargetsAndChartCarryTheFailoverFigures() throws Exception {
        Plan plan = Plan.parse(new String[] {"--mode", "failover", "--kafka-libs", dir.toString(), "--samsa-jar",
                "s.jar", "--bench-jar", "b.jar"});
        Samples samples = new Samples();
        String client = FailoverRun.client(plan);
        String cell = FailoverRun.cell(plan, "KILL");
        double[] kafka = {9_800, 10_100, 8_600};
        double[] samsa = {2_100, 2_600, 1_900};
        for (int i = 0; i < 3; i++) {
            samples.add("kafka", "failover", client, cell, "write_pause_ms", i, kafka[i]);
            samples.add("samsa", "failover", client, cell, "write_pause_ms", i, samsa[i]);
        }

        String page = MarkdownReport.render(plan, new Machine("0 0 0", "0 0 0", dir, plan, Duration.ofMinutes(1)),
                samples, List.of(), Path.of("x.csv"), Path.of("x.png"));
        assertThat(page).contains("# bench/failover").contains("| " + cell + " | write_pause_ms | 9800 | 2100 | 0.21 | 3 |")
                .contains("| Samsa: write pause per SIGKILL (median) ≤ 3 s | 2.10 s | yes |");

        Path png = dir.resolve("x.png");
        RatioChart.write(samples, png, "failover");
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getHeight()).isGreaterThan(100);
    }
}
