package io.samsa.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeQuorumRequestData;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.PartitionData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.junit.jupiter.api.Test;

import io.samsa.broker.api.ApiDispatcher;
import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiRegistration;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.ApiVersionsHandler;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.api.RequestHandlerPool;
import io.samsa.broker.api.RequestMetrics;
import io.samsa.broker.config.BrokerConfig;
import io.samsa.broker.config.Listener;
import io.samsa.metadata.quorum.QuorumStatus;
import io.samsa.metadata.quorum.QuorumStatus.ReplicaState;
import io.samsa.network.auth.Principal;
import io.samsa.network.auth.SecurityProtocol;
import io.samsa.network.server.FrameHandler.ClientAddress;
import io.samsa.network.server.Session;
import io.samsa.network.server.SocketServer;
import io.samsa.testkit.KafkaTool;

/**
 * DescribeQuorum at every version, and Kafka's own {@code kafka-metadata-quorum} tool (from the Kafka jars in
 * samsa-kafka-dist, in a child JVM) reading it over a socket from a dispatcher that serves only what the tool asks:
 * ApiVersions, Metadata, DescribeCluster and DescribeQuorum.
 */
class DescribeQuorumHandlerTest {
    private static final long NOW = 1_700_000_000_000L;
    private static final QuorumStatus THREE_VOTERS = new QuorumStatus(2, 7, 120,
            List.of(new ReplicaState(1, 118, NOW - 100, NOW - 300), new ReplicaState(2, 121, NOW, NOW),
                    new ReplicaState(3, 120, NOW - 50, NOW - 50)),
            List.of(new ReplicaState(4, 90, NOW - 20, NOW - 5000)));
    private static final Map<Integer, Listener> ENDPOINTS = Map.of(1, new Listener("CONTROLLER", "h1", 9093),
            2, new Listener("CONTROLLER", "h2", 9093), 3, new Listener("CONTROLLER", "h3", 9093));

    @Test
    void everyVersionDescribesTheMetadataPartition() throws Exception {
        DescribeQuorumHandler handler = new DescribeQuorumHandler(2, () -> THREE_VOTERS, ENDPOINTS);
        for (short v = 0; v <= 2; v++) {
            DescribeQuorumResponseData r = roundTrip(handler, v, request(DescribeQuorumHandler.METADATA_TOPIC, 0));
            PartitionData p = r.topics().get(0).partitions().get(0);
            assertThat(p.errorCode()).isZero();
            assertThat(p.leaderId()).isEqualTo(2);
            assertThat(p.leaderEpoch()).isEqualTo(7);
            assertThat(p.highWatermark()).isEqualTo(120);
            assertThat(p.currentVoters()).extracting(DescribeQuorumResponseData.ReplicaState::replicaId)
                    .containsExactly(1, 2, 3);
            assertThat(p.observers()).extracting(DescribeQuorumResponseData.ReplicaState::logEndOffset)
                    .containsExactly(90L);
            assertThat(p.currentVoters().get(0).lastCaughtUpTimestamp()).isEqualTo(v >= 1 ? NOW - 300 : -1);
            assertThat(r.nodes()).hasSize(v >= 2 ? 3 : 0);
            if (v >= 2) {
                assertThat(r.nodes().find(3).listeners().find("CONTROLLER").host()).isEqualTo("h3");
            }
        }
    }

    @Test
    void aSingleNodeIsItsOwnQuorumAndOtherPartitionsAreUnknown() throws Exception {
        DescribeQuorumHandler handler = new DescribeQuorumHandler(5, () -> null, Map.of());
        DescribeQuorumRequestData request = request(DescribeQuorumHandler.METADATA_TOPIC, 0);
        request.topics().add(request("orders", 0).topics().get(0).duplicate());
        DescribeQuorumResponseData r = roundTrip(handler, (short) 2, request);
        PartitionData p = r.topics().get(0).partitions().get(0);
        assertThat(p.leaderId()).isEqualTo(5);
        assertThat(p.currentVoters()).extracting(DescribeQuorumResponseData.ReplicaState::replicaId)
                .containsExactly(5);
        assertThat(r.nodes().find(5).listeners().find("PLAINTEXT").port()).as("the listener asked").isEqualTo(9092);
        assertThat(r.topics().get(1).partitions().get(0).errorCode())
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }

    @Test
    void aNodeThatCannotDescribeTheQuorumSaysWhy() throws Exception {
        DescribeQuorumHandler handler = new DescribeQuorumHandler(1, () -> {
            throw new NotLeaderOrFollowerException("node 1 is not the quorum leader; ask node 2");
        }, ENDPOINTS);
        PartitionData p = roundTrip(handler, (short) 2, request(DescribeQuorumHandler.METADATA_TOPIC, 0))
                .topics().get(0).partitions().get(0);
        assertThat(p.errorCode()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
        assertThat(p.errorMessage()).contains("ask node 2");
    }

    @Test
    void kafkasMetadataQuorumToolDescribesStatusAndReplication() throws Exception {
        AtomicInteger port = new AtomicInteger();
        List<ApiRegistration> registrations = new ArrayList<>();
        registrations.add(ApiRegistration.of(new DescribeQuorumHandler(2, () -> THREE_VOTERS, ENDPOINTS)));
        registrations.add(ApiRegistration.of(new OneBrokerMetadata(port)));
        registrations.add(ApiRegistration.of(new OneBrokerCluster(port)));
        registrations.add(ApiRegistration.of(new ApiVersionsHandler(() -> registrations)));
        RequestMetrics metrics = new RequestMetrics();
        BrokerConfig config = BrokerConfig.from(Map.of("listeners", "PLAINTEXT://127.0.0.1:0"));
        try (RequestHandlerPool pool = new RequestHandlerPool(new ApiDispatcher(registrations, metrics), 2, 16, metrics);
             SocketServer server = new SocketServer(config.network(), pool, id -> { })) {
            server.start();
            port.set(server.port());
            String bootstrap = "127.0.0.1:" + server.port();

            String status = runTool(bootstrap, "--status");
            assertThat(status).contains("ClusterId:").contains("test-cluster");
            assertThat(status).containsPattern("LeaderId:\\s+2").containsPattern("LeaderEpoch:\\s+7")
                    .containsPattern("HighWatermark:\\s+120");
            assertThat(status).contains("\"id\": 1").contains("\"id\": 3").contains("CONTROLLER://h3:9093");

            String replication = runTool(bootstrap, "--replication");
            assertThat(replication).containsPattern("(?m)^2\\s.*\\s121\\s+0\\s.*Leader")
                    .containsPattern("(?m)^1\\s.*\\s118\\s+3\\s.*Follower")
                    .containsPattern("(?m)^4\\s.*\\s90\\s+31\\s.*Observer");
        }
    }

    private static String runTool(String bootstrap, String what) throws Exception {
        KafkaTool.Output out = KafkaTool.run("org.apache.kafka.tools.MetadataQuorumCommand", "--bootstrap-server",
                bootstrap, "describe", what);
        assertThat(out.exit()).as(out.text()).isZero();
        return out.text();
    }

    private static DescribeQuorumRequestData request(String topic, int partition) {
        DescribeQuorumRequestData request = new DescribeQuorumRequestData();
        DescribeQuorumRequestData.TopicData t = new DescribeQuorumRequestData.TopicData().setTopicName(topic);
        t.partitions().add(new DescribeQuorumRequestData.PartitionData().setPartitionIndex(partition));
        request.topics().add(t);
        return request;
    }

    /** Through the handler and the wire format of {@code version}, back. */
    private static DescribeQuorumResponseData roundTrip(DescribeQuorumHandler handler, short version,
                                                        DescribeQuorumRequestData request) throws Exception {
        Session session = new Session(new ClientAddress("127.0.0.1", 40000, 1), "PLAINTEXT",
                SecurityProtocol.PLAINTEXT, new Principal("User", "ANONYMOUS"));
        RequestContext context = new RequestContext(ApiKeys.DESCRIBE_QUORUM, version, "test", session,
                new Listener("PLAINTEXT", "localhost", 9092), System.nanoTime());
        DescribeQuorumResponseData response = handler.handle(context, request).toCompletableFuture().get();
        ByteBufferAccessor bytes = MessageUtil.toByteBufferAccessor(response, version);
        return new DescribeQuorumResponseData(bytes, version);
    }

    /** Metadata as the tool's admin client needs it: one broker (node 2) on the test's socket. */
    private record OneBrokerMetadata(AtomicInteger port) implements ApiHandler<MetadataRequestData> {
        @Override
        public CompletionStage<MetadataResponseData> handle(RequestContext context, MetadataRequestData request) {
            MetadataResponseData r = new MetadataResponseData().setClusterId("test-cluster").setControllerId(2);
            r.brokers().add(new MetadataResponseData.MetadataResponseBroker().setNodeId(2).setHost("127.0.0.1")
                    .setPort(port.get()));
            return CompletableFuture.completedFuture(r);
        }

        @Override
        public ApiVersionRange versions() {
            return ApiVersionRange.of(ApiKeys.METADATA, 0, 12);
        }
    }

    /** DescribeCluster for the tool's ClusterId line. */
    private record OneBrokerCluster(AtomicInteger port) implements ApiHandler<DescribeClusterRequestData> {
        @Override
        public CompletionStage<DescribeClusterResponseData> handle(RequestContext context,
                                                                   DescribeClusterRequestData request) {
            DescribeClusterResponseData r = new DescribeClusterResponseData().setClusterId("test-cluster")
                    .setControllerId(2);
            r.brokers().add(new DescribeClusterResponseData.DescribeClusterBroker().setBrokerId(2)
                    .setHost("127.0.0.1").setPort(port.get()));
            return CompletableFuture.completedFuture(r);
        }

        @Override
        public ApiVersionRange versions() {
            return ApiVersionRange.of(ApiKeys.DESCRIBE_CLUSTER, 0, 1);
        }
    }
}
