package io.samsa.metadata;

import static io.samsa.metadata.ClusterTestSupport.errorOf;
import static io.samsa.metadata.ClusterTestSupport.join;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterControllerTest {
    @TempDir
    Path dir;

    @Test
    void placementStripesRacksAndRotatesLeaders() throws Exception {
        try (ClusterTestSupport c = new ClusterTestSupport(dir)) {
            c.start(1, "a");
            c.start(2, "a");
            c.start(3, "b");
            c.start(4, "b");
            join(c.controller.createTopic(new ControllerApi.CreateTopic("t", 4, (short) 2, Map.of(), Map.of(),
                    false)));
            assertThat(c.partition("t", 0).replicas()).containsExactly(1, 3);
            assertThat(c.partition("t", 1).replicas()).containsExactly(3, 2);
            assertThat(c.partition("t", 2).replicas()).containsExactly(2, 4);
            assertThat(c.partition("t", 3).replicas()).containsExactly(4, 1);
            Set<Integer> leaders = new HashSet<>();
            for (int p = 0; p < 4; p++) {
                PartitionRecord r = c.partition("t", p);
                assertThat(r.leader()).isEqualTo(r.replicas().get(0));
                assertThat(r.isr()).isEqualTo(r.replicas());
                leaders.add(r.leader());
            }
            assertThat(leaders).containsExactlyInAnyOrder(1, 2, 3, 4);
            // createPartitions continues the stripe with partition 0's replication factor
            join(c.controller.createPartitions("t", 5, false));
            assertThat(c.partition("t", 4).replicas()).containsExactly(1, 3);
        }
    }

    @Test
    void replicationFactorBeyondUnfencedBrokersIsRefused() throws Exception {
        try (ClusterTestSupport c = new ClusterTestSupport(dir)) {
            c.start(1, null);
            c.start(2, null);
            c.register(3, null); // fenced: not counted
            var tooMany = c.controller.createTopic(new ControllerApi.CreateTopic("t", 1, (short) 3, Map.of(),
                    Map.of(), false));
            assertThat(errorOf(tooMany)).isEqualTo(Errors.INVALID_REPLICATION_FACTOR);
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> join(tooMany)).getCause()).isInstanceOf(
                    InvalidReplicationFactorException.class).hasMessage("Unable to replicate the partition 3 "
                    + "time(s): The target replication factor of 3 cannot be reached because only 2 broker(s) "
                    + "are registered.");
            assertThat(errorOf(c.controller.createTopic(new ControllerApi.CreateTopic("t", 1, (short) 0, Map.of(),
                    Map.of(), false)))).isEqualTo(Errors.INVALID_REPLICATION_FACTOR);
            assertThat(errorOf(c.controller.createTopic(new ControllerApi.CreateTopic("t", -1, (short) -1,
                    Map.of(0, List.of(1, 1)), Map.of(), false)))).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT);
            assertThat(errorOf(c.controller.createTopic(new ControllerApi.CreateTopic("t", -1, (short) -1,
                    Map.of(0, List.of(1, 9)), Map.of(), false)))).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT);
            assertThat(errorOf(c.controller.createTopic(new ControllerApi.CreateTopic("t", -1, (short) -1,
                    Map.of(0, List.of(1), 2, List.of(2)), Map.of(), false))))
                    .isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT);
            assertThat(c.image().topics().all()).isEmpty();
        }
    }

    @Test
    void registrationIsFencedUntilCaughtUpAndNewIncarnationsReplaceOldOnes() throws Exception {
        try (ClusterTestSupport c = new ClusterTestSupport(dir)) {
            long epoch = c.register(1, null);
            assertThat(epoch).isEqualTo(c.image().offset());
            assertThat(c.image().broker(1).fenced()).isTrue();
            var behind = join(c.controller.heartbeat(new ControllerApi.BrokerHeartbeat(1, epoch, epoch - 1, false)));
            assertThat(behind.fenced()).isTrue();
            var caughtUp = join(c.controller.heartbeat(new ControllerApi.BrokerHeartbeat(1, epoch, epoch, false)));
            assertThat(caughtUp.fenced()).isFalse();
            assertThat(c.image().broker(1).fenced()).isFalse();
            assertThat(c.image().unfencedBrokers()).containsExactly(1);
            assertThat(errorOf(c.controller.heartbeat(new ControllerApi.BrokerHeartbeat(1, epoch + 7, epoch, false))))
                    .isEqualTo(Errors.STALE_BROKER_EPOCH);
            long second = c.register(1, null);
            assertThat(second).isGreaterThan(epoch);
            assertThat(c.image().broker(1).fenced()).isTrue();
            assertThat(errorOf(c.controller.heartbeat(new ControllerApi.BrokerHeartbeat(1, epoch, second, false))))
                    .isEqualTo(Errors.STALE_BROKER_EPOCH);
        }
    }

    @Test
    void sessionExpiryMovesLeadersShrinksIsrsAndLeavesTheLastMemberLeaderless() throws Exception {
        try (ClusterTestSupport c = new ClusterTestSupport(dir)) {
            c.start(1, null);
            c.start(2, null);
            c.start(3, null);
            c.create("t", Map.of(0, List.of(1, 2, 3)));
            c.controller.onBecomeActive(c.clock.get());
            c.expire(1);
            PartitionRecord p = c.partition("t", 0);
            assertThat(c.image().broker(1).fenced()).isTrue();
            assertThat(p.leader()).isEqualTo(2);
            assertThat(p.isr()).containsExactly(2, 3);
            assertThat(p.leaderEpoch()).isEqualTo(1);
            assertThat(p.partitionEpoch()).isEqualTo(1);
            c.expire(2);
            p = c.partition("t", 0);
            assertThat(p.leader()).isEqualTo(3);
            assertThat(p.isr()).containsExactly(3);
            c.expire(3);
            p = c.partition("t", 0);
            assertThat(p.leader()).isEqualTo(-1);
            assertThat(p.isr()).containsExactly(3); // never below one member
            assertThat(p.leaderEpoch()).isEqualTo(3);
            assertThat(p.partitionEpoch()).isEqualTo(3);
            // broker 1 comes back: not in the ISR, so no unclean election; broker 3 comes back: it leads
            c.heartbeat(1);
            assertThat(c.partition("t", 0).leader()).isEqualTo(-1);
            c.heartbeat(3);
            p = c.partition("t", 0);
            assertThat(p.leader()).isEqualTo(3);
            assertThat(p.leaderEpoch()).isEqualTo(4);
            assertThat(p.partitionEpoch()).isEqualTo(4);
        }
    }

    @Test
    void uncleanElectionLetsAnOutOfSyncReplicaLead() throws Exception {
        try (ClusterTestSupport c = new ClusterTestSupport(dir, true)) {
            c.start(1, null);
            c.start(2, null);
            c.create("t", Map.of(0, List.of(1, 2)));
            c.controller.onBecomeActive(c.clock.get());
            c.expire(2);
            c.expire(1); // ISR [1], leader -1, broker 2 fenced
            assertThat(c.partition("t", 0).leader()).isEqualTo(-1);
            c.heartbeat(2);
            assertThat(c.partition("t", 0).leader()).isEqualTo(2);
            assertThat(c.partition("t", 0).isr()).containsExactly(2);
        }
    }

    @Test
    void aNewControllerGivesEveryBrokerAFreshSession() throws Exception {
        try (ClusterTestSupport c = new ClusterTestSupport(dir)) {
            c.start(1, null);
            c.clock.addAndGet(10_000);
            c.controller.onBecomeActive(c.clock.get());
            join(c.controller.tick(c.clock.get()));
            assertThat(c.image().broker(1).fenced()).isFalse();
            c.advance(2001);
            assertThat(c.image().broker(1).fenced()).isTrue();
        }
    }

    @Test
    void theFormerControllersBrokerIsFencedASessionAfterItWentSilent() throws Exception {
        try (ClusterTestSupport c = new ClusterTestSupport(dir)) {
            c.start(1, null);
            c.start(2, null);
            c.clock.addAndGet(10_000);
            // Node 1 led the quorum and went silent 1.5 s before this controller became active.
            c.controller.onBecomeActive(c.clock.get(), Map.of(1, c.clock.get() - 1500));
            for (int i = 0; i < 6; i++) {
                c.clock.addAndGet(100);
                c.heartbeat(2);
                join(c.controller.tick(c.clock.get()));
            }
            assertThat(c.image().broker(1).fenced()).isTrue();
            assertThat(c.image().broker(2).fenced()).isFalse();
        }
    }

    @Test
    void aStalledControllerDoesNotCountItsOwnPauseAgainstTheBrokers() throws Exception {
        try (ClusterTestSupport c = new ClusterTestSupport(dir)) {
            c.start(1, null);
            c.controller.onBecomeActive(c.clock.get());
            c.advance(1000);
            c.clock.addAndGet(5_000); // the controller's thread did not run (SIGSTOP, a long GC pause)
            join(c.controller.tick(c.clock.get()));
            assertThat(c.image().broker(1).fenced()).isFalse();
            c.advance(1100); // but a broker that stays silent is still fenced, a session after the last contact
            assertThat(c.image().broker(1).fenced()).isTrue();
        }
    }

    @Test
    void controlledShutdownMovesLeadershipAwayThenAllowsTheStop() throws Exception {
        try (ClusterTestSupport c = new ClusterTestSupport(dir)) {
            long epoch = c.start(1, null);
            c.start(2, null);
            c.create("t", Map.of(0, List.of(1, 2), 1, List.of(2, 1)));
            var result = join(c.controller.heartbeat(new ControllerApi.BrokerHeartbeat(1, epoch, c.image().offset(),
                    true)));
            assertThat(result.shouldShutDown()).isTrue();
            assertThat(result.fenced()).isTrue();
            assertThat(c.partition("t", 0).leader()).isEqualTo(2);
            assertThat(c.partition("t", 0).isr()).containsExactly(2);
            assertThat(c.partition("t", 0).leaderEpoch()).isEqualTo(1);
            assertThat(c.partition("t", 1).leader()).isEqualTo(2);
            assertThat(c.partition("t", 1).isr()).containsExactly(2);
            assertThat(c.partition("t", 1).leaderEpoch()).isZero();
            assertThat(c.image().broker(1).fenced()).isTrue();
            // nothing is placed on a broker shutting down
            assertThat(errorOf(c.controller.createTopic(new ControllerApi.CreateTopic("u", 1, (short) 2, Map.of(),
                    Map.of(), false)))).isEqualTo(Errors.INVALID_REPLICATION_FACTOR);
        }
    }

    @Test
    void alterPartitionAcceptsOnlyTheCurrentLeaderAtTheCurrentEpochs() throws Exception {
        try (ClusterTestSupport c = new ClusterTestSupport(dir)) {
            long e1 = c.start(1, null);
            long e2 = c.start(2, null);
            c.start(3, null);
            Uuid id = c.create("t", Map.of(0, List.of(1, 2, 3))).topicId();
            assertThat(errorOf(alter(c, 1, e1, id, 0, 0, List.of(1, 2)))).isEqualTo(Errors.NONE);
            PartitionRecord p = c.partition("t", 0);
            assertThat(p.isr()).containsExactly(1, 2);
            assertThat(p.partitionEpoch()).isEqualTo(1);
            assertThat(p.leaderEpoch()).isZero();
            assertThat(errorOf(alter(c, 1, e1, id, 0, 0, List.of(1)))).isEqualTo(Errors.INVALID_UPDATE_VERSION);
            assertThat(errorOf(alter(c, 1, e1, id, 1, 1, List.of(1)))).isEqualTo(Errors.FENCED_LEADER_EPOCH);
            assertThat(errorOf(alter(c, 2, e2, id, 0, 1, List.of(2)))).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
            assertThat(errorOf(alter(c, 1, e1 + 1, id, 0, 1, List.of(1)))).isEqualTo(Errors.STALE_BROKER_EPOCH);
            assertThat(errorOf(alter(c, 1, e1, id, 0, 1, List.of(2)))).isEqualTo(Errors.INVALID_REQUEST);
            c.controller.onBecomeActive(c.clock.get());
            c.expire(3);
            // broker 3 is fenced now (it was not in the ISR): it may not join
            PartitionRecord now = c.partition("t", 0);
            assertThat(errorOf(alter(c, 1, e1, id, now.leaderEpoch(), now.partitionEpoch(), List.of(1, 2, 3))))
                    .isEqualTo(Errors.INELIGIBLE_REPLICA);
            var shrunk = join(alter(c, 1, e1, id, now.leaderEpoch(), now.partitionEpoch(), List.of(1)));
            assertThat(shrunk.partition()).isEqualTo(c.partition("t", 0));
            assertThat(shrunk.offset()).isEqualTo(c.image().offset());
        }
    }

    @Test
    void preferredLeaderElectionReturnsLeadershipToTheFirstReplica() throws Exception {
        try (ClusterTestSupport c = new ClusterTestSupport(dir)) {
            long e1 = c.start(1, null);
            long e2 = c.start(2, null);
            Uuid id = c.create("t", Map.of(0, List.of(1, 2))).topicId();
            c.controller.onBecomeActive(c.clock.get());
            c.expire(1);
            assertThat(c.partition("t", 0).leader()).isEqualTo(2);
            join(c.controller.electPreferredLeaders());
            assertThat(c.partition("t", 0).leader()).isEqualTo(2); // 1 is fenced and out of the ISR
            c.heartbeat(1); // unfenced, but not in the ISR yet
            join(c.controller.electPreferredLeaders());
            assertThat(c.partition("t", 0).leader()).isEqualTo(2);
            PartitionRecord p = c.partition("t", 0);
            join(alter(c, 2, e2, id, p.leaderEpoch(), p.partitionEpoch(), List.of(2, 1)));
            join(c.controller.electPreferredLeaders());
            p = c.partition("t", 0);
            assertThat(p.leader()).isEqualTo(1);
            assertThat(p.isr()).containsExactly(2, 1);
            assertThat(p.leaderEpoch()).isEqualTo(2);
            assertThat(e1).isNotNegative();
        }
    }

    @Test
    void theEventLoopServesOnlyWhileActive() throws Exception {
        try (ClusterTestSupport c = new ClusterTestSupport(dir)) {
            ControllerEventLoop loop = new ControllerEventLoop(c.controller, c.clock::get, 0, 0);
            assertThat(errorOf(loop.allocateProducerIds(1))).isEqualTo(Errors.NOT_CONTROLLER);
            loop.onBecomeActive();
            try {
                long epoch = join(loop.registerBroker(new ControllerApi.BrokerRegistration(1, Uuid.randomUuid(),
                        List.of(), null))).brokerEpoch();
                assertThat(join(loop.heartbeat(new ControllerApi.BrokerHeartbeat(1, epoch, epoch, false))).fenced())
                        .isFalse();
                var created = join(loop.createTopic(new ControllerApi.CreateTopic("t", 2, (short) 1, Map.of(),
                        Map.of(), false)));
                assertThat(created.offset()).isEqualTo(c.image().offset());
                assertThat(errorOf(loop.createTopic(new ControllerApi.CreateTopic("t", 2, (short) 1, Map.of(),
                        Map.of(), false)))).isEqualTo(Errors.TOPIC_ALREADY_EXISTS);
                for (int i = 0; i < 25; i++) { // 2.5 s of 100 ms session checks
                    c.clock.addAndGet(100);
                    join(loop.tick());
                }
                assertThat(c.image().broker(1).fenced()).isTrue();
                assertThat(c.partition("t", 0).leader()).isEqualTo(-1);
            } finally {
                loop.onResign();
            }
            assertThat(errorOf(loop.deleteTopic("t"))).isEqualTo(Errors.NOT_CONTROLLER);
        }
    }

    private static java.util.concurrent.CompletionStage<ControllerApi.PartitionResult> alter(
            ClusterTestSupport c, int broker, long epoch, Uuid id, int leaderEpoch, int partitionEpoch,
            List<Integer> isr) {
        return c.controller.alterPartition(new ControllerApi.AlterPartition(broker, epoch, id, 0, leaderEpoch,
                partitionEpoch, isr));
    }
}
