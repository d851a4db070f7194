package io.samsa.bench.compare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Every child process this run starts (brokers and client tools). {@link #close()} and a shutdown hook kill
 * whatever is still alive; if this JVM dies hard, {@code bench/compare} kills its process group.
 */
final class Children implements AutoCloseable {
    private final List<Process> live = new ArrayList<>();
    private final Thread hook = new Thread(this::killAll, "bench-compare-children-killer");

    Children() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Starts {@code cmd} with stdout and stderr to {@code log}. */
    synchronized Process start(List<String> cmd, Path log) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            live.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + cmd.get(0), e);
        }
    }

    /** The output and exit code of one client run; exit -1 when it was killed at the timeout. */
    record Result(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }
    }

    /** Runs a client tool to completion (killed after {@code timeoutSeconds}). */
    Result run(List<String> cmd, Path log, int timeoutSeconds) {
        Process p = start(cmd, log);
        try {
            boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!done) {
                kill(p);
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            return new Result(done ? p.exitValue() : -1, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(p);
            throw new IllegalStateException("interrupted", e);
        } finally {
            forget(p);
        }
    }

    /** Kills one child and waits for it to go. */
    void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        forget(p);
    }

    private synchronized void forget(Process p) {
        live.remove(p);
    }

    private synchronized void killAll() {
        for (Process p : new ArrayList<>(live)) {
            p.destroyForcibly();
        }
        for (Process p : new ArrayList<>(live)) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        live.clear();
    }

    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // already shutting down: the hook runs anyway
        }
    }
}
