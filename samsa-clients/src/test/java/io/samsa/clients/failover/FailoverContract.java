package io.samsa.clients.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.samsa.clients.admin.SamsaAdmin;
import io.samsa.clients.admin.TopicDescription;
import io.samsa.clients.admin.TopicSpec;
import io.samsa.clients.consumer.SamsaConsumer;
import io.samsa.clients.producer.SamsaProducer;
import io.samsa.testkit.ClusterUnderTest;

/**
 * Samsa's clients across leader changes in a 3-node cluster: leaders are killed (SIGKILL) and restarted while
 * the clients work. Runs against any {@link ClusterUnderTest}: Apache Kafka as the reference
 * ({@code ApacheKafkaFailoverTest}); a Samsa cluster subclass only has to provide {@link #cluster()}. Every test
 * leaves all nodes running. Topics: RF 3, {@code min.insync.replicas} 2. Each client's bootstrap list starts
 * with an address nobody listens on.
 */
public abstract class FailoverContract {
    private static final long WAIT_MS = 90_000;
    private static final AtomicInteger TOPICS = new AtomicInteger();

    /** The running cluster (one per test class: start-up is slow). */
    protected abstract ClusterUnderTest cluster();

    /** A bootstrap list with a dead address first, then every node. */
    protected String bootstrapWithADeadServer() {
        return "127.0.0.1:1," + cluster().bootstrapServers();
    }

    @Test
    void adminCreatesAndDescribesTopicsAcrossALeaderKill() throws Exception {
        String topic = newTopic("admin");
        try (SamsaAdmin admin = new SamsaAdmin(bootstrapWithADeadServer(), Duration.ofSeconds(30))) {
            admin.createTopic(new TopicSpec(topic, 3, (short) 3, Map.of("min.insync.replicas", "2")));
            awaitFullIsr(topic);
            TopicDescription d = admin.describeTopic(topic);
            assertThat(d.partitions()).hasSize(3);
            for (TopicDescription.Partition p : d.partitions()) {
                assertThat(p.replicas()).hasSize(3);
                assertThat(p.isr()).hasSize(3);
                assertThat(p.leader()).isIn(cluster().nodeIds());
                assertThat(p.logEndOffset()).isEqualTo(0L);
            }
            int leader = cluster().leaderOf(topic, 0);
            cluster().kill(leader);
            try {
                // Described again while the leader is gone: retried until a new leader answers the offsets.
                awaitCondition("partition 0 described with a new leader", () -> {
                    TopicDescription.Partition p = admin.describeTopic(topic).partitions().get(0);
                    return p.leader() >= 0 && p.leader() != leader && p.logEndOffset() == 0L;
                });
                assertThat(admin.listTopics()).contains(topic);
            } finally {
                cluster().restart(leader);
            }
            awaitFullIsr(topic);
        }
    }

    @Test
    void idempotentProducerKeepsEveryAcknowledgedRecordOnceInOrderAcrossLeaderKills() throws Exception {
        String topic = newTopic("produce");
        int partitions = 2;
        createTopic(topic, partitions);
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", bootstrapWithADeadServer());
        props.setProperty("enable.idempotence", "true");
        props.setProperty("acks", "all");
        props.setProperty("max.in.flight.requests.per.connection", "5");
        props.setProperty("linger.ms", "2");
        props.setProperty("batch.size", "2048");
        props.setProperty("delivery.timeout.ms", "120000");
        props.setProperty("request.timeout.ms", "10000");
        props.setProperty("retry.backoff.ms", "50");
        Map<Integer, List<String>> sent = new ConcurrentHashMap<>();
        Map<Integer, List<String>> acked = new ConcurrentHashMap<>();
        Map<Integer, List<Long>> ackedOffsets = new ConcurrentHashMap<>();
        for (int p = 0; p < partitions; p++) {
            sent.put(p, Collections.synchronizedList(new ArrayList<>()));
            acked.put(p, Collections.synchronizedList(new ArrayList<>()));
            ackedOffsets.put(p, Collections.synchronizedList(new ArrayList<>()));
        }
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicInteger ackCount = new AtomicInteger();
        Semaphore window = new Semaphore(500); // bounded: the writer never runs far ahead of the acknowledgements
        volatileStop = false;
        try (SamsaProducer<String, String> producer =
                     new SamsaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            Thread writer = new Thread(() -> {
                int i = 0;
                try {
                    while (!volatileStop) {
                        if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                            continue;
                        }
                        int p = i % partitions;
                        String value = p + "-" + (i / partitions);
                        sent.get(p).add(value);
                        producer.send(new ProducerRecord<>(topic, p, null, value), (md, e) -> {
                            window.release();
                            if (e != null) {
                                failure.compareAndSet(null, e);
                                return;
                            }
                            synchronized (acked) {
                                acked.get(md.partition()).add(value);
                                ackedOffsets.get(md.partition()).add(md.offset());
                            }
                            ackCount.incrementAndGet();
                        });
                        i++;
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }, "failover-writer");
            writer.start();
            try {
                for (int round = 0; round < 2; round++) {
                    int before = ackCount.get();
                    awaitCondition("records acknowledged before kill " + round, () -> ackCount.get() >= before + 300
                            || failure.get() != null);
                    int leader = cluster().leaderOf(topic, round % partitions);
                    long t0 = System.currentTimeMillis();
                    cluster().kill(leader);
                    step("round " + round + ": killed node " + leader, t0);
                    int atKill0 = ackedFor(acked, 0);
                    int atKill1 = ackedFor(acked, 1);
                    try {
                        awaitCondition("records acknowledged by the new leader of partition " + round % partitions,
                                () -> ackedFor(acked, 0) >= atKill0 + 200 && ackedFor(acked, 1) >= atKill1 + 200
                                        || failure.get() != null);
                        step("round " + round + ": acknowledged again on both partitions", t0);
                    } finally {
                        cluster().restart(leader);
                        step("round " + round + ": restarted node " + leader, t0);
                    }
                    awaitFullIsr(topic);
                    step("round " + round + ": ISRs full again", t0);
                    assertThat(failure.get()).as("a send failed").isNull();
                }
            } finally {
                volatileStop = true;
                writer.join(10_000);
            }
            producer.flush();
        }
        assertThat(failure.get()).as("a send failed").isNull();
        Map<Integer, List<String>> log = readAll(topic, partitions);
        for (int p = 0; p < partitions; p++) {
            List<String> ackedP = acked.get(p);
            assertThat(ackedP).as("acknowledged on partition " + p).hasSizeGreaterThan(400);
            assertThat(new HashSet<>(log.get(p))).as("no duplicates in partition " + p).hasSize(log.get(p).size());
            // Every send succeeded, so the log holds exactly what was sent, in the order it was sent.
            assertSameSequence(log.get(p), sent.get(p), "partition " + p + " against what was sent");
            assertSameSequence(log.get(p), ackedP, "partition " + p + " against the acknowledgement order");
            List<Long> offsets = ackedOffsets.get(p);
            for (int i = 1; i < offsets.size(); i++) {
                assertThat(offsets.get(i)).as("acknowledged offsets increase").isGreaterThan(offsets.get(i - 1));
            }
        }
    }

    @Test
    void groupConsumerKeepsItsCommittedProgressAcrossALeaderKill() throws Exception {
        String topic = newTopic("group");
        int partitions = 2;
        int perHalf = 1000;
        createTopic(topic, partitions);
        produceWithStockProducer(topic, partitions, 0, perHalf);
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", bootstrapWithADeadServer());
        props.setProperty("group.id", "failover-" + topic);
        props.setProperty("auto.offset.reset", "earliest");
        props.setProperty("enable.auto.commit", "false");
        props.setProperty("max.poll.records", "100");
        props.setProperty("request.timeout.ms", "10000");
        Map<String, Integer> seen = new HashMap<>();
        Map<Integer, Long> lastOffset = new HashMap<>();
        int rereads = 0;
        try (SamsaConsumer<String, String> consumer =
                     new SamsaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            rereads += pollUntil(consumer, seen, lastOffset, perHalf);
            int leader = cluster().leaderOf(topic, 0);
            cluster().kill(leader);
            try {
                produceWithStockProducer(topic, partitions, perHalf, perHalf);
                rereads += pollUntil(consumer, seen, lastOffset, 2 * perHalf);
            } finally {
                cluster().restart(leader);
            }
        }
        assertThat(seen).hasSize(2 * perHalf);
        // At least once: a record is read again only if a commit before it failed (coordinator moved).
        assertThat(rereads).as("records read again").isLessThanOrEqualTo(200);
        try (Admin admin = stockAdmin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("failover-" + topic)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            long total = committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
            assertThat(total).as("committed progress").isEqualTo(2L * perHalf);
        }
        awaitFullIsr(topic);
    }

    // ---- helpers ----

    /**
     * {@code actual} equals {@code expected}, element by element; a failure shows where they part. Linear: the fast
     * writer leaves hundreds of thousands of records per partition, and AssertJ's containsExactly compares such lists
     * in quadratic time (minutes).
     */
    private static void assertSameSequence(List<String> actual, List<String> expected, String what) {
        int n = Math.min(actual.size(), expected.size());
        int first = 0;
        while (first < n && actual.get(first).equals(expected.get(first))) {
            first++;
        }
        if (first < n || actual.size() != expected.size()) {
            throw new AssertionError(what + ": " + actual.size() + " records, expected " + expected.size()
                    + "; first difference at index " + first + ": " + window(actual, first) + " vs expected "
                    + window(expected, first));
        }
    }

    private static List<String> window(List<String> list, int at) {
        return list.subList(Math.min(at, list.size()), Math.min(at + 5, list.size()));
    }

    private volatile boolean volatileStop;

    /** Polls and commits until {@code seen} holds {@code target} distinct values; returns how many were re-read. */
    private static int pollUntil(SamsaConsumer<String, String> consumer, Map<String, Integer> seen,
                                 Map<Integer, Long> lastOffset, int target) {
        int rereads = 0;
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (seen.size() < target) {
            assertThat(System.currentTimeMillis()).as("consumed " + seen.size() + " of " + target).isLessThan(deadline);
            ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
            for (ConsumerRecord<String, String> r : records) {
                if (seen.merge(r.value(), 1, Integer::sum) > 1) {
                    rereads++;
                }
                Long last = lastOffset.put(r.partition(), r.offset());
                assertThat(last == null || r.offset() > last || seen.get(r.value()) > 1)
                        .as("offsets move forward in partition " + r.partition()).isTrue();
            }
            if (!records.isEmpty()) {
                try {
                    consumer.commitSync(Duration.ofSeconds(30));
                } catch (RuntimeException e) {
                    // retriable commit failures while the coordinator moves: the next commit covers them
                }
            }
        }
        return rereads;
    }

    /** Progress on the console: where a slow run spends its time. */
    private static void step(String what, long sinceMs) {
        System.out.println("[failover] " + what + " after " + (System.currentTimeMillis() - sinceMs) + " ms");
    }

    private static int ackedFor(Map<Integer, List<String>> acked, int partition) {
        synchronized (acked) {
            return acked.get(partition).size();
        }
    }

    private static String newTopic(String prefix) {
        return "failover-" + prefix + "-" + System.nanoTime() % 100000 + "-" + TOPICS.incrementAndGet();
    }

    private Admin stockAdmin() {
        Properties props = new Properties();
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster().bootstrapServers());
        props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return Admin.create(props);
    }

    /** Creates an RF 3, min.insync.replicas 2 topic with the stock admin and waits until its ISRs are full. */
    private void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = stockAdmin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 3)
                    .configs(Map.of("min.insync.replicas", "2")))).all().get(30, TimeUnit.SECONDS);
        }
        awaitFullIsr(topic);
    }

    /**
     * Waits until every node's own metadata knows {@code topic} and every partition has a leader and all three
     * replicas in its ISR. A new topic's ISR is full from the start, but each broker learns the topic at its own
     * pace (in Kafka too), and the next call may go to any of them.
     */
    protected void awaitFullIsr(String topic) throws Exception {
        for (int node : cluster().nodeIds()) {
            awaitCondition("node " + node + " knows " + topic, () -> {
                // A fresh admin bootstrapped at one node asks that node.
                try (SamsaAdmin one = new SamsaAdmin(cluster().address(node), Duration.ofSeconds(10))) {
                    return one.topicExists(topic);
                } catch (RuntimeException e) {
                    return false;
                }
            });
        }
        try (Admin admin = stockAdmin()) {
            awaitCondition("full ISRs for " + topic, () -> {
                try {
                    return admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic)
                            .partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()
                                    && p.isr().size() == 3);
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    private void produceWithStockProducer(String topic, int partitions, int from, int count) throws Exception {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", cluster().bootstrapServers());
        p.setProperty("acks", "all");
        p.setProperty("enable.idempotence", "true");
        p.setProperty("delivery.timeout.ms", "120000");
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
            for (int i = from; i < from + count; i++) {
                futures.add(producer.send(new ProducerRecord<>(topic, i % partitions, null, "v" + i)));
            }
            for (java.util.concurrent.Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        }
    }

    /** Every record of the topic, per partition in offset order, read with a stock KafkaConsumer. */
    private Map<Integer, List<String>> readAll(String topic, int partitions) throws Exception {
        Map<TopicPartition, Long> ends;
        try (Admin admin = stockAdmin()) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            ends = new HashMap<>();
            admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, r) -> ends.put(tp, r.offset()));
        }
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", cluster().bootstrapServers());
        Map<Integer, List<String>> out = new HashMap<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(ends.keySet());
            consumer.seekToBeginning(ends.keySet());
            Set<TopicPartition> done = new HashSet<>();
            long deadline = System.currentTimeMillis() + WAIT_MS;
            while (done.size() < ends.size()) {
                assertThat(System.currentTimeMillis()).as("read everything back").isLessThan(deadline);
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    out.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(r.value());
                }
                for (TopicPartition tp : ends.keySet()) {
                    if (consumer.position(tp) >= ends.get(tp)) {
                        done.add(tp);
                    }
                }
            }
        }
        for (int p = 0; p < partitions; p++) {
            out.putIfAbsent(p, List.of());
        }
        return out;
    }

    /** Polls {@code condition} until it holds, failing after a bounded wait. */
    protected static void awaitCondition(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
