package io.samsa.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.api.ApiDispatcher;
import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiRegistration;
import io.samsa.broker.api.ApiVersionsHandler;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.api.RequestHandlerPool;
import io.samsa.broker.api.RequestMetrics;
import io.samsa.broker.cluster.ClusterView;
import io.samsa.broker.config.BrokerConfig;
import io.samsa.broker.config.Listener;
import io.samsa.broker.testing.Clients;
import io.samsa.broker.testing.FakeClusterController;
import io.samsa.broker.topic.TopicRegistry;
import io.samsa.log.LogConfig;
import io.samsa.log.LogFiles;
import io.samsa.metadata.BrokerRegistrationRecord;
import io.samsa.metadata.ControllerApi.BrokerRegistration;
import io.samsa.metadata.LocalMetadataLog;
import io.samsa.metadata.MetadataRecord;
import io.samsa.metadata.MetadataStateMachine;
import io.samsa.metadata.PartitionRecord;
import io.samsa.metadata.TopicRecord;
import io.samsa.network.auth.SecurityProtocol;
import io.samsa.network.server.Endpoint;
import io.samsa.network.server.NetworkConfig;
import io.samsa.network.server.SocketServer;

/**
 * Metadata, DescribeCluster, CreateTopics, CreatePartitions and DeleteTopics over a three-broker image where only
 * node 1 runs (a {@link FakeClusterController} places replicas round-robin): answered to a stock kafka-clients
 * Admin. Broker 3 is registered but fenced (not alive), so it is left out of the broker list and its replicas
 * are offline; the active controller is node 2.
 */
class ClusterMetadataTest {
    private static final int FENCED = 3;

    @TempDir
    Path dir;

    private LocalMetadataLog metadataLog;
    private FakeClusterController controller;
    private TopicRegistry topics;
    private ClusterView cluster;
    private RequestHandlerPool pool;
    private SocketServer server;
    private Listener advertised;
    private final Uuid topicId = Uuid.randomUuid();
    private final AtomicInteger activeController = new AtomicInteger(2);

    @BeforeEach
    void start() throws Exception {
        MetadataStateMachine state = new MetadataStateMachine();
        metadataLog = new LocalMetadataLog(dir.resolve("metadata"), LogFiles::writeAtomically,
                LocalMetadataLog.DEFAULT_SNAPSHOT_BYTES);
        metadataLog.start(state);
        state.finishReplay();
        controller = new FakeClusterController(state, metadataLog);
        topics = new TopicRegistry(state, controller, 1, LogConfig.DEFAULTS, 1);
        cluster = new ClusterView("cluster-x", 1, topics::image, activeController::get,
                (image, id) -> image.brokers().containsKey(id) && id != FENCED);

        RequestMetrics metrics = new RequestMetrics();
        AtomicReference<ApiDispatcher> dispatcher = new AtomicReference<>();
        pool = new RequestHandlerPool((frame, session) -> dispatcher.get().handle(frame, session), 2, 100, metrics);
        server = new SocketServer(new NetworkConfig(List.of(new Endpoint("PLAINTEXT", "127.0.0.1", 0,
                SecurityProtocol.PLAINTEXT)), 1, 100 << 20, -1, 100, 100, 0), pool, connection -> { });
        advertised = new Listener("PLAINTEXT", "127.0.0.1", server.port());
        List<ApiHandler<?>> handlers = List.of(
                new MetadataHandler(cluster, topics, false, 1, (short) 1),
                new DescribeClusterHandler(cluster),
                new CreateTopicsHandler(topics, BrokerConfig.from(Map.of("default.replication.factor", "2"))),
                new CreatePartitionsHandler(topics),
                new DeleteTopicsHandler(topics),
                new ApiVersionsHandler(() -> dispatcher.get().registrations()));
        dispatcher.set(new ApiDispatcher(handlers.stream().map(ApiRegistration::of).toList(), metrics,
                name -> advertised));
        server.start();

        register(1, "127.0.0.1", server.port(), "r1");
        register(2, "127.0.0.1", 19092, "r2");
        register(FENCED, "127.0.0.1", 19093, "r3");
        controller.write(List.<MetadataRecord>of(
                new TopicRecord("t", topicId),
                new PartitionRecord(topicId, 0, List.of(1, 2, 3), List.of(1, 2), 1, 5, 7),
                new PartitionRecord(topicId, 1, List.of(2, 3, 1), List.of(2, 1), 2, 3, 3),
                new PartitionRecord(topicId, 2, List.of(3, 2), List.of(3), -1, 4, 4)))
                .toCompletableFuture().join();
    }

    /** A broker with a PLAINTEXT and an INTERNAL endpoint (the INTERNAL one on port + 1000). */
    private void register(int id, String host, int port, String rack) {
        controller.registerBroker(new BrokerRegistration(id, Uuid.randomUuid(), List.of(
                new BrokerRegistrationRecord.Endpoint("PLAINTEXT", "PLAINTEXT", host, port),
                new BrokerRegistrationRecord.Endpoint("INTERNAL", "PLAINTEXT", "10.0.0." + id, port + 1000)),
                rack)).toCompletableFuture().join();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        pool.close();
        metadataLog.close();
    }

    @Test
    void aStockAdminSeesEveryLiveBrokerTheControllerAndEachPartitionsLeaderReplicasAndIsr() throws Exception {
        try (Admin admin = Clients.admin("127.0.0.1:" + server.port())) {
            DescribeClusterResult described = admin.describeCluster();
            assertThat(described.clusterId().get(30, TimeUnit.SECONDS)).isEqualTo("cluster-x");
            assertThat(described.controller().get(30, TimeUnit.SECONDS).id()).isEqualTo(2);
            assertThat(described.nodes().get(30, TimeUnit.SECONDS))
                    .extracting(Node::id, Node::port, Node::rack)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple(1, server.port(), "r1"),
                            org.assertj.core.groups.Tuple.tuple(2, 19092, "r2"));

            TopicDescription t = admin.describeTopics(List.of("t")).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get("t");
            assertThat(t.topicId()).isEqualTo(topicId);
            List<TopicPartitionInfo> partitions = t.partitions();
            assertThat(partitions).hasSize(3);
            assertThat(partitions.get(0).leader().id()).isEqualTo(1);
            assertThat(ids(partitions.get(0).replicas())).containsExactly(1, 2, 3);
            assertThat(ids(partitions.get(0).isr())).containsExactly(1, 2);
            assertThat(partitions.get(1).leader().id()).isEqualTo(2);
            assertThat(partitions.get(1).leader().port()).isEqualTo(19092);
            assertThat(ids(partitions.get(1).isr())).containsExactly(2, 1);
            assertThat(partitions.get(2).leader()).as("no leader").isNull();
            assertThat(ids(partitions.get(2).replicas())).containsExactly(3, 2);
        }
    }

    @Test
    void aPartitionWithoutLeaderIsLeaderNotAvailableAndReplicasOnFencedBrokersAreOffline() {
        MetadataResponseData response = metadata(new Listener("PLAINTEXT", "127.0.0.1", server.port()));
        List<MetadataResponsePartition> partitions = response.topics().find("t").partitions();
        assertThat(partitions.get(0).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(partitions.get(0).leaderEpoch()).isEqualTo(5);
        assertThat(partitions.get(0).offlineReplicas()).containsExactly(FENCED);
        MetadataResponsePartition leaderless = partitions.get(2);
        assertThat(leaderless.errorCode()).isEqualTo(Errors.LEADER_NOT_AVAILABLE.code());
        assertThat(leaderless.leaderId()).isEqualTo(-1);
        assertThat(leaderless.replicaNodes()).containsExactly(3, 2);
        assertThat(leaderless.isrNodes()).containsExactly(3);
        assertThat(leaderless.offlineReplicas()).containsExactly(FENCED);
        assertThat(response.controllerId()).isEqualTo(2);
    }

    @Test
    void eachBrokerIsAnsweredAtItsEndpointForTheRequestsListener() {
        MetadataResponseData response = metadata(new Listener("INTERNAL", "10.0.0.1", 10_001));
        assertThat(response.brokers().find(1).host()).isEqualTo("10.0.0.1");
        assertThat(response.brokers().find(2).host()).isEqualTo("10.0.0.2");
        assertThat(response.brokers().find(2).port()).isEqualTo(20092);
        assertThat(response.brokers().find(FENCED)).isNull();
    }

    @Test
    void autoCreationWithMoreReplicasThanBrokersIsInvalidReplicationFactor() {
        MetadataHandler autoCreating = new MetadataHandler(cluster, topics, true, 1, (short) 4);
        MetadataResponseData response = autoCreating.handle(context(advertised), new MetadataRequestData()
                .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("new")))
                .setAllowAutoTopicCreation(true)).toCompletableFuture().join();
        assertThat(response.topics().find("new").errorCode()).isEqualTo(Errors.INVALID_REPLICATION_FACTOR.code());

        MetadataHandler rf2 = new MetadataHandler(cluster, topics, true, 2, (short) 2);
        MetadataResponseData created = rf2.handle(context(advertised), new MetadataRequestData()
                .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("new")))
                .setAllowAutoTopicCreation(true)).toCompletableFuture().join();
        assertThat(created.topics().find("new").errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(created.topics().find("new").partitions()).allSatisfy(p ->
                assertThat(p.replicaNodes()).hasSize(2));
    }

    @Test
    void createTopicsPassesReplicationFactorAndAssignmentsToTheControllerAndTheNextMetadataSeesTheTopic()
            throws Exception {
        // Admin sends these to the node named controller: a fenced active controller is not named, this node is.
        activeController.set(FENCED);
        try (Admin admin = Clients.admin("127.0.0.1:" + server.port())) {
            assertThat(admin.describeCluster().controller().get(30, TimeUnit.SECONDS).id()).isEqualTo(1);
            admin.createTopics(List.of(new NewTopic("r2", 3, (short) 2),
                    new NewTopic("manual", Map.of(0, List.of(2, 1), 1, List.of(1, 3))),
                    new NewTopic("defaults", Optional.empty(), Optional.empty()))).all().get(30, TimeUnit.SECONDS);
            Map<String, TopicDescription> d = admin.describeTopics(List.of("r2", "manual", "defaults"))
                    .allTopicNames().get(30, TimeUnit.SECONDS);
            assertThat(d.get("r2").partitions()).hasSize(3)
                    .allSatisfy(p -> assertThat(p.replicas()).hasSize(2));
            assertThat(ids(d.get("manual").partitions().get(0).replicas())).containsExactly(2, 1);
            assertThat(ids(d.get("manual").partitions().get(1).replicas())).containsExactly(1, 3);
            assertThat(d.get("defaults").partitions()).hasSize(1)
                    .allSatisfy(p -> assertThat(p.replicas()).as("default.replication.factor").hasSize(2));

            assertFails(admin.createTopics(List.of(new NewTopic("r4", 1, (short) 4))).all(),
                    InvalidReplicationFactorException.class);
            assertFails(admin.createTopics(List.of(new NewTopic("r0", 1, (short) 0))).all(),
                    InvalidReplicationFactorException.class);
            assertFails(admin.createTopics(List.of(new NewTopic("unknown", Map.of(0, List.of(1, 9))))).all(),
                    InvalidReplicaAssignmentException.class);
            assertFails(admin.createTopics(List.of(new NewTopic("gap", Map.of(0, List.of(1), 2, List.of(2))))).all(),
                    InvalidReplicaAssignmentException.class);
            assertFails(admin.createTopics(List.of(new NewTopic("twice", Map.of(0, List.of(1, 1))))).all(),
                    InvalidReplicaAssignmentException.class);

            admin.createTopics(List.of(new NewTopic("checked", 1, (short) 3)),
                    new CreateTopicsOptions().validateOnly(true)).all().get(30, TimeUnit.SECONDS);
            assertThat(topics.get("checked")).isEmpty();

            admin.createPartitions(Map.of("r2", NewPartitions.increaseTo(5))).all().get(30, TimeUnit.SECONDS);
            assertThat(admin.describeTopics(List.of("r2")).allTopicNames().get(30, TimeUnit.SECONDS).get("r2")
                    .partitions()).hasSize(5);

            admin.deleteTopics(List.of("r2")).all().get(30, TimeUnit.SECONDS);
            assertFails(admin.describeTopics(List.of("r2")).allTopicNames(), UnknownTopicOrPartitionException.class);
        }
    }

    @Test
    void producerIdsComeFromBlocksTheControllerAllocates() throws Exception {
        ProducerIdManager node1 = new ProducerIdManager(controller, 1);
        ProducerIdManager node2 = new ProducerIdManager(controller, 2);
        long a = node1.next().toCompletableFuture().get(30, TimeUnit.SECONDS);
        long b = node2.next().toCompletableFuture().get(30, TimeUnit.SECONDS);
        long c = node1.next().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(c).isEqualTo(a + 1);
        assertThat(b).as("another broker's block").isGreaterThanOrEqualTo(a + 1000);
    }

    private static void assertFails(KafkaFuture<?> future, Class<? extends Throwable> expected) {
        assertThatThrownBy(() -> future.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(expected);
    }

    private MetadataResponseData metadata(Listener listener) {
        return new MetadataHandler(cluster, topics, false, 1, (short) 1).handle(context(listener),
                new MetadataRequestData().setTopics(null)).toCompletableFuture().join();
    }

    private static RequestContext context(Listener listener) {
        return new RequestContext(ApiKeys.METADATA, (short) 12, "test", null, listener, System.nanoTime());
    }

    private static List<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }
}
