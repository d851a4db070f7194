package io.samsa.broker.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Runs kcat (librdkafka's command-line client) for tests that drive the broker from outside. kcat comes from
 * {@code scripts/install-test-deps} (run by {@code bin/test}): without it a test fails under CI=true and is skipped,
 * saying so, elsewhere.
 */
public final class Kcat {
    private Kcat() {
    }

    /** Aborts the calling test (or fails it under CI=true) when kcat is not on the PATH. */
    public static void require() throws InterruptedException {
        boolean present;
        try {
            present = run(List.of("kcat", "-V"), null).exit() == 0;
        } catch (IOException e) {
            present = false;
        }
        if (!present) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError("kcat is not on PATH under CI: scripts/install-test-deps must install it");
            }
            Assumptions.abort("kcat is not installed (run scripts/install-test-deps or bin/test); "
                    + "this test is mandatory only under CI=true");
        }
    }

    /** What a command printed and how it ended. */
    public record Result(int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout (first 4000 chars) ---\n"
                    + stdout.substring(0, Math.min(4000, stdout.length())) + "\n--- stderr ---\n" + stderr;
        }
    }

    /** Runs a command, feeding it {@code stdin}; bounded so that a hung kcat fails the test instead of the build. */
    public static Result run(List<String> cmd, String stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread o = new Thread(() -> copy(p.getInputStream(), out));
        Thread e = new Thread(() -> copy(p.getErrorStream(), err));
        o.start();
        e.start();
        try (OutputStream w = p.getOutputStream()) {
            if (stdin != null) {
                w.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            o.join();
            e.join();
            throw new AssertionError("did not finish: " + cmd + "\n" + new Result(-1,
                    out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)));
        }
        o.join();
        e.join();
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException ignored) {
            // process gone
        }
    }
}
