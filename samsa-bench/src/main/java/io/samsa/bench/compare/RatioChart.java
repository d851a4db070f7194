package io.samsa.bench.compare;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.imageio.ImageIO;

/**
 * A PNG of Samsa/Kafka ratios, drawn with java.awt (headless): one horizontal bar per throughput cell
 * (higher is better) and per latency cell (p99, lower is better), a line at 1.0, green where Samsa is ahead.
 */
final class RatioChart {
    private static final int WIDTH = 1200;
    private static final int LABEL_WIDTH = 560;
    private static final int ROW = 22;
    private static final Color AHEAD = new Color(0x2e8b57);
    private static final Color BEHIND = new Color(0xd2691e);

    private RatioChart() {
    }

    private record Bar(String label, double ratio, boolean higherIsBetter) {
    }

    private record Section(String title, List<Bar> bars) {
    }

    static void write(Samples samples, Path file, String title) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Bar> throughput = new ArrayList<>();
        List<Bar> latency = new ArrayList<>();
        List<Bar> failover = new ArrayList<>();
        for (Samples.Key k : samples.keys()) {
            Optional<Double> kafka = samples.median("kafka", k);
            Optional<Double> samsa = samples.median("samsa", k);
            if (kafka.isEmpty() || samsa.isEmpty() || kafka.get() <= 0) {
                continue;
            }
            double ratio = samsa.get() / kafka.get();
            String client = k.client().replaceAll(" \\(.*", "");
            if (k.metric().equals("records_per_s") || k.metric().equals("connections_per_s")) {
                throughput.add(new Bar(k.test() + " · " + client + " · " + k.cell(), ratio, true));
            } else if (k.test().equals("handshake") && k.metric().equals("connection_p99_ms")) {
                latency.add(new Bar("new connection p99 · " + k.cell(), ratio, false));
            } else if (k.test().equals("e2e") && k.metric().equals("p99_ms")) {
                latency.add(new Bar("end-to-end p99 · " + k.cell(), ratio, false));
            } else if (k.test().equals(TransactionsRun.TEST) && k.metric().equals("commit_p99_ms")) {
                latency.add(new Bar("commitTransaction p99 · " + k.cell(), ratio, false));
            } else if (k.test().equals("failover")
                    && (k.metric().equals("write_pause_ms") || k.metric().equals("longest_ack_gap_ms"))) {
                failover.add(new Bar(k.metric() + " · " + k.cell(), ratio, false));
            }
        }
        List<Bar> clients = new ArrayList<>();
        for (Samples.Key k : samples.keys()) {
            if (k.test().equals("produce") && k.client().equals(ClientTools.SAMSA_PRODUCER)
                    && k.metric().equals("records_per_s")) {
                Optional<Double> samsaClient = samples.median("samsa", k);
                Optional<Double> kafkaClient = samples.median("samsa",
                        new Samples.Key(k.test(), ClientTools.KAFKA_PRODUCER, k.cell(), k.metric()));
                if (samsaClient.isPresent() && kafkaClient.isPresent() && kafkaClient.get() > 0) {
                    clients.add(new Bar("produce · Samsa broker · " + k.cell(), samsaClient.get() / kafkaClient.get(),
                            true));
                }
            }
        }
        List<Section> sections = new ArrayList<>(List.of(
                new Section("Throughput, records/s: Samsa broker / Kafka broker, same client (higher is better)",
                        throughput),
                new Section(latency.stream().anyMatch(b -> b.label().startsWith("commit"))
                        ? "Latency p99, commitTransaction(): Samsa broker / Kafka broker (lower is better)"
                        : latency.stream().anyMatch(b -> b.label().startsWith("new connection"))
                        ? "Latency p99, new connection + ApiVersions: Samsa broker / Kafka broker (lower is better)"
                        : "Latency p99, fixed rate: Samsa broker / Kafka broker (lower is better)", latency)));
        boolean tls = samples.keys().stream().anyMatch(k -> k.test().equals("handshake"));
        if (!clients.isEmpty() || !tls && samples.keys().stream().anyMatch(k -> k.test().equals("produce"))) {
            // Only the compare matrix has a SamsaProducer run; the other modes would show an empty section.
            sections.add(new Section("Records/s: SamsaProducer / KafkaProducer, same broker (higher is better)",
                    clients));
        }
        if (!failover.isEmpty()) {
            sections.add(new Section("Failover, median write pause: Samsa / Kafka (lower is better)", failover));
        }
        double max = 2;
        for (Section s : sections) {
            for (Bar b : s.bars()) {
                max = Math.max(max, Math.ceil(b.ratio() * 1.15 * 2) / 2);
            }
        }
        int rows = throughput.size() + latency.size() + clients.size() + failover.size();
        int height = 70 + sections.size() * 50 + Math.max(1, rows) * ROW + 40;
        BufferedImage img = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString(title, 20, 32);
        int plotLeft = LABEL_WIDTH;
        int plotRight = WIDTH - 80;
        double scale = (plotRight - plotLeft) / max;
        int y = 60;
        for (Section s : sections) {
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.setColor(Color.BLACK);
            y += 22;
            g.drawString(s.title(), 20, y);
            y += 12;
            int top = y;
            if (s.bars().isEmpty()) {
                g.setFont(new Font(Font.SANS_SERIF, Font.ITALIC, 12));
                g.drawString("(no runs on both brokers)", 30, y + 15);
                y += ROW;
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            for (Bar b : s.bars()) {
                boolean ahead = b.higherIsBetter() ? b.ratio() >= 1 : b.ratio() <= 1;
                g.setColor(Color.DARK_GRAY);
                g.drawString(b.label(), 20, y + 15);
                g.setColor(ahead ? AHEAD : BEHIND);
                int w = (int) Math.round(Math.min(b.ratio(), max) * scale);
                g.fillRect(plotLeft, y + 4, Math.max(1, w), ROW - 8);
                g.setColor(Color.BLACK);
                g.drawString(String.format(Locale.ROOT, "%.2f×", b.ratio()), plotLeft + w + 6, y + 15);
                y += ROW;
            }
            // Axis: gridlines every 0.5, a heavy line at 1.0 (parity).
            for (double t = 0; t <= max + 1e-9; t += 0.5) {
                int x = plotLeft + (int) Math.round(t * scale);
                boolean parity = Math.abs(t - 1) < 1e-9;
                g.setColor(parity ? Color.BLACK : new Color(0xcccccc));
                g.setStroke(new BasicStroke(parity ? 2f : 1f));
                g.drawLine(x, top, x, y);
                g.setColor(Color.GRAY);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
                g.drawString(String.format(Locale.ROOT, "%.1f", t), x - 8, y + 12);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            }
            g.setStroke(new BasicStroke(1f));
            y += 16;
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }
}
