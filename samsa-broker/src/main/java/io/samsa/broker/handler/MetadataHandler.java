package io.samsa.broker.handler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBrokerCollection;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopicCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.cluster.BrokerEndpoint;
import io.samsa.broker.cluster.ClusterView;
import io.samsa.broker.replica.LeaderAndIsr;
import io.samsa.broker.replica.ReplicaManager;
import io.samsa.broker.topic.TopicInfo;
import io.samsa.broker.topic.TopicNames;
import io.samsa.broker.topic.TopicRegistry;

/**
 * Metadata: the brokers (each at its advertised endpoint for the listener the request came on) and the
 * controller ({@link ClusterView}), and the requested topics (all when the list is null, or empty at v0), each
 * partition with the leader, leader epoch, replicas and ISR the {@link ReplicaManager} knows — today this node,
 * epoch 0, alone. Unknown topics are created when {@code auto.create.topics.enable} is on and the client allows it.
 */
public final class MetadataHandler implements ApiHandler<MetadataRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.METADATA, 0, 13);

    private final ClusterView cluster;
    private final TopicRegistry topics;
    private final ReplicaManager replicas;
    private final boolean autoCreate;
    private final int defaultPartitions;

    public MetadataHandler(ClusterView cluster, TopicRegistry topics, ReplicaManager replicas, boolean autoCreate,
                           int defaultPartitions) {
        this.cluster = cluster;
        this.topics = topics;
        this.replicas = replicas;
        this.autoCreate = autoCreate;
        this.defaultPartitions = defaultPartitions;
    }

    @Override
    public CompletionStage<MetadataResponseData> handle(RequestContext context, MetadataRequestData request) {
        MetadataResponseBrokerCollection brokers = new MetadataResponseBrokerCollection();
        for (int nodeId : cluster.brokers()) {
            BrokerEndpoint endpoint = cluster.endpoint(nodeId, context);
            brokers.add(new MetadataResponseBroker().setNodeId(nodeId).setHost(endpoint.host())
                    .setPort(endpoint.port()));
        }
        MetadataResponseData response = new MetadataResponseData()
                .setBrokers(brokers)
                .setClusterId(cluster.clusterId())
                .setControllerId(cluster.controllerId())
                .setTopics(topicsFor(context.apiVersion(), request));
        return CompletableFuture.completedFuture(response);
    }

    private MetadataResponseTopicCollection topicsFor(short version, MetadataRequestData request) {
        MetadataResponseTopicCollection out = new MetadataResponseTopicCollection();
        boolean all = request.topics() == null || (version == 0 && request.topics().isEmpty());
        if (all) {
            topics.all().stream().sorted((a, b) -> a.name().compareTo(b.name()))
                    .forEach(t -> out.add(describe(t)));
            return out;
        }
        boolean allowCreate = autoCreate && (version < 4 || request.allowAutoTopicCreation());
        for (MetadataRequestData.MetadataRequestTopic wanted : request.topics()) {
            if (wanted.name() == null) {
                out.add(byId(wanted.topicId()));
            } else {
                out.add(byName(wanted.name(), allowCreate));
            }
        }
        return out;
    }

    private MetadataResponseTopic byId(Uuid id) {
        Optional<TopicInfo> t = topics.get(id);
        return t.map(this::describe).orElseGet(() -> new MetadataResponseTopic().setTopicId(id)
                .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()));
    }

    private MetadataResponseTopic byName(String name, boolean allowCreate) {
        Optional<TopicInfo> t = topics.get(name);
        if (t.isPresent()) {
            return describe(t.get());
        }
        try {
            TopicNames.validate(name);
        } catch (InvalidTopicException e) {
            return new MetadataResponseTopic().setName(name).setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code());
        }
        if (!allowCreate || TopicNames.isInternal(name)) {
            return new MetadataResponseTopic().setName(name).setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
        try {
            return describe(topics.create(name, defaultPartitions, Map.of()));
        } catch (TopicExistsException raced) {
            return describe(topics.get(name).orElseThrow());
        } catch (Exception e) {
            return new MetadataResponseTopic().setName(name).setErrorCode(Errors.forException(e).code());
        }
    }

    private MetadataResponseTopic describe(TopicInfo t) {
        List<MetadataResponsePartition> partitions = new ArrayList<>(t.partitions());
        for (int p = 0; p < t.partitions(); p++) {
            LeaderAndIsr state = replicas.leaderAndIsr(t, p);
            partitions.add(new MetadataResponsePartition()
                    .setPartitionIndex(p)
                    .setLeaderId(state.leaderId())
                    .setLeaderEpoch(state.leaderEpoch())
                    .setReplicaNodes(state.replicas())
                    .setIsrNodes(state.isr())
                    .setOfflineReplicas(List.of()));
        }
        return new MetadataResponseTopic()
                .setName(t.name())
                .setTopicId(t.id())
                .setIsInternal(TopicNames.isInternal(t.name()))
                .setPartitions(partitions);
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
