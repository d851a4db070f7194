package io.samsa.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.testing.Clients;
import io.samsa.broker.testing.Kafkajs;
import io.samsa.broker.testing.Kcat;

/**
 * The first "done when": stock KafkaProducer/KafkaConsumer, kcat (Debian's, librdkafka 2.0.2 with its
 * legacy SCRAM nonce) and kafkajs over SASL_SSL with SCRAM-SHA-512 against a broker process: the right password
 * writes and reads, a wrong one fails with an authentication error and writes nothing. Also PLAIN and SCRAM-SHA-256,
 * SASL_PLAINTEXT, and a user added after the broker started.
 */
class SaslSslClientsTest {
    @TempDir
    static Path tmp;
    static SecuredBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = new SecuredBroker(Files.createDirectories(tmp.resolve("data")), Map.of());
        broker.addScramUser("alice", "alice-secret", ScramMechanism.SCRAM_SHA_512);
        broker.addScramUser("dave", "dave-secret", ScramMechanism.SCRAM_SHA_256);
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    private static void createTopic(String topic) throws Exception {
        try (Admin admin = Clients.admin(broker.plaintext())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
    }

    private static long endOffset(String topic) throws Exception {
        TopicPartition tp = new TopicPartition(topic, 0);
        return Clients.endOffsets(broker.plaintext(), Set.of(tp)).get(tp);
    }

    private static List<String> produceAndConsume(Map<String, Object> client, String topic, int count)
            throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(client, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, ("v" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        List<String> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(client, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            consumer.seekToBeginning(List.of(new TopicPartition(topic, 0)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (read.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    read.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return read;
    }

    @Test
    void stockClientsWithTheRightPasswordWriteAndRead() throws Exception {
        createTopic("stock-scram512");
        List<String> read = produceAndConsume(broker.saslSslClient("SCRAM-SHA-512", "alice", "alice-secret"),
                "stock-scram512", 100);
        assertThat(read).hasSize(100).startsWith("v0", "v1").endsWith("v99");

        createTopic("stock-scram256");
        assertThat(produceAndConsume(broker.saslSslClient("SCRAM-SHA-256", "dave", "dave-secret"),
                "stock-scram256", 10)).hasSize(10);
        createTopic("stock-plain");
        assertThat(produceAndConsume(broker.saslSslClient("PLAIN", "carol", "carol-secret"), "stock-plain", 10))
                .hasSize(10);
        Map<String, Object> saslPlaintext = broker.saslSslClient("SCRAM-SHA-512", "alice", "alice-secret");
        saslPlaintext.put("bootstrap.servers", broker.saslPlaintext());
        saslPlaintext.put("security.protocol", "SASL_PLAINTEXT");
        createTopic("stock-sasl-plaintext");
        assertThat(produceAndConsume(saslPlaintext, "stock-sasl-plaintext", 10)).hasSize(10);
    }

    @Test
    void aWrongPasswordIsAnAuthenticationErrorAndWritesNothing() throws Exception {
        createTopic("stock-wrong");
        for (Map<String, Object> client : List.of(
                broker.saslSslClient("SCRAM-SHA-512", "alice", "not-her-password"),
                broker.saslSslClient("SCRAM-SHA-512", "nobody", "alice-secret"),
                broker.saslSslClient("SCRAM-SHA-256", "alice", "alice-secret"), // she has no SHA-256 credential
                broker.saslSslClient("PLAIN", "carol", "wrong"))) {
            client.put("max.block.ms", 15_000);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(client, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                Throwable failed = catchThrowable(() -> producer.send(new ProducerRecord<>("stock-wrong",
                        "x".getBytes(StandardCharsets.UTF_8))).get(20, TimeUnit.SECONDS));
                assertThat(failed).as("%s", client.get("sasl.jaas.config"))
                        .isInstanceOfAny(SaslAuthenticationException.class, java.util.concurrent.ExecutionException.class);
                Throwable cause = failed.getCause() == null ? failed : failed.getCause();
                assertThat(failed instanceof SaslAuthenticationException ? failed : cause)
                        .isInstanceOf(SaslAuthenticationException.class)
                        .hasMessageContaining("Authentication failed");
            }
        }
        assertThat(endOffset("stock-wrong")).isZero();
    }

    @Test
    void aUserAddedWhileTheBrokerRunsAuthenticatesAtOnce() throws Exception {
        broker.addScramUser("erin", "erin-secret", ScramMechanism.SCRAM_SHA_512);
        createTopic("late-user");
        assertThat(produceAndConsume(broker.saslSslClient("SCRAM-SHA-512", "erin", "erin-secret"), "late-user", 5))
                .hasSize(5);
    }

    private static List<String> kcat(String user, String password, String... args) {
        List<String> cmd = new ArrayList<>(List.of("kcat", "-b", broker.saslSsl(),
                "-X", "security.protocol=SASL_SSL", "-X", "sasl.mechanisms=SCRAM-SHA-512",
                "-X", "sasl.username=" + user, "-X", "sasl.password=" + password,
                "-X", "ssl.ca.location=" + broker.certs.caPem));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Test
    void kcatWithLibrdkafkasLegacyScramNonceWritesAndReads() throws Exception {
        Kcat.require();
        createTopic("kcat-scram");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            lines.append("line-").append(i).append('\n');
        }
        Kcat.Result produced = Kcat.run(kcat("alice", "alice-secret", "-P", "-t", "kcat-scram", "-p", "0"),
                lines.toString());
        assertThat(produced.exit()).as("%s", produced).isZero();
        Kcat.Result consumed = Kcat.run(kcat("alice", "alice-secret", "-C", "-t", "kcat-scram", "-p", "0",
                "-o", "beginning", "-e", "-q"), null);
        assertThat(consumed.exit()).as("%s", consumed).isZero();
        assertThat(consumed.stdout().lines().toList()).hasSize(200).startsWith("line-0").endsWith("line-199");

        Kcat.Result refused = Kcat.run(kcat("alice", "wrong-password", "-P", "-t", "kcat-scram", "-p", "0",
                "-X", "message.timeout.ms=5000"), "never\n");
        assertThat(refused.exit()).as("%s", refused).isNotZero();
        assertThat(refused.stderr()).contains("Authentication failed");
        assertThat(endOffset("kcat-scram")).isEqualTo(200);
    }

    @Test
    void kafkajsWritesAndReadsAndAWrongPasswordFails() throws Exception {
        Kafkajs.require();
        createTopic("kafkajs-scram");
        Kafkajs.Result ok = Kafkajs.saslRoundTrip(broker.saslSsl(), broker.certs.caPem, "SCRAM-SHA-512", "alice",
                "alice-secret", "kafkajs-scram", 50);
        assertThat(ok.exit()).as("%s", ok).isZero();
        assertThat(ok.output()).contains("\"value-0\"").contains("\"value-49\"");

        createTopic("kafkajs-wrong");
        Kafkajs.Result refused = Kafkajs.saslRoundTrip(broker.saslSsl(), broker.certs.caPem, "SCRAM-SHA-512",
                "alice", "wrong", "kafkajs-wrong", 5);
        assertThat(refused.exit()).as("%s", refused).isEqualTo(2);
        assertThat(refused.output()).contains("KafkaJSSASLAuthenticationError");
        assertThat(endOffset("kafkajs-wrong")).isZero();
    }
}
