package io.samsa.broker.storage.compaction;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.samsa.testkit.ClusterUnderTest;
import io.samsa.testkit.SamsaCluster;

/**
 * The compaction contract against one Samsa node in a child JVM. Before each kill it watches the partition's
 * directory (bounded) for the cleaner's {@code .cleaned} or {@code .swap} files, so that the SIGKILL lands while a
 * cleaning is under way when it can; the test does not depend on it.
 */
class SamsaCompactionTest extends CompactionContract {
    private static final long WATCH_MS = 3000;
    private static SamsaCluster cluster;

    @BeforeAll
    static void start() throws IOException {
        cluster = SamsaCluster.start(1, BROKER_SETTINGS);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected ClusterUnderTest cluster() {
        return cluster;
    }

    @Override
    protected String awaitMomentToKill(String topic, int attempt) throws InterruptedException {
        int node = cluster.nodeIds().get(0);
        Path dir = Path.of(cluster.nodeConfig(node).get("log.dirs")).resolve(topic + "-0");
        long deadline = System.currentTimeMillis() + WATCH_MS;
        while (System.currentTimeMillis() < deadline) {
            List<String> files = cleanerFiles(dir);
            if (!files.isEmpty()) {
                return "cleaning under way: " + files;
            }
            Thread.sleep(1); // a cleaned segment is being written for a while; polling the directory is all we have
        }
        return "no cleaning seen within " + WATCH_MS + " ms";
    }

    private static List<String> cleanerFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".cleaned") || n.endsWith(".swap")).toList();
        } catch (IOException e) {
            return List.of(); // a file vanished while listing
        }
    }
}
