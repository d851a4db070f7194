package io.samsa.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.testing.BrokerProcess;
import io.samsa.broker.testing.Clients;

/**
 * Topic settings are checked before a topic exists (issue 9, defects 5 and 7), from outside the broker process:
 * <ul>
 * <li>CreateTopics with 2,000,000 partitions is refused with an error code (not a timeout), leaves nothing on
 * disk or in Metadata, and the broker restarts; CreatePartitions to a huge count likewise;
 * <li>{@code min.insync.replicas=2} on this single node refuses acks=all with NOT_ENOUGH_REPLICAS, as Kafka does,
 * while acks=1 still works; the broker's {@code min.insync.replicas} likewise;
 * <li>a topic is visible in Metadata only once all its logs exist.
 * </ul>
 */
class TopicCreationLimitsTest {
    private static final int NETWORK_THREADS = 2;

    @TempDir
    Path tmp;

    @Test
    void aHugePartitionCountIsRefusedBeforeAnythingIsCreated() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        int port = BrokerProcess.freePort();
        int metricsPort = BrokerProcess.freePort();
        Map<String, String> props = Map.of("num.network.threads", Integer.toString(NETWORK_THREADS),
                "metrics.port", Integer.toString(metricsPort));
        try (BrokerProcess broker = BrokerProcess.start(data, port, props);
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000,
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000))) {
            long start = System.nanoTime();
            Throwable refused = errorOf(() -> admin.createTopics(List.of(new NewTopic("huge", 2_000_000, (short) 1)))
                    .all().get());
            System.out.printf("CreateTopics(2,000,000 partitions) answered in %d ms: %s%n",
                    (System.nanoTime() - start) / 1_000_000, refused);
            assertThat(refused).as("POLICY_VIOLATION from the broker (as Kafka's controller), not a client timeout")
                    .isInstanceOf(PolicyViolationException.class);
            assertThat(admin.listTopics().names().get()).doesNotContain("huge");
            assertThat(dirsNamed(data, "huge")).isEmpty();

            admin.createTopics(List.of(new NewTopic("small", 2, (short) 1))).all().get();
            Throwable grown = errorOf(() -> admin.createPartitions(Map.of("small", NewPartitions.increaseTo(2_000_000)))
                    .all().get());
            assertThat(grown).isInstanceOf(PolicyViolationException.class);
            assertThat(admin.describeTopics(List.of("small")).allTopicNames().get().get("small").partitions())
                    .hasSize(2);
            assertThat(dirsNamed(data, "small")).hasSize(2);
            broker.kill();
        }
        try (BrokerProcess broker = BrokerProcess.start(data, port, props)) {
            try (Admin admin = Clients.admin(broker.bootstrapServers())) {
                assertThat(admin.listTopics().names().get()).contains("small").doesNotContain("huge");
            }
            broker.health(NETWORK_THREADS, metricsPort).assertHealthy("CreateTopics of 2,000,000 partitions", 0);
        }
    }

    @Test
    void acksAllNeedsMinInsyncReplicas() throws Exception {
        int metricsPort = BrokerProcess.freePort();
        try (BrokerProcess broker = BrokerProcess.start(Files.createDirectories(tmp.resolve("data")),
                BrokerProcess.freePort(), Map.of("num.network.threads", Integer.toString(NETWORK_THREADS),
                        "metrics.port", Integer.toString(metricsPort)))) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Clients.admin(bootstrap)) {
                admin.createTopics(List.of(new NewTopic("isr2", 1, (short) 1)
                        .configs(Map.of("min.insync.replicas", "2")))).all().get();
            }
            try (KafkaProducer<byte[], byte[]> all = Clients.producer(bootstrap, Map.of("acks", "all",
                    "enable.idempotence", "false", "retries", 0))) {
                Throwable e = errorOf(() -> all.send(new ProducerRecord<>("isr2", 0, null, "x".getBytes())).get());
                assertThat(e).isInstanceOf(NotEnoughReplicasException.class);
            }
            try (KafkaProducer<byte[], byte[]> one = Clients.producer(bootstrap, Map.of("acks", "1",
                    "enable.idempotence", "false"))) {
                assertThat(one.send(new ProducerRecord<>("isr2", 0, null, "x".getBytes())).get().offset())
                        .isEqualTo(0L);
            }
            broker.health(NETWORK_THREADS, metricsPort).assertHealthy("acks=all with min.insync.replicas=2", 0);
        }
    }

    /** The broker's min.insync.replicas applies to topics without their own; a topic's own value wins. */
    @Test
    void theBrokerDefaultMinInsyncReplicasAppliesToo() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(Files.createDirectories(tmp.resolve("data")),
                BrokerProcess.freePort(), Map.of("min.insync.replicas", "2"))) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Clients.admin(bootstrap)) {
                admin.createTopics(List.of(new NewTopic("default-isr", 1, (short) 1),
                        new NewTopic("own-isr", 1, (short) 1).configs(Map.of("min.insync.replicas", "1"))))
                        .all().get();
            }
            try (KafkaProducer<byte[], byte[]> all = Clients.producer(bootstrap, Map.of("acks", "all",
                    "enable.idempotence", "false", "retries", 0))) {
                assertThat(errorOf(() -> all.send(new ProducerRecord<>("default-isr", 0, null, "x".getBytes())).get()))
                        .isInstanceOf(NotEnoughReplicasException.class);
                assertThat(all.send(new ProducerRecord<>("own-isr", 0, null, "x".getBytes())).get().offset())
                        .isEqualTo(0L);
            }
        }
    }

    /**
     * A producer waiting for a topic that is being created with many partitions sends to its last partition as
     * soon as Metadata shows it: every log must exist by then (no UNKNOWN_SERVER_ERROR from a missing log).
     */
    @Test
    void aTopicIsVisibleOnlyOnceAllItsLogsExist() throws Exception {
        int partitions = Integer.getInteger("samsa.test.racePartitions", 500);
        try (BrokerProcess broker = BrokerProcess.start(Files.createDirectories(tmp.resolve("data")),
                BrokerProcess.freePort(), Map.of("auto.create.topics.enable", "false"))) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Clients.admin(bootstrap);
                    KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of("acks", "1",
                            "enable.idempotence", "false", "retries", 0, "retry.backoff.ms", 20,
                            "retry.backoff.max.ms", 20, "max.block.ms", 120_000))) {
                var sent = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return producer.send(new ProducerRecord<>("race", partitions - 1, null, "x".getBytes())).get();
                    } catch (Exception e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                });
                long start = System.nanoTime();
                admin.createTopics(List.of(new NewTopic("race", partitions, (short) 1))).all().get();
                System.out.printf("CreateTopics(%d partitions) took %d ms%n", partitions,
                        (System.nanoTime() - start) / 1_000_000);
                assertThat(sent.handle((md, e) -> e == null ? md.offset() : e.getCause()).get())
                        .as("produce to the last partition of a topic being created").isEqualTo(0L);
            }
        }
    }

    interface Call {
        void run() throws Exception;
    }

    private static Throwable errorOf(Call call) {
        try {
            call.run();
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("expected the call to fail");
    }

    private static List<String> dirsNamed(Path data, String topic) throws Exception {
        try (Stream<Path> dirs = Files.list(data)) {
            return dirs.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(topic + "-")).toList();
        }
    }
}
