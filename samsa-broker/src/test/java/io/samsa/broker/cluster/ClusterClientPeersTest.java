package io.samsa.broker.cluster;

import static io.samsa.broker.cluster.ClusterFixtures.awaitCondition;
import static io.samsa.broker.cluster.ClusterFixtures.awaitIsr;
import static io.samsa.broker.cluster.ClusterFixtures.leaderOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import io.samsa.broker.testing.Kafkajs;
import io.samsa.broker.testing.Kcat;
import io.samsa.broker.testing.Kcat.Result;
import io.samsa.testkit.KafkaTool;
import io.samsa.testkit.SamsaCluster;

/**
 * Clients other than kafka-clients against one 3-node cluster, unchanged:
 * <ul>
 * <li>Apache Kafka's own tools: {@code kafka-topics --describe} shows each partition's leader, three replicas and
 * the ISR; {@code kafka-metadata-quorum describe --status} names the quorum leader and three voters,
 * {@code --replication} one line per voter.</li>
 * <li>kafkajs, given one node to bootstrap from: its admin creates a topic (replicated 3 times by the cluster's
 * default), its idempotent acks=all producer writes to every partition's leader, and a consumer group reads every
 * message once and commits ({@link Kafkajs}).</li>
 * <li>librdkafka (kcat): it sees every broker and each partition's replicas and ISR; it writes with acks=all, keeps
 * writing to a partition whose leader was SIGKILLed (it follows the new leader through metadata), and reads every
 * line back in order. Last, as it kills a node.</li>
 * </ul>
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterClientPeersTest {
    private static final String TOPIC = "peers";
    private static final int LINES = 1000;

    private static SamsaCluster cluster;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        cluster = SamsaCluster.start(3, Map.of("default.replication.factor", "3", "min.insync.replicas", "2",
                "group.initial.rebalance.delay.ms", "0"));
        admin = ClusterFixtures.admin(cluster.bootstrapServers());
        admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 3))).all().get();
        awaitIsr(admin, TOPIC, 3);
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void kafkaTopicsAndMetadataQuorumDescribeTheCluster() throws Exception {
        String bootstrap = cluster.bootstrapServers();

        KafkaTool.Output topics = KafkaTool.run("org.apache.kafka.tools.TopicCommand", "--bootstrap-server",
                bootstrap, "--describe", "--topic", TOPIC);
        assertThat(topics.exit()).as(topics.text()).isZero();
        assertThat(topics.text()).contains("PartitionCount: 3").contains("ReplicationFactor: 3");
        assertThat(topics.text().lines().filter(l -> l.matches(
                "\\s*Topic: " + TOPIC + "\\s+Partition: \\d\\s+Leader: [123]\\s+Replicas: [123],[123],[123]"
                        + "\\s+Isr: [123],[123],[123].*"))).as(topics.text()).hasSize(3);

        int leader = admin.describeMetadataQuorum().quorumInfo().get().leaderId();
        KafkaTool.Output status = KafkaTool.run("org.apache.kafka.tools.MetadataQuorumCommand",
                "--bootstrap-server", bootstrap, "describe", "--status");
        assertThat(status.exit()).as(status.text()).isZero();
        assertThat(status.text()).containsPattern("LeaderId:\\s+" + leader)
                .contains("\"id\": 1").contains("\"id\": 2").contains("\"id\": 3");

        KafkaTool.Output replication = KafkaTool.run("org.apache.kafka.tools.MetadataQuorumCommand",
                "--bootstrap-server", bootstrap, "describe", "--replication");
        assertThat(replication.exit()).as(replication.text()).isZero();
        assertThat(replication.text()).containsPattern("(?m)^" + leader + "\\s.*Leader");
        assertThat(replication.text().lines().filter(l -> l.matches("^[123]\\s.*(Leader|Follower)\\s*$")))
                .as(replication.text()).hasSize(3);
    }

    @Test
    @Order(2)
    void kafkajsProducesAndConsumesInAGroupOnAReplicatedTopic() throws Exception {
        Kafkajs.require();
        Kafkajs.assertGroupRoundTrip(cluster.address(cluster.nodeIds().get(0)), "js-replicated", "js-group", 600);
        awaitIsr(admin, "js-replicated", 3);
    }

    @Test
    @Order(3)
    void kcatSeesTheReplicasAndWritesThroughALeaderFailover() throws Exception {
        Kcat.require();
        Result metadata = Kcat.run(List.of("kcat", "-b", cluster.bootstrapServers(), "-L", "-t", TOPIC), null);
        assertThat(metadata.exit()).as("kcat -L:\n%s", metadata).isZero();
        assertThat(metadata.stdout()).contains("3 brokers:").contains("topic \"" + TOPIC + "\" with 3 partitions:");
        assertThat(metadata.stdout().lines().filter(l -> l.contains("partition ") && l.contains("replicas: ")
                && l.contains("isrs: ")).count()).as("partition lines:\n%s", metadata.stdout()).isEqualTo(3);

        List<String> lines = new ArrayList<>();
        produce(lines, "before");
        int leader = leaderOf(admin, TOPIC, 0);
        cluster.kill(leader);
        awaitCondition("a new leader for partition 0", () -> {
            try {
                int now = leaderOf(admin, TOPIC, 0);
                return now > 0 && now != leader;
            } catch (Exception e) {
                return false;
            }
        });
        produce(lines, "after");

        Result read = Kcat.run(List.of("kcat", "-C", "-b", cluster.bootstrapServers(), "-t", TOPIC, "-p", "0",
                "-o", "beginning", "-e", "-q", "-f", "%s\\n"), null);
        assertThat(read.exit()).as("kcat -C:\n%s", read).isZero();
        assertThat(read.stdout().lines().toList()).isEqualTo(lines);
    }

    private static void produce(List<String> lines, String tag) throws Exception {
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < LINES; i++) {
            String line = tag + "-" + i;
            lines.add(line);
            in.append(line).append('\n');
        }
        Result r = Kcat.run(List.of("kcat", "-P", "-b", cluster.bootstrapServers(), "-t", TOPIC, "-p", "0",
                "-X", "acks=all", "-X", "enable.idempotence=true", "-X", "message.timeout.ms=60000"), in.toString());
        assertThat(r.exit()).as("kcat -P (%s):\n%s", tag, r).isZero();
        assertThat(r.stderr()).as("kcat -P (%s) reported delivery failures", tag).doesNotContain("Delivery failed");
    }
}
