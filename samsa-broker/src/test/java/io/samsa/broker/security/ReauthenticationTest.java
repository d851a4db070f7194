package io.samsa.broker.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.testing.Clients;

/**
 * KIP-368 from outside: a broker process with {@code connections.max.reauth.ms=1500}, and stock KafkaProducer and
 * KafkaConsumer over SASL_SSL with SCRAM-SHA-512 working for several lifetimes. They re-authenticate on their
 * connections (kafka-clients' own counters), none fails, and no connection is made again — which is what happens
 * when a broker tells no lifetime (no re-authentication) or closes a session it should have renewed.
 */
class ReauthenticationTest {
    private static final long LIFETIME_MS = 1500;

    @TempDir
    static Path tmp;
    static SecuredBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = new SecuredBroker(Files.createDirectories(tmp.resolve("data")),
                Map.of("connections.max.reauth.ms", Long.toString(LIFETIME_MS)));
        broker.addScramUser("alice", "alice-secret", ScramMechanism.SCRAM_SHA_512);
        try (Admin admin = Clients.admin(broker.plaintext())) {
            admin.createTopics(List.of(new NewTopic("reauth", 1, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void stockClientsReauthenticateOnTheirConnectionsAcrossSeveralLifetimes() throws Exception {
        Map<String, Object> producerConfig = broker.saslSslClient("SCRAM-SHA-512", "alice", "alice-secret");
        Map<String, Object> consumerConfig = broker.saslSslClient("SCRAM-SHA-512", "alice", "alice-secret");
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        int sent = 0;
        int received = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(),
                new ByteArraySerializer());
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig,
                     new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition("reauth", 0)));
            producer.send(new ProducerRecord<>("reauth", bytes("warm-up"))).get();
            sent++;
            received += consumer.poll(Duration.ofMillis(500)).count();
            double producerConnections = metric(producer.metrics(), "connection-creation-total");
            double consumerConnections = metric(consumer.metrics(), "connection-creation-total");

            long end = System.nanoTime() + LIFETIME_MS * 4 * 1_000_000;
            while (System.nanoTime() < end) {
                producer.send(new ProducerRecord<>("reauth", bytes("r" + sent))).get();
                sent++;
                received += consumer.poll(Duration.ofMillis(50)).count();
            }
            while (received < sent) {
                int got = consumer.poll(Duration.ofSeconds(2)).count();
                assertThat(got).as("records still to read").isPositive();
                received += got;
            }

            assertThat(metric(producer.metrics(), "successful-reauthentication-total")).isGreaterThanOrEqualTo(2);
            assertThat(metric(consumer.metrics(), "successful-reauthentication-total")).isGreaterThanOrEqualTo(2);
            assertThat(metric(producer.metrics(), "failed-reauthentication-total")).isZero();
            assertThat(metric(consumer.metrics(), "failed-reauthentication-total")).isZero();
            assertThat(metric(producer.metrics(), "connection-creation-total"))
                    .as("the producer's connections lived through the re-authentications")
                    .isEqualTo(producerConnections);
            assertThat(metric(consumer.metrics(), "connection-creation-total")).isEqualTo(consumerConnections);
        }
        assertThat(received).isEqualTo(sent);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The client-wide value of a selector metric (the group kafka-clients gives its network counters). */
    private static double metric(Map<MetricName, ? extends Metric> metrics, String name) {
        return metrics.entrySet().stream()
                .filter(e -> e.getKey().name().equals(name) && e.getKey().group().endsWith("-metrics")
                        && !e.getKey().tags().containsKey("node-id"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                .sum();
    }
}
