package io.samsa.broker.cluster;

import static io.samsa.broker.cluster.ClusterFixtures.awaitCondition;
import static io.samsa.broker.cluster.ClusterFixtures.leaderOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import io.samsa.broker.testing.Clients;
import io.samsa.testkit.RackAwareCluster;
import io.samsa.testkit.SamsaCluster;

/**
 * Fetch from follower (KIP-392) on a 3-node cluster with racks r1, r2, r3 and Kafka's
 * {@code replica.selector.class=org.apache.kafka.common.replica.RackAwareReplicaSelector}, seen by a stock
 * KafkaConsumer: with {@code client.rack} set to a follower's rack it reads everything from that follower (the
 * leader names it as preferred read replica, the consumer's {@code preferred-read-replica} metric shows it, and the
 * follower's {@code samsa_broker_follower_fetch_bytes_total} grows); without a rack it reads from the leader; when
 * its follower dies it goes back to the leader and still reads everything.
 */
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FetchFromFollowerTest {
    private static final int RECORDS = 100;

    private static RackAwareCluster racked;
    private static SamsaCluster cluster;
    private static Admin admin;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void start() throws Exception {
        racked = RackAwareCluster.start();
        cluster = racked.cluster();
        admin = ClusterFixtures.admin(cluster.bootstrapServers());
        producer = Clients.producer(cluster.bootstrapServers(), Map.of("acks", "all", "linger.ms", "5"));
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
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
        TopicPartition tp = topicWithRecords("ff-rack");
        int follower = aFollowerOf(tp);
        double before = followerBytes(follower);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer("r" + follower)) {
            readFromStart(consumer, tp, RECORDS);
            assertThat(preferredReadReplica(consumer, tp)).isEqualTo(follower);
            double afterFirst = followerBytes(follower);
            assertThat(afterFirst).as("the follower served the records").isGreaterThan(before);

            // Records written while the consumer sits on the follower reach it through the follower's high watermark.
            produce(tp, RECORDS);
            readOn(consumer, tp, RECORDS);
            assertThat(preferredReadReplica(consumer, tp)).isEqualTo(follower);
            assertThat(followerBytes(follower)).isGreaterThan(afterFirst);
        }
    }

    @Test
    @Order(2)
    void aConsumerWithoutRackReadsFromTheLeader() throws Exception {
        TopicPartition tp = topicWithRecords("ff-norack");
        Map<Integer, Double> before = new HashMap<>();
        for (int id : cluster.nodeIds()) {
            before.put(id, followerBytes(id));
        }
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(null)) {
            readFromStart(consumer, tp, RECORDS);
            assertThat(preferredReadReplica(consumer, tp)).isEqualTo(-1);
        }
        for (int id : cluster.nodeIds()) {
            assertThat(followerBytes(id)).as("node %d served nothing as follower", id).isEqualTo(before.get(id));
        }
    }

    /** Last: it kills a node. */
    @Test
    @Order(3)
    void aConsumerWhoseFollowerDiesGoesBackToTheLeader() throws Exception {
        TopicPartition tp = topicWithRecords("ff-fallback");
        int follower = aFollowerOf(tp);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer("r" + follower)) {
            readFromStart(consumer, tp, RECORDS);
            assertThat(preferredReadReplica(consumer, tp)).isEqualTo(follower);
            cluster.kill(follower);
            produce(tp, RECORDS);
            readOn(consumer, tp, RECORDS);
            awaitCondition("the consumer reads from the leader again", () -> {
                consumer.poll(Duration.ofMillis(100));
                return preferredReadReplica(consumer, tp) == -1;
            });
        }
    }

    /** A new topic, RF 3, all replicas in sync, with {@link #RECORDS} acknowledged records. */
    private static TopicPartition topicWithRecords(String topic) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 3))).all().get();
        ClusterFixtures.awaitIsr(admin, topic, 3);
        TopicPartition tp = new TopicPartition(topic, 0);
        produce(tp, RECORDS);
        return tp;
    }

    private static void produce(TopicPartition tp, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), null, ("v" + i).getBytes()));
        }
        producer.flush();
    }

    private static int aFollowerOf(TopicPartition tp) throws Exception {
        int leader = leaderOf(admin, tp.topic(), tp.partition());
        return cluster.nodeIds().stream().filter(id -> id != leader).findFirst().orElseThrow();
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String rack) {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", cluster.bootstrapServers());
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        p.put("enable.auto.commit", "false");
        p.put("request.timeout.ms", "5000");
        p.put("reconnect.backoff.max.ms", "200");
        if (rack != null) {
            p.put("client.rack", rack);
        }
        return new KafkaConsumer<>(p);
    }

    private static void readFromStart(KafkaConsumer<byte[], byte[]> consumer, TopicPartition tp, int count)
            throws InterruptedException {
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        readOn(consumer, tp, count);
    }

    /** Polls until {@code count} more records of {@code tp} arrived, in offset order with no gap. */
    private static void readOn(KafkaConsumer<byte[], byte[]> consumer, TopicPartition tp, int count)
            throws InterruptedException {
        long expected = consumer.position(tp);
        long end = expected + count;
        long deadline = System.currentTimeMillis() + ClusterFixtures.SETTLE_MS;
        while (expected < end) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("read " + tp + " only up to " + expected + " of " + end);
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200)).records(tp)) {
                assertThat(r.offset()).isEqualTo(expected);
                expected++;
            }
        }
    }

    /** The stock consumer's {@code preferred-read-replica} gauge of the partition (-1: the leader). */
    private static int preferredReadReplica(KafkaConsumer<?, ?> consumer, TopicPartition tp) {
        for (Map.Entry<MetricName, ? extends Metric> e : consumer.metrics().entrySet()) {
            MetricName n = e.getKey();
            if (n.name().equals("preferred-read-replica") && tp.topic().equals(n.tags().get("topic"))
                    && String.valueOf(tp.partition()).equals(n.tags().get("partition"))) {
                return ((Number) e.getValue().metricValue()).intValue();
            }
        }
        throw new AssertionError("no preferred-read-replica metric for " + tp);
    }

    private static double followerBytes(int nodeId) throws Exception {
        return racked.followerBytes(nodeId);
    }
}
