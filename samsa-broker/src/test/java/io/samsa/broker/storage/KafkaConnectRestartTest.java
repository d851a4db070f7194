package io.samsa.broker.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.SamsaBroker;
import io.samsa.broker.storage.connect.CountingSourceConnector;
import io.samsa.broker.storage.connect.CountingSourceTask;
import io.samsa.broker.testing.Clients;
import io.samsa.testkit.KafkaConnectWorker;

/**
 * Apache Kafka Connect in distributed mode (the real connect-runtime, in child JVMs) on Samsa. Connect creates its
 * config, offset and status topics compacted, and at every start refuses to run unless DescribeConfigs reports
 * {@code cleanup.policy=compact} for each; before Samsa kept topic configs as set, a worker started once and never
 * again ("Topic '…-offsets' … is required to have 'cleanup.policy=compact'"). Here a worker starts, stops and starts
 * again, then two workers form one Connect cluster through the group coordinator.
 */
class KafkaConnectRestartTest {
    private static final String CLUSTER = "samsa-connect";
    private static final List<String> TOPICS = List.of(CLUSTER + "-configs", CLUSTER + "-offsets",
            CLUSTER + "-status");

    @Test
    void aDistributedWorkerStartsAgainOnItsOwnCompactedTopicsAndWorkersFormOneCluster() throws Exception {
        try (SamsaBroker broker = SamsaBroker.startEmbedded(Map.of());
             Admin admin = Clients.admin(broker.bootstrapServers())) {
            String bs = broker.bootstrapServers();
            try (KafkaConnectWorker first = KafkaConnectWorker.start(bs, CLUSTER, Map.of())) {
                assertThat(first.get("/connectors").body()).isEqualTo("[]");
                assertThat(first.get("/").body()).contains("\"kafka_cluster_id\"");
                awaitJoinedWithoutError(first);
                first.stop();
            }
            for (String topic : TOPICS) {
                Config config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic)))
                        .all().get(30, TimeUnit.SECONDS).values().iterator().next();
                assertThat(config.get("cleanup.policy").value()).as("cleanup.policy of %s", topic)
                        .isEqualTo("compact");
            }
            Collection<TopicDescription> described = admin.describeTopics(TOPICS).allTopicNames()
                    .get(30, TimeUnit.SECONDS).values();
            // Connect's defaults: 1 config partition, 25 offset partitions, 5 status partitions.
            assertThat(described).extracting(d -> d.partitions().size()).containsExactlyInAnyOrder(1, 25, 5);

            // Both start at once (a worker's start is mostly its own JVM's warm-up): the restart and a second member.
            CompletableFuture<KafkaConnectWorker> starting = CompletableFuture.supplyAsync(
                    () -> KafkaConnectWorker.start(bs, CLUSTER, Map.of()));
            try (KafkaConnectWorker second = KafkaConnectWorker.start(bs, CLUSTER, Map.of());
                 KafkaConnectWorker again = starting.get(120, TimeUnit.SECONDS)) {
                assertThat(again.get("/connectors").body()).isEqualTo("[]");
                assertThat(second.get("/connectors").body()).isEqualTo("[]");
                awaitJoinedWithoutError(again);
                awaitJoinedWithoutError(second);
                assertThat(again.output()).as("the restarted worker's output")
                        .doesNotContain("is required to have 'cleanup.policy=compact'");
                assertThat(again.isAlive()).isTrue();
                assertThat(second.isAlive()).isTrue();
            } finally {
                starting.thenAccept(KafkaConnectWorker::close); // when the other start failed first
            }
        }
    }

    /**
     * A source connector (the test's own {@link CountingSourceConnector}) writes 0..299 and stores its position in
     * Connect's offsets topic; the worker stops and starts again, the connector is asked for 600 numbers, and it
     * resumes at 300 from the stored offset: every number is in the topic exactly once, in order.
     */
    @Test
    void aSourceConnectorResumesFromItsStoredOffsetsAfterARestart(@TempDir Path plugins) throws Exception {
        copyConnectorClasses(plugins);
        TopicPartition counted = new TopicPartition("counted", 0);
        try (SamsaBroker broker = SamsaBroker.startEmbedded(Map.of());
             Admin admin = Clients.admin(broker.bootstrapServers())) {
            String bs = broker.bootstrapServers();
            admin.createTopics(List.of(new NewTopic(counted.topic(), 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            Map<String, String> worker = Map.of("offset.flush.interval.ms", "500");
            try (KafkaConnectWorker first = KafkaConnectWorker.start(bs, "resume", worker, List.of(plugins))) {
                awaitJoinedWithoutError(first);
                HttpResponse<String> created = first.post("/connectors", "{\"name\":\"counter\",\"config\":"
                        + connectorConfig(counted.topic(), 300) + "}");
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                awaitEndOffset(bs, counted, 300);
                first.stop(); // a clean stop commits the task's last offsets
            }
            try (KafkaConnectWorker again = KafkaConnectWorker.start(bs, "resume", worker, List.of(plugins))) {
                awaitJoinedWithoutError(again);
                HttpResponse<String> updated = again.put("/connectors/counter/config",
                        connectorConfig(counted.topic(), 600));
                assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
                awaitEndOffset(bs, counted, 600);
            }
            List<ConsumerRecord<byte[], byte[]>> all = Clients.read(bs, counted, 0, 600);
            assertThat(all).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .containsExactlyElementsOf(IntStream.range(0, 600).mapToObj(Integer::toString).toList());
            assertThat(Clients.endOffsets(bs, Set.of(counted)).get(counted)).as("nothing written twice")
                    .isEqualTo(600);
        }
    }

    private static String connectorConfig(String topic, int count) {
        return "{\"connector.class\":\"" + CountingSourceConnector.class.getName() + "\",\"tasks.max\":\"1\","
                + "\"topic\":\"" + topic + "\",\"count\":\"" + count + "\","
                + "\"value.converter\":\"org.apache.kafka.connect.storage.StringConverter\"}";
    }

    /** The connector's classes alone, in a directory for the worker's classpath (not all of test-classes). */
    private static void copyConnectorClasses(Path dir) throws Exception {
        for (Class<?> c : List.of(CountingSourceConnector.class, CountingSourceTask.class)) {
            String file = c.getName().replace('.', '/') + ".class";
            Path target = dir.resolve(file);
            Files.createDirectories(target.getParent());
            try (InputStream in = c.getClassLoader().getResourceAsStream(file)) {
                Files.copy(in, target);
            }
        }
    }

    private static void awaitEndOffset(String bs, TopicPartition tp, long atLeast) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // liveness bound only
        long end;
        while ((end = Clients.endOffsets(bs, Set.of(tp)).get(tp)) < atLeast) {
            assertThat(System.nanoTime()).as("%s reaches offset %d (at %d)", tp, atLeast, end).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /**
     * Waits until the worker's herder has joined the Connect group: its REST API answers before that. Connect logs
     * each rebalance's outcome; error=0 means the group's leader assigned without a conflict.
     */
    private static void awaitJoinedWithoutError(KafkaConnectWorker worker) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // liveness bound only
        while (System.nanoTime() < deadline) {
            String out = worker.output();
            if (out.contains("Joined group at generation") && out.contains("Assignment{error=0")) {
                return;
            }
            assertThat(worker.isAlive()).as("worker alive:\n%s", out).isTrue();
            Thread.sleep(200);
        }
        throw new AssertionError("the worker did not join its Connect group:\n" + worker.output());
    }
}
