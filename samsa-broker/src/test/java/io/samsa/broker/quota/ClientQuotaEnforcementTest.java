package io.samsa.broker.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.samsa.broker.testing.BrokerProcess;
import io.samsa.broker.testing.Clients;
import io.samsa.testkit.PrometheusScrape;

/**
 * Client quotas enforced, from outside: a broker process, quotas set with stock {@code Admin.alterClientQuotas},
 * stock KafkaProducer and KafkaConsumer working flat out for 10 seconds. A client under a byte-rate quota moves
 * its quota's worth (within 20 %) in that time and sees throttle times in its responses (its own throttle metrics),
 * while another client at the same time moves far more; a quota on a user is shared by all of that user's client
 * ids (SASL_PLAINTEXT with PLAIN). One broker for the class.
 *
 * <p>What "its quota's worth" is, as in Kafka: the rate is measured over at least {@code quota.window.num - 1}
 * windows (10 s by default, and Kafka rounds up to whole windows: 10 to 11 s), so over a 10-second run a client may
 * move quota × 10 to 11 s — at once, then it is throttled — plus, for Produce, the requests it gets in while over.
 */
class ClientQuotaEnforcementTest {
    private static final int QUOTA = 512 * 1024;
    private static final Duration PHASE = Duration.ofSeconds(10);
    private static final byte[] VALUE = new byte[4096];

    private static BrokerProcess broker;
    private static int saslPort;
    private static int metricsPort;
    private static Path data;

    @BeforeAll
    static void start() throws Exception {
        data = Files.createTempDirectory("samsa-quota-test-");
        int port = BrokerProcess.freePort();
        saslPort = BrokerProcess.freePort();
        metricsPort = PrometheusScrape.freePort();
        Map<String, String> props = new HashMap<>();
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT");
        props.put("sasl.enabled.mechanisms", "PLAIN");
        props.put("listener.name.sasl_plaintext.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required user_carol=\"carol-secret\";");
        props.put("metrics.port", String.valueOf(metricsPort));
        broker = BrokerProcess.start(data, port, props);
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aProducerIsHeldToItsByteRateWhileAnotherIsNot() throws Exception {
        String topic = "produce-quota";
        createTopic(topic);
        setQuota(entity(ClientQuotaEntity.CLIENT_ID, "limited"), "producer_byte_rate", QUOTA);

        try (KafkaProducer<byte[], byte[]> limited = producer(broker.bootstrapServers(), "limited", Map.of());
                KafkaProducer<byte[], byte[]> other = producer(broker.bootstrapServers(), "unlimited", Map.of())) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            Future<Long> limitedBytes = pool.submit(() -> produceFor(limited, topic, 0));
            // The other client is paced at 8× the quota (bounded disk use); unthrottled it keeps up with that pace.
            Future<Long> otherBytes = pool.submit(() -> produceFor(other, topic, 8 * QUOTA));
            double limitedRate = limitedBytes.get() / (double) PHASE.toSeconds();
            double otherRate = otherBytes.get() / (double) PHASE.toSeconds();
            pool.shutdown();
            System.out.printf("produce: limited %.0f B/s (quota %d), unlimited %.0f B/s%n", limitedRate, QUOTA,
                    otherRate);

            assertThat(limitedRate).as("the limited producer's rate").isCloseTo(QUOTA, within(0.2 * QUOTA));
            assertThat(otherRate).as("the other producer is not slowed").isGreaterThan(4.0 * QUOTA);
            assertThat(metric(limited.metrics(), "produce-throttle-time-max")).as("throttle time in its responses")
                    .isGreaterThan(0);
            assertThat(metric(other.metrics(), "produce-throttle-time-max")).as("never throttled")
                    .isLessThanOrEqualTo(0);
        }
        assertThat(PrometheusScrape.value(metricsPort, "samsa_broker_quota_throttled_total{quota_type=\"produce\"}"))
                .isGreaterThan(0);
    }

    @Test
    void aConsumerIsHeldToItsByteRateWhileAnotherIsNot() throws Exception {
        String topic = "fetch-quota";
        createTopic(topic);
        int total = 24 * QUOTA; // more than the limited consumer may read in the phase, a few seconds for the other
        try (KafkaProducer<byte[], byte[]> fill = producer(broker.bootstrapServers(), "filler", Map.of())) {
            for (int sent = 0; sent < total; sent += VALUE.length) {
                fill.send(new ProducerRecord<>(topic, VALUE));
            }
            fill.flush();
        }
        setQuota(entity(ClientQuotaEntity.CLIENT_ID, "limited-consumer"), "consumer_byte_rate", QUOTA);

        try (KafkaConsumer<byte[], byte[]> limited = consumer("limited-consumer", topic);
                KafkaConsumer<byte[], byte[]> other = consumer("other-consumer", topic)) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            Future<Long> limitedBytes = pool.submit(consumeFor(limited));
            Future<Long> otherBytes = pool.submit(consumeFor(other));
            double limitedRate = limitedBytes.get() / (double) PHASE.toSeconds();
            long otherRead = otherBytes.get();
            pool.shutdown();
            System.out.printf("fetch: limited %.0f B/s (quota %d), other read %d of %d bytes%n", limitedRate,
                    QUOTA, otherRead, total);

            assertThat(limitedRate).as("the limited consumer's rate").isCloseTo(QUOTA, within(0.2 * QUOTA));
            assertThat(otherRead).as("the other consumer read everything (over twice the limited one's share)")
                    .isGreaterThanOrEqualTo(total);
            assertThat(metric(limited.metrics(), "fetch-throttle-time-max")).as("throttle time in its responses")
                    .isGreaterThan(0);
        }
        assertThat(PrometheusScrape.value(metricsPort, "samsa_broker_quota_throttled_total{quota_type=\"fetch\"}"))
                .isGreaterThan(0);
    }

    @Test
    void aUserQuotaIsSharedByAllTheUsersClients() throws Exception {
        String topic = "user-quota";
        createTopic(topic);
        int quota = QUOTA;
        setQuota(entity(ClientQuotaEntity.USER, "carol"), "producer_byte_rate", quota);
        String sasl = "127.0.0.1:" + saslPort;
        Map<String, Object> carol = Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"carol\" password=\"carol-secret\";");
        try (KafkaProducer<byte[], byte[]> first = producer(sasl, "carol-1", carol);
                KafkaProducer<byte[], byte[]> second = producer(sasl, "carol-2", carol)) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            Future<Long> a = pool.submit(() -> produceFor(first, topic, 0));
            Future<Long> b = pool.submit(() -> produceFor(second, topic, 0));
            double rate = (a.get() + b.get()) / (double) PHASE.toSeconds();
            pool.shutdown();
            System.out.printf("user quota: carol's two clients together %.0f B/s (quota %d)%n", rate, quota);
            assertThat(rate).as("carol's clients together").isCloseTo(quota, within(0.2 * quota));
        }
    }

    // ---- helpers

    private static ClientQuotaEntity entity(String type, String name) {
        return new ClientQuotaEntity(Map.of(type, name));
    }

    private static void setQuota(ClientQuotaEntity entity, String key, double value) throws Exception {
        try (Admin admin = Clients.admin(broker.bootstrapServers())) {
            admin.alterClientQuotas(List.of(new ClientQuotaAlteration(entity,
                    List.of(new ClientQuotaAlteration.Op(key, value))))).all().get();
            assertThat(admin.describeClientQuotas(ClientQuotaFilter.all()).entities().get().get(entity))
                    .containsEntry(key, value);
        }
    }

    private static void createTopic(String topic) throws Exception {
        try (Admin admin = Clients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap, String clientId,
                                                          Map<String, Object> extra) {
        Map<String, Object> p = new HashMap<>(extra);
        p.put("client.id", clientId);
        p.put("acks", "1");
        p.put("linger.ms", "0");
        // One 4 KiB record per request: a throttled client overshoots by the requests it gets in while over its
        // quota (each is appended, then throttled longer), so the smaller they are, the closer it stays.
        p.put("batch.size", String.valueOf(8 * 1024));
        // A small buffer: a throttled producer's send() blocks briefly instead of piling up the whole phase.
        p.put("buffer.memory", String.valueOf(256 * 1024));
        p.put("max.block.ms", "200");
        return Clients.producer(bootstrap, p);
    }

    /**
     * Sends for one phase, flat out or at {@code pace} bytes/s; returns the value bytes acknowledged within the
     * phase.
     */
    private static long produceFor(KafkaProducer<byte[], byte[]> producer, String topic, long pace) {
        producer.partitionsFor(topic); // metadata first: the phase measures producing only
        AtomicLong acked = new AtomicLong();
        long start = System.nanoTime();
        long end = start + PHASE.toNanos();
        long sent = 0;
        while (System.nanoTime() < end) {
            if (pace > 0 && sent > pace * (System.nanoTime() - start) / 1e9) {
                Thread.onSpinWait();
                continue;
            }
            try {
                producer.send(new ProducerRecord<>(topic, VALUE), (md, e) -> {
                    if (e == null && System.nanoTime() <= end) {
                        acked.addAndGet(VALUE.length);
                    }
                });
                sent += VALUE.length;
            } catch (org.apache.kafka.common.errors.TimeoutException full) {
                // the buffer is full while the producer is throttled: try again
            }
        }
        return acked.get();
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String clientId, String topic) {
        KafkaConsumer<byte[], byte[]> c = Clients.consumer(broker.bootstrapServers(), Map.of(
                "client.id", clientId,
                "max.partition.fetch.bytes", String.valueOf(64 * 1024)));
        TopicPartition tp = new TopicPartition(topic, 0);
        c.assign(List.of(tp));
        c.seek(tp, 0);
        return c;
    }

    /** Polls for one phase; returns the value bytes received within it. */
    private static Callable<Long> consumeFor(KafkaConsumer<byte[], byte[]> consumer) {
        return () -> {
            long start = System.nanoTime();
            long end = start + PHASE.toNanos();
            long received = 0;
            while (System.nanoTime() < end) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (System.nanoTime() <= end) {
                        received += r.value().length;
                    }
                }
            }
            return received;
        };
    }

    private static double metric(Map<MetricName, ? extends Metric> metrics, String name) {
        List<Double> values = new ArrayList<>();
        metrics.forEach((n, m) -> {
            if (n.name().equals(name)) {
                Object v = m.metricValue();
                if (v instanceof Double d && !d.isNaN()) {
                    values.add(d);
                }
            }
        });
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }
}
