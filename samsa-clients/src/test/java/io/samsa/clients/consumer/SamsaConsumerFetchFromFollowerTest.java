package io.samsa.clients.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import io.samsa.testkit.RackAwareCluster;
import io.samsa.testkit.SamsaCluster;

/**
 * SamsaConsumer's fetch from follower (KIP-392) on a 3-node Samsa cluster with racks r1, r2, r3 and Kafka's
 * RackAwareReplicaSelector: with {@code client.rack} set to a follower's rack it follows the leader's
 * {@code preferredReadReplica} and reads everything from that follower (the follower's
 * {@code samsa_broker_follower_fetch_bytes_total} grows), also records written meanwhile; without a rack it reads
 * from the leader only; when its follower dies it goes back to the leader and still reads everything.
 */
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SamsaConsumerFetchFromFollowerTest {
    private static final int RECORDS = 100;
    private static final long LIMIT_MS = 60_000;

    private static RackAwareCluster racked;
    private static SamsaCluster cluster;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        racked = RackAwareCluster.start();
        cluster = racked.cluster();
        admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers(), "request.timeout.ms", "5000",
                "default.api.timeout.ms", "20000"));
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (racked != null) {
            racked.close();
        }
    }

    @Test
    @Order(1)
    void aConsumerInAFollowersRackReadsFromThatFollower() throws Exception {
        TopicPartition tp = topicWithRecords();
        int follower = aFollowerOf(tp);
        double before = followerBytes(follower);
        try (SamsaConsumer<String, String> consumer = consumer("r" + follower)) {
            readFromStart(consumer, tp, RECORDS);
            double afterFirst = followerBytes(follower);
            assertThat(afterFirst).as("the follower served the records").isGreaterThan(before);

            ConsumerTestSupport.produce(cluster.bootstrapServers(), tp.topic(), 1, RECORDS, RECORDS);
            readOn(consumer, tp, RECORDS);
            assertThat(followerBytes(follower)).as("and those written meanwhile").isGreaterThan(afterFirst);
        }
    }

    @Test
    @Order(2)
    void aConsumerWithoutRackReadsFromTheLeader() throws Exception {
        TopicPartition tp = topicWithRecords();
        Map<Integer, Double> before = new HashMap<>();
        for (int id : cluster.nodeIds()) {
            before.put(id, followerBytes(id));
        }
        try (SamsaConsumer<String, String> consumer = consumer(null)) {
            readFromStart(consumer, tp, RECORDS);
        }
        for (int id : cluster.nodeIds()) {
            assertThat(followerBytes(id)).as("node %d served nothing as follower", id).isEqualTo(before.get(id));
        }
    }

    /** Last: it kills a node. */
    @Test
    @Order(3)
    void aConsumerWhoseFollowerDiesGoesBackToTheLeader() throws Exception {
        TopicPartition tp = topicWithRecords();
        int follower = aFollowerOf(tp);
        double before = followerBytes(follower);
        try (SamsaConsumer<String, String> consumer = consumer("r" + follower)) {
            readFromStart(consumer, tp, RECORDS);
            assertThat(followerBytes(follower)).isGreaterThan(before);
            cluster.kill(follower);
            ConsumerTestSupport.produce(cluster.bootstrapServers(), tp.topic(), 1, RECORDS, RECORDS);
            readOn(consumer, tp, RECORDS);
        }
    }

    /** A new topic, RF 3, all replicas in sync, with {@link #RECORDS} acknowledged records. */
    private static TopicPartition topicWithRecords() throws Exception {
        String topic = ConsumerTestSupport.newTopic("ff");
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 3))).all().get();
        long deadline = System.currentTimeMillis() + LIMIT_MS;
        while (!fullyInSync(topic)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(topic + " did not get 3 in-sync replicas");
            }
            Thread.sleep(100);
        }
        ConsumerTestSupport.produce(cluster.bootstrapServers(), topic, 1, 0, RECORDS);
        return new TopicPartition(topic, 0);
    }

    private static boolean fullyInSync(String topic) {
        try {
            TopicPartitionInfo p = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
                    .partitions().get(0);
            return p.leader() != null && p.isr().size() == 3;
        } catch (Exception e) {
            return false;
        }
    }

    private static int aFollowerOf(TopicPartition tp) {
        int leader = cluster.leaderOf(tp.topic(), tp.partition());
        return cluster.nodeIds().stream().filter(id -> id != leader).findFirst().orElseThrow();
    }

    private static SamsaConsumer<String, String> consumer(String rack) {
        Properties p = ConsumerTestSupport.props(cluster.bootstrapServers());
        p.setProperty("enable.auto.commit", "false");
        p.setProperty("request.timeout.ms", "5000");
        if (rack != null) {
            p.setProperty("client.rack", rack);
        }
        return new SamsaConsumer<>(p);
    }

    private static void readFromStart(SamsaConsumer<String, String> consumer, TopicPartition tp, int count) {
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        readOn(consumer, tp, count);
    }

    /** Polls until {@code count} more records of {@code tp} arrived, in offset order with no gap. */
    private static void readOn(SamsaConsumer<String, String> consumer, TopicPartition tp, int count) {
        long expected = consumer.position(tp);
        long end = expected + count;
        long deadline = System.currentTimeMillis() + LIMIT_MS;
        while (expected < end) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("read " + tp + " only up to " + expected + " of " + end);
            }
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200)).records(tp)) {
                assertThat(r.offset()).isEqualTo(expected);
                assertThat(r.value()).isEqualTo("v" + expected);
                expected++;
            }
        }
    }

    private static double followerBytes(int nodeId) throws Exception {
        return racked.followerBytes(nodeId);
    }
}
