package io.samsa.clients.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
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

/**
 * KIP-368 for Samsa's own clients: against a broker whose SASL sessions last {@value #LIFETIME_MS} ms
 * ({@code connections.max.reauth.ms}), a producer and a consumer working for four lifetimes renew their sessions
 * on their connections before they end. The broker's counters tell: sessions renewed, none closed for outliving
 * its lifetime — which is what happens to a client that does not re-authenticate.
 */
class ClientReauthenticationTest {
    private static final long LIFETIME_MS = 1500;
    private static SamsaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> props = new HashMap<>();
        props.put("listeners", "PLAINTEXT://127.0.0.1:0,SECURE://127.0.0.1:0");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SECURE:SASL_PLAINTEXT");
        props.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        props.put("connections.max.reauth.ms", Long.toString(LIFETIME_MS));
        broker = SamsaBroker.startEmbedded(props);
        try (SamsaAdmin admin = new SamsaAdmin("127.0.0.1:" + broker.port("PLAINTEXT"), Duration.ofSeconds(20))) {
            admin.upsertUser("alice", "SCRAM-SHA-512", "alice-secret", 4096);
            admin.createTopic(new TopicSpec("renewed", 1, (short) 1, Map.of()));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    private static Map<String, Object> alice() {
        Map<String, Object> m = new HashMap<>();
        m.put("bootstrap.servers", "127.0.0.1:" + broker.port("SECURE"));
        m.put("security.protocol", "SASL_PLAINTEXT");
        m.put("sasl.mechanism", "SCRAM-SHA-512");
        m.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"alice\" password=\"alice-secret\";");
        return m;
    }

    @Test
    void producerAndConsumerRenewTheirSessionsOnTheirConnections() throws Exception {
        int sent = 0;
        int received = 0;
        Map<String, Object> consumerConfig = alice();
        consumerConfig.put("auto.offset.reset", "earliest");
        try (SamsaProducer<String, String> producer = new SamsaProducer<>(alice(), new StringSerializer(),
                new StringSerializer());
             SamsaConsumer<String, String> consumer = new SamsaConsumer<>(consumerConfig, new StringDeserializer(),
                     new StringDeserializer())) {
            consumer.assign(List.of(new TopicPartition("renewed", 0)));
            long end = System.nanoTime() + LIFETIME_MS * 4 * 1_000_000;
            while (System.nanoTime() < end) {
                producer.send(new ProducerRecord<>("renewed", "k", "v" + sent)).get(30, TimeUnit.SECONDS);
                sent++;
                received += consumer.poll(Duration.ofMillis(50)).count();
            }
            long deadline = System.currentTimeMillis() + 30_000;
            while (received < sent && System.currentTimeMillis() < deadline) {
                received += consumer.poll(Duration.ofMillis(200)).count();
            }
        }
        assertThat(received).isEqualTo(sent);
        assertThat(broker.networkMetrics().expiredSessionsClosed()).as("sessions that ran out").isZero();
        assertThat(broker.networkMetrics().reauthentications()).as("renewed: the producer's and the consumer's")
                .isGreaterThanOrEqualTo(4);
    }
}
