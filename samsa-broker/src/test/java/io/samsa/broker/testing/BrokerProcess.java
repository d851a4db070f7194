package io.samsa.broker.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.samsa.broker.BrokerMain;

/**
 * A Samsa broker in a child JVM ({@link BrokerMain}) on a fixed port and data directory, so that it can be
 * SIGKILLed ({@link #kill()}) and started again at the same address. Its output is kept in memory (the first
 * ~1 MB, {@link #output()}) and in full in a temporary file ({@link #outputFile()}, deleted by {@link #close()}).
 */
public final class BrokerProcess implements AutoCloseable {
    /** Upper bound for start-up and shutdown; a liveness bound only, nothing asserts on how fast it is. */
    private static final long START_LIMIT_SECONDS = 120;

    /** How much of the child's output {@link #output()} keeps; the file keeps all of it. */
    public static final int OUTPUT_KEPT_IN_MEMORY = 1_000_000;

    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final int port;
    private final Path outputFile;
    private Thread outputReader;

    private BrokerProcess(Process process, int port, Path outputFile) {
        this.process = process;
        this.port = port;
        this.outputFile = outputFile;
    }

    /** A TCP port that was free a moment ago (bind to 0, read it, release it). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static BrokerProcess start(Path dataDir, int port, Map<String, String> extra) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(BrokerMain.class.getName());
        cmd.add("listeners=PLAINTEXT://127.0.0.1:" + port);
        cmd.add("log.dirs=" + dataDir.toAbsolutePath());
        extra.forEach((k, v) -> cmd.add(k + "=" + v));
        Path outputFile = Files.createTempFile("samsa-broker-" + port + "-", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BrokerProcess bp = new BrokerProcess(p, port, outputFile);
        CompletableFuture<Integer> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8));
                    Writer file = Files.newBufferedWriter(outputFile, StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (bp.output.length() < OUTPUT_KEPT_IN_MEMORY) {
                        bp.output.append(line).append('\n');
                    }
                    file.write(line);
                    file.write('\n');
                    file.flush(); // readers of the file see each line at once
                    if (line.startsWith(BrokerMain.READY)) {
                        ready.complete(Integer.parseInt(line.substring(BrokerMain.READY.length()).trim()));
                    }
                }
            } catch (IOException ignored) {
                // process gone
            }
            ready.completeExceptionally(new IllegalStateException("broker process ended before it was ready"));
        }, "broker-process-output");
        reader.setDaemon(true);
        bp.outputReader = reader;
        reader.start();
        try {
            int actual = ready.get(START_LIMIT_SECONDS, TimeUnit.SECONDS);
            if (actual != port) {
                throw new IllegalStateException("broker listens on " + actual + ", expected " + port);
            }
        } catch (Exception e) {
            p.destroyForcibly();
            Files.deleteIfExists(outputFile);
            throw new IllegalStateException("broker process did not start: " + e + "\n--- its output ---\n"
                    + bp.output, e);
        }
        return bp;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The first {@link #OUTPUT_KEPT_IN_MEMORY} characters or so of the child's output. */
    public String output() {
        return output.toString();
    }

    /**
     * The file that receives all of the child's output, line by line as it comes (complete once the process has
     * ended); deleted by {@link #close()}.
     */
    public Path outputFile() {
        return outputFile;
    }

    /**
     * The last {@code lines} lines of the child's output so far, for a failure message: {@link #output()} keeps
     * only the start, and a fault shows at the end.
     */
    public String outputTail(int lines) {
        try {
            List<String> all = Files.readAllLines(outputFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(output file unreadable: " + e + ")";
        }
    }

    /** SIGKILL (destroyForcibly is SIGKILL on Linux): no shutdown hook, no flush, no clean-shutdown marker. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(START_LIMIT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("killed broker process did not exit");
        }
        outputReader.join(TimeUnit.SECONDS.toMillis(START_LIMIT_SECONDS)); // the output is complete
    }

    /** Clean stop: closes the child's stdin, which makes BrokerMain close the broker. */
    public void stop() throws IOException, InterruptedException {
        process.getOutputStream().close();
        if (!process.waitFor(START_LIMIT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("broker process did not stop cleanly\n" + output);
        }
        outputReader.join(TimeUnit.SECONDS.toMillis(START_LIMIT_SECONDS)); // the output is complete
    }

    /** The child's process id, for jcmd or /proc inspection. */
    public long pid() {
        return process.pid();
    }

    /**
     * The shared health check against this broker; {@code metricsPort} must be the {@code metrics.port} it was
     * started with (or -1 to skip the connection-count part).
     */
    public BrokerHealth health(int networkThreads, int metricsPort) {
        return new BrokerHealth("127.0.0.1", port, networkThreads, metricsPort);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
        try {
            Files.deleteIfExists(outputFile);
        } catch (IOException ignored) {
            // a temporary file left behind
        }
    }
}
