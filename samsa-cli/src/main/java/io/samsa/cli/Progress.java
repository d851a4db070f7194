package io.samsa.cli;

import java.io.PrintStream;
import java.util.Locale;

import io.samsa.cli.perf.ProducerPerf;

/**
 * A perf run's progress. On a terminal: a bar on stderr redrawn five times a second, with Kafka's window lines
 * printed above it. Otherwise (piped, redirected, CI): only the window lines, as Kafka's tools print them.
 */
final class Progress implements ProducerPerf.Progress, AutoCloseable {
    enum Mode { AUTO, BAR, PLAIN }

    private static final int WIDTH = 30;

    private final long total;
    private final String unit;
    private final PrintStream out;
    private final PrintStream bar;
    private final boolean drawing;
    private final long startNanos = System.nanoTime();
    private volatile long done;
    private Thread ticker;

    Progress(long total, String unit, Mode mode, PrintStream out, PrintStream bar) {
        this.total = total;
        this.unit = unit;
        this.out = out;
        this.bar = bar;
        this.drawing = mode == Mode.BAR || (mode == Mode.AUTO && System.console() != null);
    }

    Progress start() {
        if (drawing) {
            ticker = new Thread(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        draw();
                        Thread.sleep(200);
                    }
                } catch (InterruptedException e) {
                    // finished
                }
            }, "samsa-progress");
            ticker.setDaemon(true);
            ticker.start();
        }
        return this;
    }

    @Override
    public synchronized void window(String line) {
        if (drawing) {
            bar.print("\r\033[K");
            bar.flush();
        }
        out.print(line.endsWith("\n") ? line : line + System.lineSeparator());
        out.flush();
        if (drawing) {
            draw();
        }
    }

    @Override
    public void completed(long records) {
        done = records;
    }

    synchronized void draw() {
        long d = done;
        double fraction = total <= 0 ? 1 : Math.min(1.0, d / (double) total);
        int filled = (int) Math.round(fraction * WIDTH);
        double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
        bar.print(String.format(Locale.ROOT, "\r\033[K[%s%s] %3.0f%% %,d/%,d %s  %,.0f %s/s",
                "#".repeat(filled), ".".repeat(WIDTH - filled), fraction * 100, d, total, unit, d / seconds, unit));
        bar.flush();
    }

    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.interrupt();
            try {
                ticker.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            bar.print("\r\033[K");
            bar.flush();
        }
    }
}
