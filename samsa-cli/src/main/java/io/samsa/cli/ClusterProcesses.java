package io.samsa.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The nodes of a {@link ClusterLayout}, each {@code samsa server --config node-i/server.properties} in its own
 * JVM on this JVM's class path, its output in {@code node-i/server.log}. {@link #stop} sends SIGTERM to all (each
 * broker shuts down cleanly in its shutdown hook), waits, then kills what is left.
 */
final class ClusterProcesses implements AutoCloseable {
    static final String LOG_FILE = "server.log";

    private final ClusterLayout layout;
    private final List<Process> processes = new ArrayList<>();

    ClusterProcesses(ClusterLayout layout) {
        this.layout = layout;
    }

    /** The command line of node {@code nodeId}. */
    List<String> command(int nodeId, List<String> jvmOptions) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SamsaCommand.class.getName(), "server",
                "--config", layout.configFile(nodeId).toAbsolutePath().toString()));
        return cmd;
    }

    /** Writes the configs and starts every node; returns the processes, node 1 first. */
    List<Process> start(List<String> jvmOptions) throws IOException {
        layout.write();
        for (int id = 1; id <= layout.totalNodes(); id++) {
            Path log = layout.nodeDir(id).resolve(LOG_FILE);
            processes.add(new ProcessBuilder(command(id, jvmOptions)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start());
        }
        return List.copyOf(processes);
    }

    List<Process> processes() {
        return List.copyOf(processes);
    }

    /**
     * Waits until every node's PLAINTEXT port (a controller-only node's CONTROLLER port) accepts connections; false if {@code timeout} passes first. A node
     * that exits meanwhile stops the wait with an exception naming its log.
     */
    boolean awaitListening(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int id = 1; id <= layout.totalNodes(); id++) {
            while (!accepts(layout.host(), layout.readyPort(id))) {
                Process p = processes.get(id - 1);
                if (!p.isAlive()) {
                    throw new UserException("node " + id + " exited with code " + p.exitValue() + "; see "
                            + layout.nodeDir(id).resolve(LOG_FILE));
                }
                if (System.nanoTime() >= deadline) {
                    return false;
                }
                Thread.sleep(100);
            }
        }
        return true;
    }

    private static boolean accepts(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGTERM to every node, wait up to {@code grace} for all, then SIGKILL to those still running. */
    void stop(Duration grace) {
        processes.forEach(Process::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (Process p : processes) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(15));
    }
}
