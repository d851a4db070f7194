package io.samsa.broker.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

import io.samsa.broker.SamsaBroker;
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
