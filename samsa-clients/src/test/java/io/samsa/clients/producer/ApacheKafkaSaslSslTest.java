package io.samsa.clients.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.samsa.clients.consumer.SamsaConsumer;
import io.samsa.testkit.ApacheKafkaBroker;
import io.samsa.testkit.TestCertificates;

/**
 * Samsa's producer and consumer against a real Apache Kafka broker's SASL_SSL listener with SCRAM-SHA-512 (the user
 * made with stock Admin over the PLAINTEXT listener): Kafka checks the SCRAM exchange strictly (RFC 5802), so this is
 * the test of our client side of it, and of a wrong password surfacing as Kafka's own exception with nothing written.
 */
class ApacheKafkaSaslSslTest {
    private static final TestCertificates CERTS = TestCertificates.shared();
    private static final String TOPIC = "sasl-ssl";
    private static ApacheKafkaBroker broker;
    private static int securePort;

    @BeforeAll
    static void start() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            securePort = s.getLocalPort();
        }
        Map<String, String> extra = new HashMap<>(CERTS.serverConfigs());
        extra.put("listeners", "SECURE://127.0.0.1:" + securePort);
        extra.put("advertised.listeners", "SECURE://127.0.0.1:" + securePort);
        extra.put("listener.security.protocol.map", "SECURE:SASL_SSL");
        extra.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        extra.put("listener.name.secure.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        broker = ApacheKafkaBroker.start(extra);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("alice",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "alice-secret")))
                    .all().get(60, TimeUnit.SECONDS);
            long deadline = System.currentTimeMillis() + 60_000;
            while (admin.describeUserScramCredentials(List.of("alice")).all().get(60, TimeUnit.SECONDS).isEmpty()
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
        }
        broker.createTopic(TOPIC, 1);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void roundTripWithTheRightPasswordAndAnAuthenticationErrorWithAWrongOne() throws Exception {
        try (SamsaProducer<String, String> producer = new SamsaProducer<>(sasl("alice-secret"),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(TOPIC, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
            }
        }
        Map<String, Object> p = sasl("wrong");
        p.put("max.block.ms", "120000"); // a retried failure would end in a TimeoutException after this
        try (SamsaProducer<String, String> producer = new SamsaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            Future<RecordMetadata> sent = producer.send(new ProducerRecord<>(TOPIC, "x", "never"));
            assertThatThrownBy(() -> sent.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(SaslAuthenticationException.class)
                    .hasMessageContaining("SCRAM-SHA-512");
        }
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        List<String> values = new ArrayList<>();
        try (SamsaConsumer<String, String> consumer = new SamsaConsumer<>(sasl("alice-secret"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.currentTimeMillis() + 30_000;
            while (values.size() < 5 && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
            assertThat(consumer.endOffsets(List.of(tp))).as("nothing written with the wrong password")
                    .containsEntry(tp, 5L);
        }
        assertThat(values).containsExactly("v0", "v1", "v2", "v3", "v4");
    }

    private static Map<String, Object> sasl(String password) {
        Map<String, Object> m = new HashMap<>(CERTS.clientConfigs());
        m.put("bootstrap.servers", "127.0.0.1:" + securePort);
        m.put("security.protocol", "SASL_SSL");
        m.put("sasl.mechanism", "SCRAM-SHA-512");
        m.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"alice\" password=\"" + password + "\";");
        return m;
    }
}
