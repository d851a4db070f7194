package io.samsa.broker.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

import io.samsa.broker.testing.Clients;

/** What the cluster tests ask of a running cluster, through stock kafka-clients only. */
final class ClusterFixtures {
    /** Bound on how long the cluster may take to settle: a liveness limit, not a speed assertion. */
    static final long SETTLE_MS = 60_000;

    private ClusterFixtures() {
    }

    /**
     * A stock Admin with short timeouts: a frozen node (SIGSTOP) still accepts connections but never answers, and
     * a call must move on to another node rather than wait out the default 30 s.
     */
    static Admin admin(String bootstrap) {
        return Admin.create(Map.of("bootstrap.servers", bootstrap, "request.timeout.ms", "3000",
                "default.api.timeout.ms", "10000", "retry.backoff.ms", "100"));
    }

    static TopicDescription describe(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    }

    /** The current leader of a partition as metadata reports it (-1: none). */
    static int leaderOf(Admin admin, String topic, int partition) throws Exception {
        TopicPartitionInfo p = describe(admin, topic).partitions().get(partition);
        return p.leader() == null ? -1 : p.leader().id();
    }

    /** Waits until every partition of the topic has a leader and {@code isrSize} in-sync replicas. */
    static void awaitIsr(Admin admin, String topic, int isrSize) throws Exception {
        awaitCondition("every partition of " + topic + " has a leader and " + isrSize + " in-sync replicas", () -> {
            try {
                for (TopicPartitionInfo p : describe(admin, topic).partitions()) {
                    if (p.leader() == null || p.isr().size() != isrSize) {
                        return false;
                    }
                }
                return true;
            } catch (Exception e) {
                return false;
            }
        });
    }

    static void awaitCondition(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + SETTLE_MS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("not within " + SETTLE_MS + " ms: " + what);
            }
            Thread.sleep(100);
        }
    }

    /** Reads every partition of the topic from the start to its end offset; value → (partition, offset) list. */
    static Map<String, List<long[]>> readAll(String bootstrap, String topic, int partitions) throws Exception {
        Set<TopicPartition> tps = new java.util.HashSet<>();
        for (int p = 0; p < partitions; p++) {
            tps.add(new TopicPartition(topic, p));
        }
        Map<TopicPartition, Long> ends = Clients.endOffsets(bootstrap, tps);
        Map<String, List<long[]>> found = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap)) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = System.currentTimeMillis() + SETTLE_MS;
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end " + ends);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    found.computeIfAbsent(new String(r.value(), StandardCharsets.UTF_8), v -> new ArrayList<>())
                            .add(new long[] {r.partition(), r.offset()});
                }
            }
        }
        return found;
    }
}
