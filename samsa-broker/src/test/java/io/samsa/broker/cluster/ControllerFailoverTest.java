package io.samsa.broker.cluster;

import static io.samsa.broker.cluster.ClusterFixtures.awaitCondition;
import static io.samsa.broker.cluster.ClusterFixtures.awaitIsr;
import static io.samsa.broker.cluster.ClusterFixtures.leaderOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.samsa.testkit.SamsaCluster;

/**
 * The metadata quorum and controlled shutdown, through stock kafka-clients: the active controller (the quorum
 * leader, as DescribeQuorum reports it) SIGKILLed → another node leads, the topics survive and a new topic can be
 * created; a broker SIGTERMed → its leaderships move to other replicas before it stops.
 */
@Timeout(300)
class ControllerFailoverTest {

    @Test
    void killedControllerIsReplacedAndMetadataSurvives() throws Exception {
        try (SamsaCluster cluster = SamsaCluster.start(3, Map.of());
                Admin admin = ClusterFixtures.admin(cluster.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("before", 2, (short) 3))).all().get();
            QuorumInfo quorum = admin.describeMetadataQuorum().quorumInfo().get();
            assertThat(quorum.voters()).hasSize(3);
            int controller = quorum.leaderId();
            assertThat(controller).isPositive();

            cluster.kill(controller);
            awaitCondition("a new quorum leader", () -> {
                try {
                    int leader = admin.describeMetadataQuorum().quorumInfo().get().leaderId();
                    return leader > 0 && leader != controller;
                } catch (Exception e) {
                    return false;
                }
            });
            createAllowingTheAdminsOwnRetry(admin, new NewTopic("after", 2, (short) 2));
            // Every node learns of it as it applies the commit (as in Kafka, metadata reaches brokers in turn).
            awaitCondition("every listing shows both topics", () -> {
                try {
                    return admin.listTopics().names().get().containsAll(List.of("before", "after"));
                } catch (Exception e) {
                    return false;
                }
            });
            awaitCondition("topic 'before' led by live nodes", () -> {
                try {
                    return leaderOf(admin, "before", 0) > 0 && leaderOf(admin, "before", 0) != controller
                            && leaderOf(admin, "before", 1) > 0 && leaderOf(admin, "before", 1) != controller;
                } catch (Exception e) {
                    return false;
                }
            });

            cluster.startNodes(controller);
            awaitIsr(admin, "before", 3);
        }
    }

    /**
     * The stock admin client sends CreateTopics again when its request times out (3 s here); on a slow machine the
     * first attempt may commit during a fresh controller's start, and the resend is then answered
     * TOPIC_ALREADY_EXISTS, as Kafka answers it. The topic is new to this test, so "already exists" proves the
     * create went through; the listing below checks it too.
     */
    private static void createAllowingTheAdminsOwnRetry(Admin admin, NewTopic topic) throws Exception {
        try {
            admin.createTopics(List.of(topic)).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    /**
     * A frozen active controller (SIGSTOP: a long GC pause, a hung machine) still holds its connections open, so
     * a call to it hangs rather than fails. The live brokers must reach the new controller within their session
     * and keep their leaderships; only the frozen node is fenced and loses its own.
     */
    @Test
    void frozenControllerIsReplacedWithoutFencingTheLiveBrokers() throws Exception {
        try (SamsaCluster cluster = SamsaCluster.start(3, Map.of());
                Admin admin = ClusterFixtures.admin(cluster.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("steady", 6, (short) 3))).all().get();
            awaitIsr(admin, "steady", 3);
            int controller = admin.describeMetadataQuorum().quorumInfo().get().leaderId();
            Map<Integer, Integer> leadersBefore = new HashMap<>();
            for (int p = 0; p < 6; p++) {
                leadersBefore.put(p, leaderOf(admin, "steady", p));
            }

            cluster.pause(controller);
            try {
                awaitCondition("the frozen node's partitions move to live nodes", () -> {
                    try {
                        for (int p = 0; p < 6; p++) {
                            if (leadersBefore.get(p) == controller && leaderOf(admin, "steady", p) == controller) {
                                return false;
                            }
                        }
                        return true;
                    } catch (Exception e) {
                        return false;
                    }
                });
                // Longer than a broker session (2 s) past the change of controller: a live broker whose calls
                // were stuck on the frozen node would have been fenced by now.
                Thread.sleep(3_000);
                for (int p = 0; p < 6; p++) {
                    if (leadersBefore.get(p) != controller) {
                        assertThat(leaderOf(admin, "steady", p)).as("leader of steady-%d", p)
                                .isEqualTo(leadersBefore.get(p));
                    }
                }
            } finally {
                cluster.resume(controller);
            }
            for (int node : cluster.nodeIds()) {
                if (node != controller) {
                    assertThat(Files.readString(cluster.outputFile(node))).as("output of live node %d", node)
                            .doesNotContain("was fenced by the controller");
                }
            }
            awaitIsr(admin, "steady", 3);
        }
    }

    @Test
    void sigtermMovesLeadershipBeforeTheBrokerStops() throws Exception {
        try (SamsaCluster cluster = SamsaCluster.start(3, Map.of());
                Admin admin = ClusterFixtures.admin(cluster.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("moving", 3, (short) 3))).all().get();
            awaitIsr(admin, "moving", 3);
            int leader = leaderOf(admin, "moving", 0);

            cluster.terminate(leader);
            // A controlled shutdown hands partition 0 to another in-sync replica and shrinks the ISR first.
            assertThat(leaderOf(admin, "moving", 0)).isPositive().isNotEqualTo(leader);
            assertThat(ClusterFixtures.describe(admin, "moving").partitions().get(0).isr())
                    .noneMatch(n -> n.id() == leader);
        }
    }
}
