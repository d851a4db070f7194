package io.samsa.broker.cluster;

import static io.samsa.broker.cluster.ClusterFixtures.awaitCondition;
import static io.samsa.broker.cluster.ClusterFixtures.awaitIsr;
import static io.samsa.broker.cluster.ClusterFixtures.describe;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.samsa.broker.testing.Clients;
import io.samsa.testkit.SamsaCluster;

/**
 * Separate roles, as Kafka runs them in production: three controller-only nodes (1–3, the metadata quorum's
 * voters) and two broker-only nodes (4, 5) that follow the quorum as observers, driven through stock kafka-clients.
 * Clients see only the brokers; the controllers can be killed without the brokers noticing beyond a short pause;
 * a killed broker is fenced, and when it comes back it learns the metadata again and rejoins the ISR.
 */
@Timeout(300)
class SeparateRolesTest {
    private static final Map<Integer, String> ROLES = Map.of(1, "controller", 2, "controller", 3, "controller",
            4, "broker", 5, "broker");
    private static SamsaCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = SamsaCluster.startWithRoles(ROLES, Map.of("broker.session.timeout.ms", "3000",
                "broker.heartbeat.interval.ms", "500"));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void clientsSeeOnlyTheBrokersAndTheQuorumOfControllers() throws Exception {
        try (Admin admin = ClusterFixtures.admin(cluster.bootstrapServers())) {
            DescribeClusterResult described = admin.describeCluster();
            assertThat(described.nodes().get().stream().map(Node::id)).containsExactlyInAnyOrder(4, 5);
            // Clients send controller requests to a broker, which passes them on (KRaft brokers do the same).
            assertThat(described.controller().get().id()).isIn(4, 5);
            awaitCondition("a quorum leader known to the brokers", () -> quorumLeader(admin) > 0);
            QuorumInfo quorum = admin.describeMetadataQuorum().quorumInfo().get();
            assertThat(quorum.leaderId()).isIn(1, 2, 3);
            assertThat(quorum.voters().stream().map(QuorumInfo.ReplicaState::replicaId))
                    .containsExactlyInAnyOrder(1, 2, 3);
            // The brokers follow the quorum without voting: its observers, as in KRaft.
            assertThat(quorum.observers().stream().map(QuorumInfo.ReplicaState::replicaId))
                    .containsExactlyInAnyOrder(4, 5);

            admin.createTopics(List.of(new NewTopic("roles", 4, (short) 2)
                    .configs(Map.of("min.insync.replicas", "2")))).all().get();
            awaitIsr(admin, "roles", 2);
            for (TopicPartitionInfo p : describe(admin, "roles").partitions()) {
                assertThat(p.replicas().stream().map(Node::id)).containsExactlyInAnyOrder(4, 5);
            }
            produce("roles", 200);
            assertThat(ClusterFixtures.readAll(cluster.bootstrapServers(), "roles", 4)).hasSize(200);
        }
    }

    @Test
    void killingTheActiveControllerLeavesTheBrokersServingAndANewOneTakesOver() throws Exception {
        try (Admin admin = ClusterFixtures.admin(cluster.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("controller-kill", 2, (short) 2))).all().get();
            awaitIsr(admin, "controller-kill", 2);
            awaitCondition("a quorum leader known to the brokers", () -> quorumLeader(admin) > 0);
            int controller = quorumLeader(admin);
            cluster.kill(controller);
            try {
                awaitCondition("a new quorum leader", () -> {
                    int leader = quorumLeader(admin);
                    return leader > 0 && leader != controller;
                });
                // The brokers keep their sessions with the new controller: nobody is fenced, the ISR stays full.
                admin.createTopics(List.of(new NewTopic("after-controller-kill", 2, (short) 2))).all().get();
                awaitIsr(admin, "after-controller-kill", 2);
                produce("after-controller-kill", 100);
                assertThat(describe(admin, "controller-kill").partitions())
                        .allSatisfy(p -> assertThat(p.isr()).hasSize(2));
            } finally {
                cluster.restart(controller);
            }
        }
    }

    @Test
    void aKilledBrokerIsFencedAndRejoinsTheIsrAfterItRestarts() throws Exception {
        try (Admin admin = ClusterFixtures.admin(cluster.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("broker-kill", 2, (short) 2))).all().get();
            awaitIsr(admin, "broker-kill", 2);
            cluster.kill(5);
            try {
                awaitIsr(admin, "broker-kill", 1);
                assertThat(describe(admin, "broker-kill").partitions())
                        .allSatisfy(p -> assertThat(p.leader().id()).isEqualTo(4));
                // Created while node 5 is away: it learns of this topic only after it restarts.
                admin.createTopics(List.of(new NewTopic("while-away", 1, (short) 1))).all().get();
                produce("broker-kill", 100);
            } finally {
                cluster.restart(5);
            }
            awaitIsr(admin, "broker-kill", 2);
            try (Admin onlyFive = Clients.admin(cluster.address(5))) {
                awaitCondition("node 5 knows the topic created while it was away", () -> {
                    try {
                        return onlyFive.listTopics().names().get(5, TimeUnit.SECONDS).contains("while-away");
                    } catch (Exception e) {
                        return false;
                    }
                });
            }
            assertThat(Clients.endOffsets(cluster.address(5), java.util.Set.of(new TopicPartition("broker-kill", 0),
                    new TopicPartition("broker-kill", 1))).values().stream().mapToLong(Long::longValue).sum())
                    .isEqualTo(100);
        }
    }

    private static void produce(String topic, int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(cluster.bootstrapServers(),
                Map.of("acks", "all"))) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, ("v" + i).getBytes(StandardCharsets.UTF_8))).get();
            }
        }
    }

    /** The quorum leader as a broker reports it (DescribeQuorum), -1 while it knows none or cannot answer. */
    private static int quorumLeader(Admin admin) {
        try {
            return admin.describeMetadataQuorum().quorumInfo().get().leaderId();
        } catch (Exception e) {
            return -1;
        }
    }
}
