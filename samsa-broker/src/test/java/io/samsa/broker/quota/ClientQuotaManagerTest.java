package io.samsa.broker.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Quota;
import org.apache.kafka.common.metrics.QuotaViolationException;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Rate;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.junit.jupiter.api.Test;

import io.samsa.metadata.ClientQuotasImage;

/**
 * The quota managers: throttle times against kafka-clients' {@link Sensor} with a {@link Quota} (the oracle; the
 * throttle formula is Kafka's {@code QuotaUtils.throttleTime}), KIP-55 precedence, and the request quota's bound.
 */
class ClientQuotaManagerTest {
    private final AtomicReference<ClientQuotasImage> image = new AtomicReference<>(ClientQuotasImage.EMPTY);

    private static ClientQuotaEntity entity(String user, String client) {
        Map<String, String> parts = new HashMap<>();
        if (user != null) {
            parts.put(ClientQuotaEntity.USER, user.equals("<default>") ? null : user);
        }
        if (client != null) {
            parts.put(ClientQuotaEntity.CLIENT_ID, client.equals("<default>") ? null : client);
        }
        return new ClientQuotaEntity(parts);
    }

    private void quotas(Object... entityUserClientValue) {
        Map<ClientQuotaEntity, Map<String, Double>> m = new HashMap<>();
        for (int i = 0; i < entityUserClientValue.length; i += 3) {
            m.put(entity((String) entityUserClientValue[i], (String) entityUserClientValue[i + 1]),
                    Map.of("producer_byte_rate", ((Number) entityUserClientValue[i + 2]).doubleValue()));
        }
        image.set(new ClientQuotasImage(m));
    }

    private ClientQuotaManager produce() {
        return new ClientQuotaManager(QuotaType.PRODUCE, QuotaConfig.DEFAULT, image::get);
    }

    @Test
    void throttleTimesMatchKafkasSensorWithAQuota() {
        quotas(null, "limited", 50_000);
        ClientQuotaManager ours = produce();
        Metrics metrics = new Metrics();
        MetricConfig config = new MetricConfig().samples(11).timeWindow(1, TimeUnit.SECONDS)
                .quota(Quota.upperBound(50_000));
        Sensor sensor = metrics.sensor("produce", config);
        Rate rate = new Rate();
        sensor.add(metrics.metricName("rate", "test"), rate);
        Random random = new Random(7);
        long now = 10_000;
        int throttledSeen = 0;
        for (int i = 0; i < 2000; i++) {
            now += random.nextInt(40);
            int bytes = random.nextInt(20_000);
            long expected = 0;
            try {
                sensor.record(bytes, now, true);
            } catch (QuotaViolationException e) {
                expected = Math.round((e.value() - e.bound()) / e.bound() * rate.windowSize(config, now));
            }
            int actual = ours.recordAndGetThrottleMs("ANONYMOUS", "limited", bytes, now);
            assertThat(actual).as("step %d", i).isEqualTo((int) expected);
            throttledSeen += actual > 0 ? 1 : 0;
        }
        assertThat(throttledSeen).as("the traffic did exceed the quota").isGreaterThan(100);
        assertThat(ours.throttledCount()).isEqualTo(throttledSeen);
        metrics.close();
    }

    @Test
    void noQuotaMeansNoThrottleAndNoRate() {
        ClientQuotaManager m = produce();
        assertThat(m.recordAndGetThrottleMs("alice", "c", 1e12, 1000)).isZero();
        assertThat(m.bucketCount()).isZero();
        assertThat(m.maxValueInQuotaWindow("alice", "c")).isEqualTo(Double.MAX_VALUE);
        quotas(null, "other", 10);
        assertThat(m.recordAndGetThrottleMs("alice", "c", 1e12, 1000)).isZero();
        assertThat(m.bucketCount()).isZero();
    }

    @Test
    void withoutQuotasARequestAllocatesNothing() {
        quotas(null, "someone-else", 1000); // quotas of another type only: this type's resolution is empty
        image.set(new ClientQuotasImage(Map.of(entity(null, "c"), Map.of("consumer_byte_rate", 1.0))));
        ClientQuotaManager m = produce();
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long throttles = 0;
        for (int i = 0; i < 20_000; i++) { // warm up (class loading, the resolution for this image)
            throttles += m.recordAndGetThrottleMs("u", "c", 100, 1000 + i);
        }
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 100_000; i++) {
            throttles += m.recordAndGetThrottleMs("u", "c", 100, 1000 + i);
            throttles += (long) Math.min(0, m.maxValueInQuotaWindow("u", "c"));
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertThat(throttles).isZero();
        assertThat(allocated).as("bytes allocated by 100,000 requests").isLessThan(1024);
    }

    @Test
    void kip55PrecedenceMostSpecificFirst() {
        List<Object[]> levels = new ArrayList<>(List.of(
                new Object[] {"u", "c", 1},
                new Object[] {"u", "<default>", 2},
                new Object[] {"u", null, 3},
                new Object[] {"<default>", "c", 4},
                new Object[] {"<default>", "<default>", 5},
                new Object[] {"<default>", null, 6},
                new Object[] {null, "c", 7},
                new Object[] {null, "<default>", 8}));
        // Remove the most specific one at a time: the next one decides.
        while (!levels.isEmpty()) {
            List<Object> flat = new ArrayList<>();
            levels.forEach(l -> flat.addAll(Arrays.asList(l)));
            quotas(flat.toArray());
            int expected = (int) levels.get(0)[2];
            double window = 10 * expected; // (windowNum - 1) × 1 s × quota
            assertThat(produce().maxValueInQuotaWindow("u", "c")).as("with level %d first", expected)
                    .isEqualTo(window);
            levels.remove(0);
        }
        quotas();
        assertThat(produce().maxValueInQuotaWindow("u", "c")).isEqualTo(Double.MAX_VALUE);
    }

    @Test
    void aUserQuotaIsSharedByAllTheUsersClientsAClientIdQuotaIsNot() {
        quotas("alice", null, 1000, null, "<default>", 1000);
        ClientQuotaManager m = produce();
        // 10 s window: 10,000 bytes is exactly the quota; alice's two clients share one rate.
        assertThat(m.recordAndGetThrottleMs("alice", "a1", 10_000, 1000)).isZero();
        assertThat(m.recordAndGetThrottleMs("alice", "a2", 10_000, 1000)).as("shared with a1").isEqualTo(10_000);
        // bob falls to /clients/<default>: each client id its own rate.
        assertThat(m.recordAndGetThrottleMs("bob", "b1", 10_000, 1000)).isZero();
        assertThat(m.recordAndGetThrottleMs("bob", "b2", 10_000, 1000)).as("a rate of its own").isZero();
    }

    @Test
    void unrecordTakesBackAValue() {
        quotas(null, "c", 1000);
        ClientQuotaManager m = produce();
        assertThat(m.recordAndGetThrottleMs("u", "c", 20_000, 1000)).isEqualTo(10_000);
        m.unrecord("u", "c", 20_000, 1000);
        assertThat(m.recordAndGetThrottleMs("u", "c", 10_000, 1000)).isZero();
    }

    @Test
    void aChangedQuotaAppliesAtOnceToTheSameRate() {
        quotas(null, "c", 1000);
        ClientQuotaManager m = produce();
        assertThat(m.recordAndGetThrottleMs("u", "c", 10_000, 1000)).isZero();
        quotas(null, "c", 500);
        assertThat(m.recordAndGetThrottleMs("u", "c", 0, 1000)).as("the rate was kept").isEqualTo(10_000);
        image.set(ClientQuotasImage.EMPTY);
        assertThat(m.recordAndGetThrottleMs("u", "c", 1e9, 1000)).isZero();
    }

    @Test
    void requestTimeThrottleIsBoundedByOneWindow() {
        image.set(new ClientQuotasImage(Map.of(entity(null, "c"), Map.of("request_percentage", 10.0))));
        ClientQuotaManager m = new ClientQuotaManager(QuotaType.REQUEST, QuotaConfig.DEFAULT, image::get);
        // 30 s of handler time in one go is far over 10 %: bounded by the 1 s window.
        assertThat(m.recordAndGetThrottleMs("u", "c", 3000.0, 1000)).isEqualTo(1000);
    }

    @Test
    void ratesOfIdleClientsAreDropped() {
        quotas(null, "<default>", 1000);
        ClientQuotaManager m = produce();
        m.recordAndGetThrottleMs("u", "idle", 1, 1000);
        m.recordAndGetThrottleMs("u", "busy", 1, 1000 + ClientQuotaManager.IDLE_EXPIRY_MS - 1);
        assertThat(m.bucketCount()).isEqualTo(2);
        m.recordAndGetThrottleMs("u", "busy", 1, 1000 + ClientQuotaManager.IDLE_EXPIRY_MS + 61_000);
        assertThat(m.bucketCount()).isEqualTo(1);
    }

    @Test
    void concurrentRecordsAreAllCounted() throws Exception {
        quotas(null, "c", 1e12);
        ClientQuotaManager m = produce();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    m.recordAndGetThrottleMs("u", "c", 1, 5000);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        // 40,000 bytes over the minimum 10 s window: exactly 4,000 bytes/s, i.e. 40,000 over the quota of 4,000/s.
        quotas(null, "c", 4_000);
        assertThat(m.recordAndGetThrottleMs("u", "c", 0, 5000)).as("no record lost").isZero();
        // 4,000 more: 4,400/s, 10 % over, throttled for 10 % of the window.
        assertThat(m.recordAndGetThrottleMs("u", "c", 4000, 5000)).isEqualTo(1000);
    }
}
