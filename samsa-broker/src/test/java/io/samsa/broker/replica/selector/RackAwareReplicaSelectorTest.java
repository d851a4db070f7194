package io.samsa.broker.replica.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** Kafka's rack-aware rule: the leader unless the client's rack has a candidate and the leader is elsewhere. */
class RackAwareReplicaSelectorTest {
    private final ReplicaSelector selector = new RackAwareReplicaSelector();
    private final ReplicaView leader = new ReplicaView(1, "r1", 100, 0);
    private final ReplicaView follower2 = new ReplicaView(2, "r2", 100, 10);
    private final ReplicaView follower3 = new ReplicaView(3, "r3", 100, 10);

    @Test
    void aClientWithoutRackReadsFromTheLeader() {
        List<ReplicaView> all = List.of(leader, follower2, follower3);
        assertThat(selector.select(null, leader, all)).isEqualTo(leader);
        assertThat(selector.select("", leader, all)).isEqualTo(leader);
    }

    @Test
    void aClientInAFollowersRackReadsFromThatFollower() {
        assertThat(selector.select("r2", leader, List.of(leader, follower2, follower3))).isEqualTo(follower2);
        assertThat(selector.select("r3", leader, List.of(leader, follower2, follower3))).isEqualTo(follower3);
    }

    @Test
    void theLeaderInTheClientsRackWinsOverAFollowerThere() {
        ReplicaView sameRackFollower = new ReplicaView(2, "r1", 100, 0);
        assertThat(selector.select("r1", leader, List.of(leader, sameRackFollower))).isEqualTo(leader);
    }

    @Test
    void noCandidateInTheClientsRackMeansTheLeader() {
        assertThat(selector.select("r9", leader, List.of(leader, follower2, follower3))).isEqualTo(leader);
        assertThat(selector.select("r2", leader, List.of(leader))).isEqualTo(leader);
    }

    @Test
    void amongFollowersInTheRackTheMostCaughtUpIsChosen() {
        ReplicaView behind = new ReplicaView(2, "r2", 90, 0);
        ReplicaView ahead = new ReplicaView(3, "r2", 100, 500);
        assertThat(selector.select("r2", leader, List.of(leader, behind, ahead))).isEqualTo(ahead);
        ReplicaView recentlyCaughtUp = new ReplicaView(4, "r2", 100, 5);
        assertThat(selector.select("r2", leader, List.of(leader, ahead, recentlyCaughtUp)))
                .as("same log end: the more recent catch-up").isEqualTo(recentlyCaughtUp);
    }

    @Test
    void configNamesKafkasSelectorsAndSamsasOwn() {
        assertThat(ReplicaSelectors.named(null)).isEmpty();
        assertThat(ReplicaSelectors.named(" ")).isEmpty();
        assertThat(ReplicaSelectors.named("org.apache.kafka.common.replica.RackAwareReplicaSelector"))
                .containsInstanceOf(RackAwareReplicaSelector.class);
        assertThat(ReplicaSelectors.named("io.samsa.broker.replica.selector.RackAwareReplicaSelector"))
                .containsInstanceOf(RackAwareReplicaSelector.class);
        assertThat(ReplicaSelectors.named("org.apache.kafka.common.replica.LeaderSelector"))
                .contains(ReplicaSelector.LEADER);
        assertThatThrownBy(() -> ReplicaSelectors.named("com.example.Mine"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("replica.selector.class");
    }
}
