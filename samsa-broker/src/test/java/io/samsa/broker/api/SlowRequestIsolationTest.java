package io.samsa.broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.protocol.RawKafkaConnection;
import io.samsa.broker.testing.BrokerHealth;
import io.samsa.broker.testing.BrokerProcess;

/**
 * Issue 9, defect 3: one slow request must not stall the other connections of its network thread. With a single
 * network thread, connection A sends a CreateTopics of a thousand partitions (seconds of file creation); once its
 * first partition directory exists, connection B keeps sending ApiVersions, each after the previous answer. Every one of B's requests must be
 * answered within the health bound, and several of them while A's request is still running. When handlers run on
 * the network thread, B's first request waits for the whole CreateTopics and none is answered during it.
 */
class SlowRequestIsolationTest {
    /** Partitions of the slow CreateTopics; raise it if the create finishes too fast to test anything. */
    private static final int PARTITIONS = Integer.getInteger("samsa.test.slowCreatePartitions", 1000);
    /** How long the slow request may take at all: a liveness bound. */
    private static final int SLOW_LIMIT_MS = 120_000;
    private static final String TOPIC = "many-partitions";

    @Test
    void slowCreateTopicsDoesNotStallAnotherConnectionOnTheSameNetworkThread(@TempDir Path dir) throws Exception {
        int metricsPort = BrokerProcess.freePort();
        try (BrokerProcess broker = BrokerProcess.start(dir, BrokerProcess.freePort(),
                Map.of("num.network.threads", "1", "metrics.port", Integer.toString(metricsPort)))) {
            try (RawKafkaConnection slow = new RawKafkaConnection("127.0.0.1", broker.port(), SLOW_LIMIT_MS);
                 RawKafkaConnection ping = new RawKafkaConnection("127.0.0.1", broker.port(), SLOW_LIMIT_MS)) {
                ping(ping);
                long start = System.nanoTime();
                CompletableFuture<CreateTopicsResponseData> created = CompletableFuture.supplyAsync(() ->
                        createTopic(slow, TOPIC, PARTITIONS));
                awaitFirstPartitionDirectory(dir, created);
                List<Long> latenciesMicros = new ArrayList<>();
                int answeredWhileSlowRan = 0;
                while (!created.isDone()) {
                    long sent = System.nanoTime();
                    ping(ping);
                    latenciesMicros.add((System.nanoTime() - sent) / 1000);
                    if (!created.isDone()) {
                        answeredWhileSlowRan++;
                    }
                }
                CreateTopicsResponseData response = created.get(SLOW_LIMIT_MS, TimeUnit.MILLISECONDS);
                long slowMs = (System.nanoTime() - start) / 1_000_000;
                Collections.sort(latenciesMicros);
                long maxMicros = latenciesMicros.get(latenciesMicros.size() - 1);
                System.out.printf("CreateTopics of %d partitions took %d ms; other connection: %d ApiVersions, "
                                + "%d answered while it ran, latency p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                        PARTITIONS, slowMs, latenciesMicros.size(), answeredWhileSlowRan,
                        percentile(latenciesMicros, 0.50) / 1000.0, percentile(latenciesMicros, 0.99) / 1000.0,
                        maxMicros / 1000.0);

                assertThat(response.topics().iterator().next().errorCode()).isEqualTo(Errors.NONE.code());
                assertThat(maxMicros / 1000)
                        .as("slowest ApiVersions answer (ms) on a connection sharing the network thread")
                        .isLessThan(BrokerHealth.ANSWER_LIMIT.toMillis());
                assertThat(answeredWhileSlowRan)
                        .as("ApiVersions answered while the CreateTopics (%d ms) was running; if it ran too briefly"
                                + " to tell, raise -Dsamsa.test.slowCreatePartitions", slowMs)
                        .isGreaterThanOrEqualTo(3);
            }
            BrokerHealth health = broker.health(1, metricsPort);
            double dequeued = health.metric("samsa_broker_request_queue_dequeued_total");
            double queuedSeconds = health.metric("samsa_broker_request_queue_seconds_total");
            System.out.printf("request queue: %.0f requests taken by handler threads, mean wait %.1f us, "
                            + "handler threads busy %.2f s in all, %.0f waiting now%n", dequeued,
                    queuedSeconds / dequeued * 1e6, health.metric("samsa_broker_request_handler_busy_seconds_total"),
                    health.metric("samsa_broker_request_queue_size"));
            assertThat(dequeued).as("requests that went through the request queue").isGreaterThan(3);
            health.assertHealthy("a slow CreateTopics beside another connection", 0);
        }
    }

    /** Returns once the broker is working on the CreateTopics (a partition directory exists) or it is done. */
    private static void awaitFirstPartitionDirectory(Path dataDir, CompletableFuture<?> created) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SLOW_LIMIT_MS);
        while (!created.isDone() && System.nanoTime() < deadline) {
            try (Stream<Path> dirs = Files.list(dataDir)) {
                if (dirs.anyMatch(d -> d.getFileName().toString().startsWith(TOPIC + "-"))) {
                    return;
                }
            }
            Thread.sleep(5);
        }
    }

    private static void ping(RawKafkaConnection c) throws IOException {
        c.send(ApiKeys.API_VERSIONS, (short) 3, new ApiVersionsRequestData()
                .setClientSoftwareName("ping").setClientSoftwareVersion("1"));
    }

    private static CreateTopicsResponseData createTopic(RawKafkaConnection c, String name, int partitions) {
        CreateTopicsRequestData request = new CreateTopicsRequestData().setTimeoutMs(SLOW_LIMIT_MS);
        request.topics().add(new CreateTopicsRequestData.CreatableTopic().setName(name)
                .setNumPartitions(partitions).setReplicationFactor((short) 1));
        try {
            return (CreateTopicsResponseData) c.send(ApiKeys.CREATE_TOPICS, (short) 7, request);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long percentile(List<Long> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
}
