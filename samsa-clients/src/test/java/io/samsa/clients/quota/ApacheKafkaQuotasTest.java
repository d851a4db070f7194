package io.samsa.clients.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.samsa.clients.admin.QuotaEntity;
import io.samsa.clients.admin.SamsaAdmin;
import io.samsa.clients.producer.SamsaProducer;
import io.samsa.testkit.ApacheKafkaBroker;

/**
 * Client quotas against a real Apache Kafka broker: SamsaAdmin's KIP-546 calls, checked with stock Admin; and a
 * SamsaProducer under a producer_byte_rate quota, which Kafka throttles (KIP-219): held near the quota, the
 * throttle visible in produce-throttle-time-max, every record acknowledged. The broker measures quotas over 3
 * one-second windows (Kafka's default is 11) so the quota bites within the test's few seconds.
 */
class ApacheKafkaQuotasTest {
    private static ApacheKafkaBroker broker;
    private static SamsaAdmin admin;

    @BeforeAll
    static void start() {
        broker = ApacheKafkaBroker.start(Map.of("quota.window.num", "3", "quota.window.size.seconds", "1"));
        admin = new SamsaAdmin(broker.bootstrapServers(), Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void setsListsAndRemovesQuotasAsKafkasAdminSeesThem() throws Exception {
        QuotaEntity limited = QuotaEntity.clientId("limited");
        QuotaEntity aliceApp = QuotaEntity.user("alice").and(QuotaEntity.defaultClientId());
        admin.alterQuotas(limited, Map.of("producer_byte_rate", 1048576.0, "consumer_byte_rate", 2097152.0),
                List.of());
        admin.alterQuotas(aliceApp, Map.of("request_percentage", 12.5), List.of());
        admin.alterQuotas(QuotaEntity.defaultUser(), Map.of("producer_byte_rate", 5e6), List.of());

        Map<QuotaEntity, Map<String, Double>> all = admin.listQuotas();
        assertThat(all).containsEntry(limited, Map.of("consumer_byte_rate", 2097152.0,
                        "producer_byte_rate", 1048576.0))
                .containsEntry(aliceApp, Map.of("request_percentage", 12.5))
                .containsEntry(QuotaEntity.defaultUser(), Map.of("producer_byte_rate", 5e6));
        assertThat(admin.describeQuotas(QuotaEntity.user("alice"))).as("strict: alice alone has none").isEmpty();
        assertThat(admin.describeQuotas(aliceApp)).isEqualTo(Map.of("request_percentage", 12.5));
        assertThat(aliceApp.toString()).isEqualTo("client-id=<default>, user=alice");

        try (Admin kafka = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()))) {
            Map<ClientQuotaEntity, Map<String, Double>> seen = kafka.describeClientQuotas(ClientQuotaFilter.all())
                    .entities().get(20, TimeUnit.SECONDS);
            assertThat(seen.get(new ClientQuotaEntity(Map.of("client-id", "limited"))))
                    .containsEntry("producer_byte_rate", 1048576.0);
            Map<String, String> parts = new HashMap<>();
            parts.put("user", "alice");
            parts.put("client-id", null);
            assertThat(seen.get(new ClientQuotaEntity(parts))).isEqualTo(Map.of("request_percentage", 12.5));

            // removing a key that is not set (request_percentage) is no error, as with Kafka
            admin.alterQuotas(limited, Map.of(), List.of("consumer_byte_rate", "request_percentage"));
            assertThat(admin.describeQuotas(limited)).isEqualTo(Map.of("producer_byte_rate", 1048576.0));
            assertThatThrownBy(() -> admin.alterQuotas(limited, Map.of("bytes_per_fortnight", 1.0), List.of()))
                    .isInstanceOf(InvalidRequestException.class);

            admin.alterQuotas(limited, Map.of(), List.of("producer_byte_rate"));
            admin.alterQuotas(aliceApp, Map.of(), List.of("request_percentage"));
            admin.alterQuotas(QuotaEntity.defaultUser(), Map.of(), List.of("producer_byte_rate"));
            assertThat(admin.listQuotas()).isEmpty();
            assertThat(kafka.describeClientQuotas(ClientQuotaFilter.all()).entities().get(20, TimeUnit.SECONDS))
                    .isEmpty();
        }
    }

    @Test
    void aProducerOverItsByteRateIsThrottledAndLosesNothing() throws Exception {
        double quota = 100_000;
        admin.alterQuotas(QuotaEntity.clientId("throttled"), Map.of("producer_byte_rate", quota), List.of());
        broker.createTopic("quota-bound", 1);
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", broker.bootstrapServers());
        p.setProperty("client.id", "throttled");
        p.setProperty("buffer.memory", "131072"); // sends block instead of queueing the whole phase's records
        p.setProperty("linger.ms", "5");
        byte[] value = new byte[1000];
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long sent = 0;
        long phaseMs = 6000;
        try (SamsaProducer<byte[], byte[]> producer =
                     new SamsaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            long started = System.currentTimeMillis();
            while (System.currentTimeMillis() - started < phaseMs) {
                producer.send(new ProducerRecord<>("quota-bound", value), (md, e) -> {
                    if (e == null) {
                        acked.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                });
                sent++;
            }
            long ackedInPhase = acked.get();
            producer.flush();
            System.out.printf("[quotas] %d bytes acknowledged in %d ms under %.0f B/s; produce-throttle-time"
                    + " avg %.0f ms, max %.0f ms%n", ackedInPhase * 1000, phaseMs, quota,
                    metric(producer, "produce-throttle-time-avg"), metric(producer, "produce-throttle-time-max"));
            assertThat(failed.get()).as("no send failed or timed out").isZero();
            assertThat(acked.get()).as("every send acknowledged").isEqualTo(sent);
            // Kafka lets a client burst over the quota for its measuring window (3 s here), then holds it there;
            // unthrottled, this loop would send tens of megabytes over loopback.
            double allowedBytes = quota * (phaseMs / 1000.0 + 3) * 1.5;
            assertThat(ackedInPhase * 1000.0).as("bytes acknowledged in %d ms under a %.0f B/s quota", phaseMs,
                    quota).isLessThan(allowedBytes);
            assertThat(metric(producer, "produce-throttle-time-max")).as("throttle seen").isGreaterThan(0);
            assertThat(metric(producer, "produce-throttle-time-avg")).isGreaterThan(0);
        } finally {
            admin.alterQuotas(QuotaEntity.clientId("throttled"), Map.of(), List.of("producer_byte_rate"));
        }
    }

    private static double metric(SamsaProducer<?, ?> producer, String name) {
        for (Map.Entry<MetricName, ? extends Metric> e : producer.metrics().entrySet()) {
            if (e.getKey().name().equals(name) && e.getKey().group().equals("producer-metrics")) {
                return ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        throw new AssertionError("no metric " + name);
    }
}
