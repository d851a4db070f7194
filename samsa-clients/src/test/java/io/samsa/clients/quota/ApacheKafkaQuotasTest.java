package io.samsa.clients.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.samsa.clients.admin.QuotaEntity;
import io.samsa.clients.admin.SamsaAdmin;
import io.samsa.clients.producer.SamsaProducer;
import io.samsa.testkit.ApacheKafkaBroker;

/**
 * Client quotas against a real Apache Kafka broker: SamsaAdmin's KIP-546 calls ({@link QuotaAdminContract}); and a
 * SamsaProducer under a producer_byte_rate quota, which Kafka throttles (KIP-219): held near the quota, the
 * throttle visible in produce-throttle-time-max, every record acknowledged. The broker measures quotas over 3
 * one-second windows (Kafka's default is 11) so the quota bites within the test's few seconds.
 */
class ApacheKafkaQuotasTest extends QuotaAdminContract {
    private static ApacheKafkaBroker broker;
    private static SamsaAdmin admin;

    @BeforeAll
    static void start() {
        broker = ApacheKafkaBroker.start(Map.of("quota.window.num", "3", "quota.window.size.seconds", "1"));
        admin = new SamsaAdmin(broker.bootstrapServers(), Duration.ofSeconds(20));
    }

    @Override
    String bootstrap() {
        return broker.bootstrapServers();
    }

    @Override
    SamsaAdmin admin() {
        return admin;
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
    void aProducerOverItsByteRateIsThrottledAndLosesNothing() throws Exception {
        double quota = 100_000;
        admin.alterQuotas(QuotaEntity.clientId("throttled"), Map.of("producer_byte_rate", quota), List.of());
        awaitQuotas(admin, QuotaEntity.clientId("throttled"), Map.of("producer_byte_rate", quota));
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
