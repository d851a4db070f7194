package io.samsa.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * One Apache Kafka Connect worker in distributed mode ({@code connect-distributed.sh}: the connect-runtime jar's
 * {@code ConnectDistributed}) in a child JVM, pointed at a broker under test. Connect keeps its connector configs,
 * source offsets and statuses in three compacted topics it creates itself and checks at every start, and its
 * workers form a group through the broker's group coordinator, so a worker that starts, stops and starts again
 * exercises topic configs, DescribeConfigs and group membership as production does. Readiness is its REST API
 * answering. Any thread; {@link #close} kills the worker and deletes its files.
 */
public final class KafkaConnectWorker implements AutoCloseable {
    private static final long START_LIMIT_MS = 90_000;

    private final Process process;
    private final Path dir;
    private final Path output;
    private final int restPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private KafkaConnectWorker(Process process, Path dir, Path output, int restPort) {
        this.process = process;
        this.dir = dir;
        this.output = output;
        this.restPort = restPort;
    }

    /**
     * Starts a worker of Connect cluster {@code groupId} (its internal topics are named after it) and returns once
     * its REST API answers.
     *
     * @param extra further worker properties (they override the defaults here)
     */
    public static KafkaConnectWorker start(String bootstrapServers, String groupId, Map<String, String> extra) {
        return start(bootstrapServers, groupId, extra, List.of());
    }

    /**
     * As {@link #start(String, String, Map)}, with {@code pluginClasses} (directories or jars holding a test's own
     * connectors) on the worker's classpath, where it finds them by scanning.
     */
    public static KafkaConnectWorker start(String bootstrapServers, String groupId, Map<String, String> extra,
                                           List<Path> pluginClasses) {
        try {
            Path dir = Files.createTempDirectory("kafka-connect-");
            int restPort = ApacheKafkaBroker.freePort();
            Properties p = new Properties();
            p.setProperty("bootstrap.servers", bootstrapServers);
            p.setProperty("group.id", groupId);
            p.setProperty("config.storage.topic", groupId + "-configs");
            p.setProperty("offset.storage.topic", groupId + "-offsets");
            p.setProperty("status.storage.topic", groupId + "-status");
            p.setProperty("config.storage.replication.factor", "1");
            p.setProperty("offset.storage.replication.factor", "1");
            p.setProperty("status.storage.replication.factor", "1");
            p.setProperty("key.converter", "org.apache.kafka.connect.json.JsonConverter");
            p.setProperty("value.converter", "org.apache.kafka.connect.json.JsonConverter");
            p.setProperty("listeners", "http://127.0.0.1:" + restPort);
            p.setProperty("plugin.discovery", "only_scan");
            extra.forEach(p::setProperty);
            Path props = dir.resolve("worker.properties");
            try (var out = Files.newBufferedWriter(props)) {
                p.store(out, "Kafka Connect worker under test");
            }
            Path output = dir.resolve("worker.log");
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Dlog4j2.level=INFO", "-cp",
                    classpath(pluginClasses),
                    "org.apache.kafka.connect.cli.ConnectDistributed", props.toString()));
            Process process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile())
                    .start();
            KafkaConnectWorker worker = new KafkaConnectWorker(process, dir, output, restPort);
            worker.awaitRest();
            return worker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String classpath(List<Path> pluginClasses) {
        StringBuilder cp = new StringBuilder(ApacheKafkaBroker.locateLibs().toAbsolutePath() + "/*");
        pluginClasses.forEach(p -> cp.append(java.io.File.pathSeparatorChar).append(p.toAbsolutePath()));
        return cp.toString();
    }

    private void awaitRest() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_LIMIT_MS); // liveness bound only
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka Connect worker exited with " + process.exitValue() + ":\n"
                        + output());
            }
            try {
                if (get("/connectors").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            sleep(200);
        }
        close();
        throw new IllegalStateException("Kafka Connect worker did not answer within " + START_LIMIT_MS + " ms:\n"
                + output());
    }

    /** A GET on the worker's REST API (e.g. {@code /connectors}). */
    public HttpResponse<String> get(String path) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** A POST of a JSON body to the worker's REST API (e.g. creating a connector at {@code /connectors}). */
    public HttpResponse<String> post(String path, String json) throws IOException {
        return send(path, "POST", json);
    }

    /** A PUT of a JSON body to the worker's REST API (e.g. a connector's new config). */
    public HttpResponse<String> put(String path, String json) throws IOException {
        return send(path, "PUT", json);
    }

    private HttpResponse<String> send(String path, String method, String json) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
                    .header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Whether the worker process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the worker printed so far. */
    public String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }

    /** SIGTERM, as an operator stops a worker: it leaves the group and exits (bounded wait, then SIGKILL). */
    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
