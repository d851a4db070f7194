package io.samsa.clients.eos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A test's application in a JVM of its own (the test classpath, a main class), so that it can be SIGKILLed: its
 * output lines are queued for the test to wait on. Test thread only, but for the reader thread that fills the queue.
 */
record ChildJvm(Process process, LinkedBlockingQueue<String> lines) {
    /** Starts {@code mainClass} with {@code args}, its stderr merged into its output. */
    static ChildJvm start(String heap, Class<?> mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx" + heap, "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (IOException ignored) {
                // the process was killed
            }
        });
        reader.setDaemon(true);
        reader.start();
        return new ChildJvm(process, lines);
    }

    /** Waits (60 s at most, a liveness bound) until {@code times} lines matched; fails with the child's last lines. */
    void awaitLines(Predicate<String> wanted, int times, String what) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        int matched = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (matched < times) {
            String l = lines.poll(200, TimeUnit.MILLISECONDS);
            if (l != null) {
                seen.add(l);
                matched += wanted.test(l) ? 1 : 0;
            }
            List<String> last = seen.subList(Math.max(0, seen.size() - 40), seen.size());
            assertThat(System.nanoTime()).as("%s; the child said: %s", what, last).isLessThan(deadline);
            assertThat(process.isAlive() || !lines.isEmpty()).as("child alive; it said: %s", last).isTrue();
        }
    }

    /** SIGKILL: no shutdown hook, no LeaveGroup, no abort. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
