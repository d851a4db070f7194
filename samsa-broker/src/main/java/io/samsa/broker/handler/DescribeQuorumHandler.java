package io.samsa.broker.handler;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.apache.kafka.common.message.DescribeQuorumRequestData;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.PartitionData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.ReplicaState;
import org.apache.kafka.common.message.DescribeQuorumResponseData.TopicData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.config.BrokerConfig;
import io.samsa.broker.config.Listener;
import io.samsa.metadata.quorum.QuorumStatus;

/**
 * DescribeQuorum (KIP-595/836/853): the metadata quorum as Kafka's {@code kafka-metadata-quorum describe} shows it,
 * for the one partition Kafka names it by, {@code __cluster_metadata-0}: leader, epoch, high watermark and, per
 * voter and observer, its log end offset and when it last fetched and was last caught up. Any other partition
 * gets UNKNOWN_TOPIC_OR_PARTITION, as in Kafka.
 *
 * <p>The status comes from a {@link Supplier} (the quorum, on the node that answers); {@code null} means there is
 * no quorum — a single node — and then this node is the only voter and the leader, at epoch 1 and offset 0. A
 * supplier that throws (e.g. NotLeaderOrFollowerException on a node that cannot describe the quorum) answers the
 * partition with that error. Version 2 adds the voters' controller endpoints; on a single node that is the
 * listener the request came in on.
 */
public final class DescribeQuorumHandler implements ApiHandler<DescribeQuorumRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.DESCRIBE_QUORUM, 0, 2);

    /** Kafka's name for the metadata log's topic; the quorum is its partition 0. */
    public static final String METADATA_TOPIC = "__cluster_metadata";

    private final int nodeId;
    private final Supplier<QuorumStatus> quorum;
    private final Map<Integer, Listener> voterEndpoints;

    /**
     * @param nodeId         this node, the answer's only voter when {@code quorum} gives null
     * @param quorum         the quorum's status now, or null on a single node
     * @param voterEndpoints each voter's controller listener (named as in {@code controller.listener.names}),
     *                       reported from version 2; see {@link #voterEndpoints(BrokerConfig)}
     */
    public DescribeQuorumHandler(int nodeId, Supplier<QuorumStatus> quorum, Map<Integer, Listener> voterEndpoints) {
        this.nodeId = nodeId;
        this.quorum = quorum;
        this.voterEndpoints = Map.copyOf(voterEndpoints);
    }

    /** {@code controller.quorum.voters} as listeners named after the first controller listener name. */
    public static Map<Integer, Listener> voterEndpoints(BrokerConfig config) {
        Map<Integer, Listener> endpoints = new LinkedHashMap<>();
        List<String> names = config.listeners().controllerListenerNames();
        String name = names.isEmpty() ? "CONTROLLER" : names.get(0);
        for (Map.Entry<Integer, InetSocketAddress> v : config.quorumVoters().entrySet()) {
            endpoints.put(v.getKey(), new Listener(name, v.getValue().getHostString(), v.getValue().getPort()));
        }
        return endpoints;
    }

    /** A single node's quorum: itself, leader and only voter, caught up now at {@code metadataOffset}. */
    public static QuorumStatus singleNode(int nodeId, long metadataOffset) {
        long now = System.currentTimeMillis();
        return new QuorumStatus(nodeId, 1, metadataOffset,
                List.of(new QuorumStatus.ReplicaState(nodeId, metadataOffset, now, now)), List.of());
    }

    @Override
    public CompletionStage<DescribeQuorumResponseData> handle(RequestContext context,
                                                              DescribeQuorumRequestData request) {
        short version = context.apiVersion();
        DescribeQuorumResponseData response = new DescribeQuorumResponseData();
        QuorumStatus status = null;
        Errors error = Errors.NONE;
        String message = null;
        boolean singleNode = false;
        try {
            status = quorum.get();
            if (status == null) {
                status = singleNode(nodeId, 0);
                singleNode = true;
            }
        } catch (RuntimeException e) {
            error = Errors.forException(e);
            message = e.getMessage();
        }
        for (DescribeQuorumRequestData.TopicData topic : request.topics()) {
            TopicData topicData = new TopicData().setTopicName(topic.topicName());
            for (DescribeQuorumRequestData.PartitionData p : topic.partitions()) {
                PartitionData partition = new PartitionData().setPartitionIndex(p.partitionIndex());
                if (!METADATA_TOPIC.equals(topic.topicName()) || p.partitionIndex() != 0) {
                    partition.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                } else if (error != Errors.NONE) {
                    partition.setErrorCode(error.code());
                    if (version >= 2) {
                        partition.setErrorMessage(message);
                    }
                } else {
                    describe(partition, status, version);
                }
                topicData.partitions().add(partition);
            }
            response.topics().add(topicData);
        }
        if (version >= 2 && error == Errors.NONE) {
            addNodes(response, status, !singleNode ? voterEndpoints
                    : context.advertised() == null ? Map.of() : Map.of(nodeId, context.advertised()));
        }
        return CompletableFuture.completedFuture(response);
    }

    private static void describe(PartitionData partition, QuorumStatus status, short version) {
        partition.setLeaderId(status.leaderId())
                .setLeaderEpoch((int) Math.min(Integer.MAX_VALUE, status.leaderEpoch()))
                .setHighWatermark(status.highWatermark());
        status.voters().forEach(v -> partition.currentVoters().add(replica(v, version)));
        status.observers().forEach(o -> partition.observers().add(replica(o, version)));
    }

    private static ReplicaState replica(QuorumStatus.ReplicaState r, short version) {
        ReplicaState state = new ReplicaState().setReplicaId(r.replicaId()).setLogEndOffset(r.logEndOffset());
        if (version >= 1) {
            state.setLastFetchTimestamp(r.lastFetchTimestampMs()).setLastCaughtUpTimestamp(r.lastCaughtUpTimestampMs());
        }
        return state;
    }

    /** Version 2's Nodes: the controller endpoint of every voter it knows one for. */
    private static void addNodes(DescribeQuorumResponseData response, QuorumStatus status,
                                 Map<Integer, Listener> endpoints) {
        for (QuorumStatus.ReplicaState voter : status.voters()) {
            Listener l = endpoints.get(voter.replicaId());
            if (l == null || response.nodes().find(voter.replicaId()) != null) {
                continue;
            }
            DescribeQuorumResponseData.Node node = new DescribeQuorumResponseData.Node().setNodeId(voter.replicaId());
            node.listeners().add(new DescribeQuorumResponseData.Listener()
                    .setName(l.name()).setHost(l.host()).setPort(l.port()));
            response.nodes().add(node);
        }
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
