package io.samsa.broker.replica.selector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.replica.Batches;
import io.samsa.broker.replica.IsrContext;
import io.samsa.broker.replica.LeaderAndIsr;
import io.samsa.broker.replica.Partition;
import io.samsa.broker.replica.PartitionKey;
import io.samsa.broker.replica.PartitionListener;
import io.samsa.broker.replica.ReplicationMetrics;
import io.samsa.log.Log;
import io.samsa.log.LogConfig;

/**
 * A leader's candidates for a consumer's read (Kafka's findPreferredReadReplica): in-sync followers that hold the
 * fetch offset and that the consumer can reach; the leader itself is never named.
 */
class PreferredReadReplicaTest {
    private static final long NOW = 1_000_000;

    @TempDir
    Path dir;
    private Log log;
    private final ReplicaSelector rackAware = new RackAwareReplicaSelector();
    private final Map<Integer, String> racks = new HashMap<>(Map.of(1, "r1", 2, "r2", 3, "r3"));

    @AfterEach
    void close() throws Exception {
        if (log != null) {
            log.close();
        }
    }

    @Test
    void aClientInAFollowersRackIsSentToThatFollower() throws Exception {
        Partition p = leaderWithFollowersAt(List.of(1, 2, 3), 5);
        assertThat(PreferredReadReplica.find(rackAware, p, 5, "r2", racks, 1, NOW)).isEqualTo(2);
        assertThat(PreferredReadReplica.find(rackAware, p, 0, "r3", racks, 1, NOW)).isEqualTo(3);
    }

    @Test
    void theLeaderServesWhenItIsInTheClientsRackOrNoFollowerQualifies() throws Exception {
        Partition p = leaderWithFollowersAt(List.of(1, 2, 3), 5);
        assertThat(PreferredReadReplica.find(rackAware, p, 5, "r1", racks, 1, NOW)).isEqualTo(PreferredReadReplica.NONE);
        assertThat(PreferredReadReplica.find(rackAware, p, 5, null, racks, 1, NOW)).isEqualTo(PreferredReadReplica.NONE);
        assertThat(PreferredReadReplica.find(ReplicaSelector.LEADER, p, 5, "r2", racks, 1, NOW))
                .isEqualTo(PreferredReadReplica.NONE);
        assertThat(PreferredReadReplica.find(rackAware, p, 6, "r2", racks, 1, NOW))
                .as("the follower does not hold the fetch offset yet").isEqualTo(PreferredReadReplica.NONE);
        racks.remove(2);
        assertThat(PreferredReadReplica.find(rackAware, p, 5, "r2", racks, 1, NOW))
                .as("the follower's broker is not reachable (fenced or no endpoint)").isEqualTo(PreferredReadReplica.NONE);
    }

    @Test
    void aFollowerOutsideTheIsrIsNeverNamed() throws Exception {
        Partition p = leaderWithFollowersAt(List.of(1, 3), 5);
        assertThat(PreferredReadReplica.find(rackAware, p, 5, "r2", racks, 1, NOW)).isEqualTo(PreferredReadReplica.NONE);
        assertThat(PreferredReadReplica.find(rackAware, p, 5, "r3", racks, 1, NOW)).isEqualTo(3);
    }

    /** Node 1 leads replicas {1,2,3} with the given ISR; 5 records; every follower has fetched up to {@code at}. */
    private Partition leaderWithFollowersAt(List<Integer> isr, long at) throws Exception {
        log = Log.open(dir.resolve("t-0"), LogConfig.DEFAULTS, Clock.systemUTC(), 0, true);
        Partition p = new Partition(new PartitionKey(Uuid.randomUuid(), 0), "t", 1,
                new LeaderAndIsr(1, 0, List.of(1, 2, 3), isr), log, PartitionListener.NONE,
                new IsrContext((key, current, newIsr) -> new CompletableFuture<>(), 30_000, 100, () -> NOW,
                        new ReplicationMetrics()));
        p.appendAsLeader(Batches.of(5));
        p.updateFollowerFetchState(2, at);
        p.updateFollowerFetchState(3, at);
        return p;
    }
}
