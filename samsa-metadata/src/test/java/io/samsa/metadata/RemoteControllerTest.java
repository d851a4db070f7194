package io.samsa.metadata;

import static io.samsa.metadata.ClusterTestSupport.errorOf;
import static io.samsa.metadata.ClusterTestSupport.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.metadata.quorum.ControllerChannel;

/** RemoteController ↔ ControllerRequestServer over an in-memory channel, the event loop behind the server. */
class RemoteControllerTest {
    private static final BrokerRegistrationRecord.Endpoint EP =
            new BrokerRegistrationRecord.Endpoint("PLAINTEXT", "PLAINTEXT", "h1", 9092);

    @TempDir
    Path dir;

    @Test
    void everyCallRoundTripsWithItsResultOrError() throws Exception {
        try (ClusterTestSupport c = new ClusterTestSupport(dir)) {
            ControllerEventLoop loop = new ControllerEventLoop(c.controller, c.clock::get, 0, 0);
            loop.onBecomeActive();
            try {
                ControllerRequestServer server = new ControllerRequestServer(loop);
                RemoteController remote = new RemoteController(server::handle, c::image, 3, 1);

                Uuid incarnation = Uuid.randomUuid();
                var registered = join(remote.registerBroker(new ControllerApi.BrokerRegistration(1, incarnation,
                        List.of(EP), "r1")));
                assertThat(registered.brokerEpoch()).isEqualTo(c.image().broker(1).brokerEpoch());
                assertThat(c.image().broker(1).endpoints()).containsExactly(EP);
                assertThat(c.image().broker(1).rack()).isEqualTo("r1");
                long epoch = registered.brokerEpoch();
                var beat = join(remote.heartbeat(new ControllerApi.BrokerHeartbeat(1, epoch, epoch, false)));
                assertThat(beat.fenced()).isFalse();
                assertThat(beat.offset()).isEqualTo(c.image().offset());
                assertThat(errorOf(remote.heartbeat(new ControllerApi.BrokerHeartbeat(1, epoch + 1, epoch, false))))
                        .isEqualTo(Errors.STALE_BROKER_EPOCH);

                var created = join(remote.createTopic(new ControllerApi.CreateTopic("t", -1, (short) -1,
                        Map.of(0, List.of(1), 1, List.of(1)), Map.of("cleanup.policy", "compact"), false)));
                assertThat(created.topicId()).isEqualTo(c.image().topics().get("t").id());
                assertThat(created.partitions()).isEqualTo(2);
                assertThat(created.replicationFactor()).isEqualTo((short) 1);
                assertThat(c.image().configs().topic("t")).containsEntry("cleanup.policy", "compact");
                assertThat(catchThrowable(() -> join(remote.createTopic(new ControllerApi.CreateTopic("t", 1,
                        (short) 1, Map.of(), Map.of(), false)))).getCause()).isInstanceOf(TopicExistsException.class)
                        .hasMessage("Topic 't' already exists.");
                assertThat(catchThrowable(() -> join(remote.createTopic(new ControllerApi.CreateTopic("u", 1,
                        (short) 2, Map.of(), Map.of(), false)))).getCause())
                        .isInstanceOf(InvalidReplicationFactorException.class).hasMessageContaining("only 1 broker(s)");

                var grown = join(remote.createPartitions("t", 3, false));
                assertThat(grown.partitions()).isEqualTo(3);
                assertThat(c.image().topics().get("t").partitionCount()).isEqualTo(3);

                PartitionRecord p = c.image().topics().get("t").partition(0);
                var altered = join(remote.alterPartition(new ControllerApi.AlterPartition(1, epoch, created.topicId(),
                        0, p.leaderEpoch(), p.partitionEpoch(), List.of(1))));
                assertThat(altered.partition()).isEqualTo(p); // nothing to change
                assertThat(errorOf(remote.alterPartition(new ControllerApi.AlterPartition(1, epoch,
                        created.topicId(), 0, p.leaderEpoch() + 1, p.partitionEpoch(), List.of(1)))))
                        .isEqualTo(Errors.FENCED_LEADER_EPOCH);

                var ids = join(remote.allocateProducerIds(1));
                assertThat(ids.block()).isEqualTo(new ProducerIdsRecord(1, 0, 1000));

                var deleted = join(remote.deleteTopic("t"));
                assertThat(deleted.topicId()).isEqualTo(created.topicId());
                assertThat(deleted.partitions()).isEqualTo(3);
                assertThat(c.image().topics().get("t")).isNull();
                assertThat(errorOf(remote.deleteTopic("t"))).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            } finally {
                loop.onResign();
            }
        }
    }

    @Test
    void topicConfigChangesRoundTripWithTheirErrors() throws Exception {
        try (ClusterTestSupport c = new ClusterTestSupport(dir)) {
            ControllerEventLoop loop = new ControllerEventLoop(c.controller, c.clock::get, 0, 0);
            loop.onBecomeActive();
            try {
                RemoteController remote = new RemoteController(new ControllerRequestServer(loop)::handle, c::image,
                        3, 1);
                long epoch = join(remote.registerBroker(new ControllerApi.BrokerRegistration(1, Uuid.randomUuid(),
                        List.of(EP), null))).brokerEpoch();
                join(remote.heartbeat(new ControllerApi.BrokerHeartbeat(1, epoch, epoch, false))); // unfenced
                join(remote.createTopic(new ControllerApi.CreateTopic("t", -1, (short) -1, Map.of(0, List.of(1)),
                        Map.of("retention.ms", "1", "segment.ms", "2"), false)));

                long offset = join(remote.alterTopicConfigs(new ControllerApi.AlterTopicConfigs("t", List.of(
                        new ControllerApi.ConfigChange("retention.ms", ControllerApi.ConfigChange.SET, "5"),
                        new ControllerApi.ConfigChange("segment.ms", ControllerApi.ConfigChange.DELETE, null),
                        new ControllerApi.ConfigChange("cleanup.policy", ControllerApi.ConfigChange.APPEND, "compact")),
                        false, false)));
                assertThat(offset).isEqualTo(c.image().offset());
                assertThat(c.image().configs().topic("t"))
                        .isEqualTo(Map.of("retention.ms", "5", "cleanup.policy", "compact"));

                assertThat(join(remote.alterTopicConfigs(new ControllerApi.AlterTopicConfigs("t", List.of(
                        new ControllerApi.ConfigChange("flush.ms", ControllerApi.ConfigChange.SET, "7")), true, true))))
                        .isEqualTo(-1L);
                join(remote.alterTopicConfigs(new ControllerApi.AlterTopicConfigs("t", List.of(
                        new ControllerApi.ConfigChange("flush.ms", ControllerApi.ConfigChange.SET, "7")), true, false)));
                assertThat(c.image().configs().topic("t")).isEqualTo(Map.of("flush.ms", "7"));

                assertThat(errorOf(remote.alterTopicConfigs(new ControllerApi.AlterTopicConfigs("none", List.of(
                        new ControllerApi.ConfigChange("flush.ms", ControllerApi.ConfigChange.SET, "7")), false,
                        false)))).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
                assertThat(errorOf(remote.alterTopicConfigs(new ControllerApi.AlterTopicConfigs("t", List.of(
                        new ControllerApi.ConfigChange("flush.ms", ControllerApi.ConfigChange.APPEND, "7")), false,
                        false)))).isEqualTo(Errors.INVALID_CONFIG);
            } finally {
                loop.onResign();
            }
        }
    }

    @Test
    void notControllerIsRetriedABoundedNumberOfTimes() throws Exception {
        try (ClusterTestSupport c = new ClusterTestSupport(dir)) {
            ControllerEventLoop loop = new ControllerEventLoop(c.controller, c.clock::get, 0, 0);
            ControllerRequestServer server = new ControllerRequestServer(loop);
            AtomicInteger calls = new AtomicInteger();
            ControllerChannel flaky = request -> calls.incrementAndGet() <= 2
                    ? CompletableFuture.failedFuture(new NotControllerException("electing"))
                    : server.handle(request);
            loop.onBecomeActive();
            try {
                var ids = join(new RemoteController(flaky, c::image, 3, 1).allocateProducerIds(7));
                assertThat(ids.block().brokerId()).isEqualTo(7);
                assertThat(calls.get()).isEqualTo(3);
            } finally {
                loop.onResign();
            }
            // inactive: the server itself answers NOT_CONTROLLER, and the caller gives up after its retries
            calls.set(0);
            ControllerChannel counting = request -> {
                calls.incrementAndGet();
                return server.handle(request);
            };
            assertThat(errorOf(new RemoteController(counting, c::image, 2, 1).allocateProducerIds(1)))
                    .isEqualTo(Errors.NOT_CONTROLLER);
            assertThat(calls.get()).isEqualTo(3);
        }
    }
}
