package io.samsa.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One Samsa node in a child JVM ({@code io.samsa.broker.BrokerMain}, found on this JVM's class path), its output
 * appended to a file. Ready once it prints its ready line; SIGKILL ({@link #kill()}), SIGTERM ({@link #terminate()}).
 */
final class SamsaNodeProcess {
    static final String MAIN_CLASS = "io.samsa.broker.BrokerMain";
    private static final String READY = "SAMSA-READY port=";
    /** A liveness bound for start-up and shutdown; nothing asserts on how fast a node is. */
    private static final long LIMIT_SECONDS = 120;

    private final Process process;
    private final Thread outputReader;

    private SamsaNodeProcess(Process process, Thread outputReader) {
        this.process = process;
        this.outputReader = outputReader;
    }

    /** Starts a node and returns at once; {@code ready} completes when it serves. */
    static SamsaNodeProcess launch(Map<String, String> config, Path outputFile, CompletableFuture<Void> ready)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
        // Wall-clock times, so a failed cluster test's node outputs can be read side by side.
        cmd.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
        cmd.add("-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(MAIN_CLASS);
        config.forEach((k, v) -> cmd.add(k + "=" + v));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8));
                    Writer file = Files.newBufferedWriter(outputFile, StandardCharsets.UTF_8,
                            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND)) {
                String line;
                while ((line = r.readLine()) != null) {
                    file.write(line);
                    file.write('\n');
                    file.flush();
                    if (line.startsWith(READY)) {
                        ready.complete(null);
                    }
                }
            } catch (IOException ignored) {
                // process gone
            }
            ready.completeExceptionally(new IllegalStateException("node process ended before it was ready; see "
                    + outputFile + "; its last output:\n" + tail(outputFile, 40)));
        }, "samsa-node-output");
        reader.setDaemon(true);
        reader.start();
        return new SamsaNodeProcess(p, reader);
    }

    /** The last {@code lines} lines of a node's output file (the file is removed with the cluster's directory). */
    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    void kill() throws InterruptedException {
        process.destroyForcibly();
        awaitExit();
    }

    /** SIGTERM: the node's shutdown hook runs a controlled shutdown. */
    void terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        awaitExit();
    }

    private void awaitExit() throws InterruptedException {
        if (!process.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("node process did not exit");
        }
        outputReader.join(TimeUnit.SECONDS.toMillis(LIMIT_SECONDS));
    }

    static long limitSeconds() {
        return LIMIT_SECONDS;
    }
}
