package io.samsa.broker.handler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
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
import org.apache.kafka.common.resource.ResourceType;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.cluster.BrokerNode;
import io.samsa.broker.cluster.ClusterView;
import io.samsa.broker.topic.TopicNames;
import io.samsa.broker.topic.TopicRegistry;
import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.PartitionRecord;
import io.samsa.metadata.TopicImage;

/**
 * Metadata: the live brokers (each at its advertised endpoint for the listener the request came on, with its
 * rack) and the active controller ({@link ClusterView}), and the requested topics (all when the list is null, or
 * empty at v0), each partition with the leader, leader epoch, replicas, ISR and offline replicas (those on fenced
 * or unregistered brokers) its metadata record states — all from one image. A partition without a live leader is
 * answered LEADER_NOT_AVAILABLE with leader -1, as Kafka does. Unknown topics are created when
 * {@code auto.create.topics.enable} is on and the client allows it, with {@code num.partitions} and
 * {@code default.replication.factor}; too few brokers for that factor is INVALID_REPLICATION_FACTOR for the topic,
 * as in Kafka.
 */
public final class MetadataHandler implements ApiHandler<MetadataRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.METADATA, 0, 13);
    private static final short FIRST_WITH_OFFLINE_REPLICAS = 5;

    private final ClusterView cluster;
    private final TopicRegistry topics;
    private final boolean autoCreate;
    private final int defaultPartitions;
    private final short defaultReplicationFactor;

    public MetadataHandler(ClusterView cluster, TopicRegistry topics, boolean autoCreate, int defaultPartitions,
                           short defaultReplicationFactor) {
        this.cluster = cluster;
        this.topics = topics;
        this.autoCreate = autoCreate;
        this.defaultPartitions = defaultPartitions;
        this.defaultReplicationFactor = defaultReplicationFactor;
    }

    @Override
    public CompletionStage<MetadataResponseData> handle(RequestContext context, MetadataRequestData request) {
        MetadataImage image = topics.image();
        MetadataResponseBrokerCollection brokers = new MetadataResponseBrokerCollection();
        for (BrokerNode b : cluster.brokers(image, context)) {
            brokers.add(new MetadataResponseBroker().setNodeId(b.nodeId()).setHost(b.endpoint().host())
                    .setPort(b.endpoint().port()).setRack(b.rack()));
        }
        MetadataResponseData response = new MetadataResponseData()
                .setBrokers(brokers)
                .setClusterId(cluster.clusterId())
                .setControllerId(cluster.controllerId(image, context))
                .setTopics(topicsFor(context, request, image));
        short version = context.apiVersion();
        if (version >= 8 && version <= 10 && request.includeClusterAuthorizedOperations()) {
            // As Kafka: nothing without DESCRIBE on the cluster (newer clients ask DescribeCluster instead).
            response.setClusterAuthorizedOperations(context.authorize(AclOperation.DESCRIBE, ResourceType.CLUSTER,
                    RequestContext.CLUSTER_NAME)
                    ? context.authorizedOperations(ResourceType.CLUSTER, RequestContext.CLUSTER_NAME) : 0);
        }
        if (version >= 8 && request.includeTopicAuthorizedOperations()) {
            response.topics().forEach(t -> {
                if (t.name() != null) {
                    t.setTopicAuthorizedOperations(context.authorizedOperations(ResourceType.TOPIC, t.name()));
                }
            });
        }
        return CompletableFuture.completedFuture(response);
    }

    /**
     * The topics asked for, as Kafka's ACL checks leave them: all topics lists only those the principal may
     * DESCRIBE; a named topic it may not DESCRIBE is TOPIC_AUTHORIZATION_FAILED, exists or not; auto-creating one
     * needs CREATE on the cluster or on the topic.
     */
    private MetadataResponseTopicCollection topicsFor(RequestContext context, MetadataRequestData request,
                                                      MetadataImage image) {
        short version = context.apiVersion();
        MetadataResponseTopicCollection out = new MetadataResponseTopicCollection();
        boolean all = request.topics() == null || (version == 0 && request.topics().isEmpty());
        if (all) {
            image.topics().all().stream().sorted(Comparator.comparing(TopicImage::name))
                    .filter(t -> context.canSee(AclOperation.DESCRIBE, ResourceType.TOPIC, t.name()))
                    .forEach(t -> out.add(describe(t, image, version)));
            return out;
        }
        boolean allowCreate = autoCreate && (version < 4 || request.allowAutoTopicCreation());
        for (MetadataRequestData.MetadataRequestTopic wanted : request.topics()) {
            if (wanted.name() == null) {
                out.add(byId(context, wanted.topicId(), image, version));
            } else if (!context.authorize(AclOperation.DESCRIBE, ResourceType.TOPIC, wanted.name())) {
                out.add(unauthorized(wanted.name()).setIsInternal(TopicNames.isInternal(wanted.name())));
            } else {
                out.add(byName(context, wanted.name(), allowCreate, image, version));
            }
        }
        return out;
    }

    private static MetadataResponseTopic unauthorized(String name) {
        return new MetadataResponseTopic().setName(name).setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
    }

    private MetadataResponseTopic byId(RequestContext context, Uuid id, MetadataImage image, short version) {
        TopicImage t = image.topics().get(id);
        if (t != null && !context.authorize(AclOperation.DESCRIBE, ResourceType.TOPIC, t.name())) {
            return unauthorized(null).setTopicId(id);
        }
        return t != null ? describe(t, image, version) : new MetadataResponseTopic().setTopicId(id)
                .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code());
    }

    private MetadataResponseTopic byName(RequestContext context, String name, boolean allowCreate,
                                         MetadataImage image, short version) {
        TopicImage t = image.topics().get(name);
        if (t != null) {
            return describe(t, image, version);
        }
        try {
            TopicNames.validate(name);
        } catch (InvalidTopicException e) {
            return new MetadataResponseTopic().setName(name).setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code());
        }
        if (!allowCreate || TopicNames.isInternal(name)) {
            return new MetadataResponseTopic().setName(name).setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
        if (!context.canSee(AclOperation.CREATE, ResourceType.CLUSTER, RequestContext.CLUSTER_NAME)
                && !context.authorize(AclOperation.CREATE, ResourceType.TOPIC, name)) {
            return unauthorized(name);
        }
        try {
            topics.create(name, defaultPartitions, defaultReplicationFactor, Map.of());
        } catch (TopicExistsException raced) {
            // created by another request meanwhile: described below
        } catch (Exception e) {
            return new MetadataResponseTopic().setName(name).setErrorCode(Errors.forException(e).code());
        }
        MetadataImage after = topics.image(); // includes the new topic: create() waited for it
        TopicImage created = after.topics().get(name);
        return created != null ? describe(created, after, version) : new MetadataResponseTopic().setName(name)
                .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }

    private MetadataResponseTopic describe(TopicImage t, MetadataImage image, short version) {
        List<MetadataResponsePartition> partitions = new ArrayList<>(t.partitionCount());
        for (PartitionRecord p : t.partitions().values()) {
            boolean leaderAlive = p.leader() >= 0 && cluster.isAlive(image, p.leader());
            MetadataResponsePartition out = new MetadataResponsePartition()
                    .setPartitionIndex(p.partition())
                    .setErrorCode(leaderAlive ? Errors.NONE.code() : Errors.LEADER_NOT_AVAILABLE.code())
                    .setLeaderId(leaderAlive ? p.leader() : -1)
                    .setLeaderEpoch(p.leaderEpoch())
                    .setReplicaNodes(p.replicas())
                    .setIsrNodes(p.isr());
            if (version >= FIRST_WITH_OFFLINE_REPLICAS) {
                out.setOfflineReplicas(cluster.offlineReplicas(image, p.replicas()));
            }
            partitions.add(out);
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
