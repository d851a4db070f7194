package io.samsa.broker.cluster;

import static io.samsa.broker.cluster.ClusterFixtures.awaitCondition;
import static io.samsa.broker.cluster.ClusterFixtures.awaitIsr;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.samsa.broker.testing.Clients;
import io.samsa.testkit.SamsaCluster;

/**
 * Groups live in the replicated {@code __consumer_offsets} topic: a stock consumer group commits, the test SIGKILLs
 * the group's coordinator (as Admin reports it), and the committed offsets are all still there on the new
 * coordinator (the new leader of the group's partition), the running consumer goes on consuming and committing
 * there, and a new consumer of the group resumes at the committed position.
 */
@Timeout(180)
class GroupCoordinatorFailoverTest {
    private static final String TOPIC = "orders";
    private static final String GROUP = "billing";
    private static final int PARTITIONS = 2;

    @Test
    void committedOffsetsSurviveTheCoordinatorsDeath() throws Exception {
        Map<String, String> extra = Map.of("offsets.topic.num.partitions", "3", "group.initial.rebalance.delay.ms", "0");
        try (SamsaCluster cluster = SamsaCluster.start(3, extra);
                Admin admin = ClusterFixtures.admin(cluster.bootstrapServers())) {
            String bootstrap = cluster.bootstrapServers();
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3))).all().get();
            awaitIsr(admin, TOPIC, 3);
            produce(bootstrap, 0, 200);

            try (KafkaConsumer<byte[], byte[]> consumer = groupConsumer(bootstrap)) {
                consumer.subscribe(List.of(TOPIC));
                consumeAndCommit(consumer, 200);
                Map<TopicPartition, OffsetAndMetadata> before = committed(admin);
                assertThat(total(before)).isEqualTo(200);

                TopicDescription offsets = ClusterFixtures.describe(admin, "__consumer_offsets");
                assertThat(offsets.isInternal()).isTrue();
                assertThat(offsets.partitions()).hasSize(3);
                awaitIsr(admin, "__consumer_offsets", 3);
                int coordinator = coordinatorOf(admin);
                cluster.kill(coordinator);

                // The new coordinator has every committed offset.
                awaitCondition("the group's offsets on a new coordinator", () -> {
                    try {
                        return coordinatorOf(admin) != coordinator && committed(admin).equals(before);
                    } catch (Exception e) {
                        return false;
                    }
                });
                // The running consumer keeps consuming and committing there.
                produce(bootstrap, 200, 100);
                consumeAndCommit(consumer, 100);
                awaitCondition("the new commits", () -> {
                    try {
                        return total(committed(admin)) == 300;
                    } catch (Exception e) {
                        return false;
                    }
                });
            }
            // A new member of the group resumes at the committed position: only the records written after it.
            produce(bootstrap, 300, 10);
            try (KafkaConsumer<byte[], byte[]> consumer = groupConsumer(bootstrap)) {
                consumer.subscribe(List.of(TOPIC));
                Set<String> seen = consumeAndCommit(consumer, 10);
                for (int i = 300; i < 310; i++) {
                    assertThat(seen).contains("v" + i);
                }
            }
        }
    }

    /**
     * The log cleaner compacts {@code __consumer_offsets} (segments roll every 300 ms here, and the cleaner runs
     * as soon as a little is dirty): after many commits of the same offset only a few records remain, and a new
     * coordinator that loads the compacted partition still has the group's newest committed offset.
     */
    @Test
    void aCompactedOffsetsTopicStillHoldsTheNewestOffsetsAcrossACoordinatorKill() throws Exception {
        Map<String, String> extra = Map.of("offsets.topic.num.partitions", "1", "log.roll.ms", "300",
                "log.cleaner.backoff.ms", "200", "log.cleaner.min.cleanable.ratio", "0.01");
        try (SamsaCluster cluster = SamsaCluster.start(3, extra);
                Admin admin = ClusterFixtures.admin(cluster.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3))).all().get();
            TopicPartition tp = new TopicPartition(TOPIC, 0);
            int commits = 60;
            for (int i = 1; i <= commits; i++) {
                admin.alterConsumerGroupOffsets(GROUP, Map.of(tp, new OffsetAndMetadata(i))).all()
                        .get(15, TimeUnit.SECONDS);
                Thread.sleep(50); // spread over several segments
            }
            awaitIsr(admin, "__consumer_offsets", 3);
            TopicPartition offsetsPartition = new TopicPartition("__consumer_offsets", 0);
            awaitCondition("the offsets topic compacted to a few records", () -> {
                try {
                    long end = Clients.endOffsets(cluster.bootstrapServers(), Set.of(offsetsPartition))
                            .get(offsetsPartition);
                    return Clients.read(cluster.bootstrapServers(), offsetsPartition, 0, end).size() < commits / 4;
                } catch (Exception e) {
                    return false;
                }
            });
            int coordinator = coordinatorOf(admin);
            cluster.kill(coordinator);
            try {
                awaitCondition("the newest offset on a new coordinator", () -> {
                    try {
                        return coordinatorOf(admin) != coordinator
                                && committed(admin).get(tp).offset() == commits;
                    } catch (Exception e) {
                        return false;
                    }
                });
            } finally {
                cluster.restart(coordinator);
            }
        }
    }

    private static int coordinatorOf(Admin admin) throws Exception {
        return admin.describeConsumerGroups(List.of(GROUP)).all().get(10, TimeUnit.SECONDS).get(GROUP)
                .coordinator().id();
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(Admin admin) throws Exception {
        return admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
    }

    private static long total(Map<TopicPartition, OffsetAndMetadata> offsets) {
        return offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
    }

    private static KafkaConsumer<byte[], byte[]> groupConsumer(String bootstrap) {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", GROUP);
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        p.put("enable.auto.commit", "false");
        p.put("auto.offset.reset", "earliest");
        p.put("request.timeout.ms", "5000");
        p.put("session.timeout.ms", "10000");
        p.put("heartbeat.interval.ms", "1000");
        return new KafkaConsumer<>(p);
    }

    /** Polls until {@code count} new distinct records arrived, committing after each poll; answers their values. */
    private static Set<String> consumeAndCommit(KafkaConsumer<byte[], byte[]> consumer, int count) {
        Set<String> seen = new HashSet<>();
        long deadline = System.currentTimeMillis() + ClusterFixtures.SETTLE_MS;
        while (seen.size() < count) {
            assertThat(System.currentTimeMillis()).as("consumed %d of %d", seen.size(), count).isLessThan(deadline);
            var records = consumer.poll(Duration.ofMillis(200));
            for (ConsumerRecord<byte[], byte[]> r : records) {
                seen.add(new String(r.value(), StandardCharsets.UTF_8));
            }
            if (!records.isEmpty() || seen.size() >= count) {
                try {
                    consumer.commitSync(Duration.ofSeconds(15));
                } catch (RuntimeException e) {
                    // a retriable failure while the coordinator moves: the next commit covers it
                }
            }
        }
        return seen;
    }

    private static void produce(String bootstrap, int from, int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of("acks", "all"))) {
            for (int i = from; i < from + count; i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, null,
                        ("v" + i).getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
            }
        }
    }
}
