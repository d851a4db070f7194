package io.samsa.clients.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.samsa.broker.SamsaBroker;
import io.samsa.clients.admin.SamsaAdmin;
import io.samsa.clients.admin.TopicSpec;
import io.samsa.clients.consumer.SamsaConsumer;
import io.samsa.clients.producer.SamsaProducer;
import io.samsa.testkit.TestCertificates;

/**
 * Samsa's producer, consumer and admin with Kafka's client security settings against a broker with three listeners:
 * PLAINTEXT (to set up users and check what was written), SASL_SSL with SCRAM-SHA-512, and SSL requiring a client
 * certificate. A wrong password or a missing certificate must reach the caller as Kafka's authentication exception
 * (never a retry until the timeout, which would surface as a TimeoutException), with nothing written.
 */
class SecureClientsTest {
    private static final TestCertificates CERTS = TestCertificates.shared();
    private static final String SCRAM = "org.apache.kafka.common.security.scram.ScramLoginModule";

    private static SamsaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> props = new HashMap<>(CERTS.serverConfigs());
        props.put("listeners", "PLAINTEXT://127.0.0.1:0,SECURE://127.0.0.1:0,MTLS://127.0.0.1:0");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SECURE:SASL_SSL,MTLS:SSL");
        props.put("listener.name.mtls.ssl.client.auth", "required");
        props.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        broker = SamsaBroker.startEmbedded(props);
        try (SamsaAdmin admin = new SamsaAdmin(plaintext(), Duration.ofSeconds(20))) {
            admin.upsertUser("alice", "SCRAM-SHA-512", "alice-secret", 4096);
            admin.createTopic(new TopicSpec("secure", 2, (short) 1, Map.of()));
            admin.createTopic(new TopicSpec("refused", 1, (short) 1, Map.of()));
            admin.createTopic(new TopicSpec("pem", 1, (short) 1, Map.of()));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void producerAndConsumerRoundTripOverSaslSslWithScram() throws Exception {
        try (SamsaProducer<String, String> producer = new SamsaProducer<>(producerConfig(sasl("alice-secret")),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("secure", i % 2, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
            }
        }
        Map<String, Object> c = sasl("alice-secret");
        c.put("group.id", "secure-readers");
        c.put("auto.offset.reset", "earliest");
        List<String> values = new ArrayList<>();
        try (SamsaConsumer<String, String> consumer = new SamsaConsumer<>(c, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of("secure"));
            long deadline = System.currentTimeMillis() + 30_000;
            while (values.size() < 10 && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
            consumer.commitSync();
        }
        assertThat(values).containsExactlyInAnyOrder("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");
    }

    @Test
    void aWrongPasswordFailsEachClientWithAnAuthenticationErrorAndWritesNothing() throws Exception {
        Map<String, Object> p = producerConfig(sasl("not-her-password"));
        // If the failure were retried, the send would fail only after max.block.ms, with a TimeoutException.
        p.put("max.block.ms", "120000");
        try (SamsaProducer<String, String> producer = new SamsaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            Future<RecordMetadata> sent = producer.send(new ProducerRecord<>("refused", "k", "v"));
            assertThatThrownBy(() -> sent.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(SaslAuthenticationException.class)
                    .hasMessageContaining("SCRAM-SHA-512");
            producer.flush();
        }

        Map<String, Object> c = sasl("not-her-password");
        c.put("group.id", "refused-readers");
        try (SamsaConsumer<String, String> consumer = new SamsaConsumer<>(c, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of("refused"));
            assertThatThrownBy(() -> {
                long deadline = System.currentTimeMillis() + 60_000;
                while (System.currentTimeMillis() < deadline) {
                    consumer.poll(Duration.ofSeconds(1));
                }
            }).isInstanceOf(SaslAuthenticationException.class);
        }

        Map<String, Object> a = sasl("not-her-password");
        a.put("default.api.timeout.ms", "15000");
        try (SamsaAdmin admin = SamsaAdmin.create(a)) {
            assertThatThrownBy(admin::listTopics).isInstanceOf(SaslAuthenticationException.class);
        }

        try (SamsaAdmin admin = new SamsaAdmin(plaintext(), Duration.ofSeconds(20))) {
            assertThat(admin.describeTopic("refused").partitions().get(0).logEndOffset()).as("nothing written")
                    .isZero();
        }
    }

    @Test
    void adminOverMutualTls() {
        Map<String, Object> a = new HashMap<>(CERTS.mutualClientConfigs());
        a.put("bootstrap.servers", "127.0.0.1:" + broker.port("MTLS"));
        a.put("security.protocol", "SSL");
        try (SamsaAdmin admin = SamsaAdmin.create(a)) {
            assertThat(admin.listTopics()).contains("secure", "refused");
        }
        // the same listener refuses a client without a certificate: an authentication error, not a timeout
        Map<String, Object> noCert = new HashMap<>(CERTS.clientConfigs());
        noCert.put("bootstrap.servers", "127.0.0.1:" + broker.port("MTLS"));
        noCert.put("security.protocol", "SSL");
        noCert.put("default.api.timeout.ms", "15000");
        try (SamsaAdmin admin = SamsaAdmin.create(noCert)) {
            assertThatThrownBy(admin::listTopics).isInstanceOf(SslAuthenticationException.class);
        }
    }

    @Test
    void aProducerWithTheTruststoreAsPemReachesTheSaslSslListener() throws Exception {
        Map<String, Object> p = producerConfig(sasl("alice-secret"));
        p.remove("ssl.truststore.location");
        p.remove("ssl.truststore.password");
        p.put("ssl.truststore.type", "PEM");
        p.put("ssl.truststore.certificates", java.nio.file.Files.readString(CERTS.caPem));
        try (SamsaProducer<String, String> producer = new SamsaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            RecordMetadata m = producer.send(new ProducerRecord<>("pem", 0, "k", "v")).get(30, TimeUnit.SECONDS);
            assertThat(new TopicPartition(m.topic(), m.partition())).isEqualTo(new TopicPartition("pem", 0));
        }
    }

    private static String plaintext() {
        return "127.0.0.1:" + broker.port("PLAINTEXT");
    }

    private static Map<String, Object> sasl(String password) {
        Map<String, Object> m = new HashMap<>(CERTS.clientConfigs());
        m.put("bootstrap.servers", "127.0.0.1:" + broker.port("SECURE"));
        m.put("security.protocol", "SASL_SSL");
        m.put("sasl.mechanism", "SCRAM-SHA-512");
        m.put("sasl.jaas.config", SCRAM + " required username=\"alice\" password=\"" + password + "\";");
        return m;
    }

    private static Map<String, Object> producerConfig(Map<String, Object> security) {
        Map<String, Object> p = new HashMap<>(security);
        p.put("acks", "all");
        return p;
    }
}
