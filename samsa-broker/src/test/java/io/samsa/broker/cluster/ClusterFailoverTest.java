package io.samsa.broker.cluster;

import static io.samsa.broker.cluster.ClusterFixtures.awaitIsr;
import static io.samsa.broker.cluster.ClusterFixtures.leaderOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.samsa.broker.testing.Clients;
import io.samsa.testkit.SamsaCluster;

/**
 * Three Samsa nodes in child JVMs, a topic with replication factor 3 and min.insync.replicas=2: a stock
 * idempotent acks=all producer writes continuously while the test SIGKILLs the leader of partition 0, waits for
 * writes to be acknowledged again (by a new leader), restarts the node and waits until it is back in every ISR —
 * for {@code samsa.cluster.rounds} rounds (default 3). Then every acknowledged record must be in the log exactly
 * once, at the partition and offset it was acknowledged with.
 */
@Timeout(600)
class ClusterFailoverTest {
    private static final int ROUNDS = Integer.getInteger("samsa.cluster.rounds", 3);
    private static final String TOPIC = "replicated";
    private static final int PARTITIONS = 3;

    @Test
    void acknowledgedRecordsSurviveLeaderKills() throws Exception {
        try (SamsaCluster cluster = SamsaCluster.start(3, Map.of());
                Admin admin = ClusterFixtures.admin(cluster.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3)
                    .configs(Map.of("min.insync.replicas", "2")))).all().get();
            awaitIsr(admin, TOPIC, 3);

            List<AckedWriter.Ack> acks;
            try (AckedWriter writer = new AckedWriter(cluster.bootstrapServers(), TOPIC, PARTITIONS).start()) {
                writer.awaitMoreAcks(300, ClusterFixtures.SETTLE_MS);
                for (int round = 0; round < ROUNDS; round++) {
                    int leader = leaderOf(admin, TOPIC, 0);
                    assertThat(leader).as("leader of partition 0 before round %d", round).isPositive();
                    long killedAt = System.nanoTime();
                    int before = writer.ackCount();
                    cluster.kill(leader);
                    // Acknowledgements resume only once a new leader took over partition 0 (and the others).
                    writer.awaitMoreAcks(300, ClusterFixtures.SETTLE_MS);
                    // Reported, not asserted: speed is the benchmark's business (bench/failover).
                    System.out.printf("round %d: SIGKILLed leader %d at %d acks; 300 more acks %d ms later%n",
                            round, leader, before, (System.nanoTime() - killedAt) / 1_000_000);
                    assertThat(leaderOf(admin, TOPIC, 0)).isNotEqualTo(leader);
                    cluster.startNodes(leader);
                    awaitIsr(admin, TOPIC, 3);
                    writer.awaitMoreAcks(100, ClusterFixtures.SETTLE_MS);
                }
                acks = writer.stop();
            }

            System.out.printf("%d records acknowledged over %d leader kills%n", acks.size(), ROUNDS);
            Map<String, List<long[]>> log = ClusterFixtures.readAll(cluster.bootstrapServers(), TOPIC, PARTITIONS);
            for (AckedWriter.Ack ack : acks) {
                List<long[]> places = log.get(ack.value());
                assertThat(places).as("acknowledged record %s", ack.value()).isNotNull().hasSize(1);
                assertThat(places.get(0)).as("place of %s", ack.value())
                        .containsExactly(ack.partition(), ack.offset());
            }
            assertThat(acks.size()).isGreaterThan(300 * (ROUNDS + 1));
        }
    }
}
