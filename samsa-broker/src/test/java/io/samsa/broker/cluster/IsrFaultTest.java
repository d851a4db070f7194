package io.samsa.broker.cluster;

import static io.samsa.broker.cluster.ClusterFixtures.awaitCondition;
import static io.samsa.broker.cluster.ClusterFixtures.describe;
import static io.samsa.broker.cluster.ClusterFixtures.leaderOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.samsa.broker.testing.Clients;
import io.samsa.testkit.SamsaCluster;

/**
 * Followers that stop replicating leave the ISR, and {@code min.insync.replicas} decides what acks=all may
 * acknowledge. One follower frozen (SIGSTOP, as in a long GC pause or a hung machine): the controller fences it,
 * the ISR shrinks to 2 of 3 and writes still succeed; SIGCONT brings it back into the ISR. Then the leader's
 * replication traffic is dropped (a proxy in front of its replication listener holds every follower fetch) while
 * clients and the metadata quorum still reach everyone: the leader shrinks the ISR to itself after
 * {@code replica.lag.time.max.ms} and refuses acks=all writes with NOT_ENOUGH_REPLICAS — a leader cut off from
 * its followers acknowledges nothing — until the traffic flows again and the followers rejoin. Nothing
 * acknowledged is lost.
 */
@Timeout(300)
class IsrFaultTest {
    private static final String TOPIC = "guarded";

    @Test
    void frozenFollowersShrinkTheIsrAndMinInsyncReplicasGuardsAcksAll() throws Exception {
        try (SamsaCluster cluster = SamsaCluster.startWithReplicationProxies(3,
                Map.of("replica.lag.time.max.ms", "3000"));
                Admin admin = ClusterFixtures.admin(cluster.bootstrapServers());
                KafkaProducer<byte[], byte[]> producer = Clients.producer(cluster.bootstrapServers(), Map.of(
                        "acks", "all", "linger.ms", "0", "delivery.timeout.ms", "30000",
                        "request.timeout.ms", "15000"));
                // Without retries, so NOT_ENOUGH_REPLICAS reaches the test instead of being retried away.
                KafkaProducer<byte[], byte[]> noRetries = Clients.producer(cluster.bootstrapServers(), Map.of(
                        "acks", "all", "enable.idempotence", "false", "retries", "0", "linger.ms", "0",
                        "delivery.timeout.ms", "20000", "request.timeout.ms", "15000"))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3)
                    .configs(Map.of("min.insync.replicas", "2")))).all().get();
            ClusterFixtures.awaitIsr(admin, TOPIC, 3);
            int leader = leaderOf(admin, TOPIC, 0);
            List<Integer> followers = new ArrayList<>(cluster.nodeIds());
            followers.remove(Integer.valueOf(leader));
            List<String> acknowledged = new ArrayList<>();
            send(producer, "all-three", acknowledged);

            cluster.pause(followers.get(0));
            awaitIsrSize(admin, 2);
            send(producer, "two-of-three", acknowledged);
            cluster.resume(followers.get(0));
            ClusterFixtures.awaitIsr(admin, TOPIC, 3);
            assertThat(leaderOf(admin, TOPIC, 0)).isEqualTo(leader);

            cluster.replicationProxy(leader).pause();
            // Followers that have the leader's whole log count as caught up (Kafka's rule), so the leader needs
            // new records before they lag: an acks=1 write, which the leader alone may acknowledge.
            try (KafkaProducer<byte[], byte[]> leaderOnly = Clients.producer(cluster.bootstrapServers(),
                    Map.of("acks", "1", "enable.idempotence", "false"))) {
                send(leaderOnly, "acks-1-while-cut-off", acknowledged);
            }
            awaitIsrSize(admin, 1);
            assertThat(leaderOf(admin, TOPIC, 0)).isEqualTo(leader);
            assertThatThrownBy(() -> noRetries.send(record("leader-alone")).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(NotEnoughReplicasException.class);

            cluster.replicationProxy(leader).resume();
            ClusterFixtures.awaitIsr(admin, TOPIC, 3);
            send(producer, "all-three-again", acknowledged);

            Map<String, List<long[]>> log = ClusterFixtures.readAll(cluster.bootstrapServers(), TOPIC, 1);
            assertThat(log.keySet()).containsAll(acknowledged).doesNotContain("leader-alone");
        }
    }

    private static void awaitIsrSize(Admin admin, int size) throws InterruptedException {
        awaitCondition("ISR of " + TOPIC + "-0 shrinks to " + size, () -> {
            try {
                return describe(admin, TOPIC).partitions().get(0).isr().size() == size;
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static ProducerRecord<byte[], byte[]> record(String value) {
        return new ProducerRecord<>(TOPIC, 0, null, value.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String value, List<String> acknowledged)
            throws Exception {
        RecordMetadata md = producer.send(record(value)).get(30, TimeUnit.SECONDS);
        assertThat(md.offset()).isNotNegative();
        acknowledged.add(value);
    }
}
