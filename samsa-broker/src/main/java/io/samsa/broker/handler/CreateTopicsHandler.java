package io.samsa.broker.handler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.config.BrokerConfig;
import io.samsa.broker.topic.TopicRegistry;
import io.samsa.metadata.ControllerApi;

/**
 * CreateTopics: checks the request's shape (partitions or replication factor with a manual assignment, a
 * malformed assignment, a replication factor below 1) and hands each topic — name, partitions, replication factor
 * ({@code default.replication.factor} for -1), manual assignment, configs — to the active controller, which checks
 * the rest (names, limits, configs, enough brokers: INVALID_REPLICATION_FACTOR, unknown brokers:
 * INVALID_REPLICA_ASSIGNMENT) and places the replicas. The answer completes when the last topic is committed and
 * visible on this broker, or at once when {@code validateOnly}.
 */
public final class CreateTopicsHandler implements ApiHandler<CreateTopicsRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.CREATE_TOPICS, 2, 7);

    private static final Logger log = LoggerFactory.getLogger(CreateTopicsHandler.class);

    private final TopicRegistry topics;
    private final int defaultPartitions;
    private final short defaultReplicationFactor;
    private final TopicConfigDescriber describer;

    /**
     * {@code num.partitions} and {@code default.replication.factor} are for a topic that asks for -1; the
     * broker's settings also give the described defaults of the new topic's configs (v5+).
     */
    public CreateTopicsHandler(TopicRegistry topics, BrokerConfig config) {
        this.topics = topics;
        this.defaultPartitions = config.numPartitions();
        this.defaultReplicationFactor = config.defaultReplicationFactor();
        this.describer = new TopicConfigDescriber(topics, config);
    }

    @Override
    public CompletionStage<CreateTopicsResponseData> handle(RequestContext context, CreateTopicsRequestData request) {
        CreateTopicsResponseData response = new CreateTopicsResponseData();
        Map<String, Integer> seen = new HashMap<>();
        request.topics().forEach(t -> seen.merge(t.name(), 1, Integer::sum));
        long requested = partitionsRequested(request);
        // As Kafka: CREATE on the cluster covers every topic, else CREATE on each topic is needed.
        boolean clusterCreate = context.canSee(AclOperation.CREATE, ResourceType.CLUSTER, RequestContext.CLUSTER_NAME);
        // One topic after the other, each once the previous is committed: a check sees every earlier topic.
        CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
        for (CreatableTopic topic : request.topics()) {
            CreatableTopicResult result = new CreatableTopicResult().setName(topic.name());
            response.topics().add(result);
            done = done.thenCompose(ignored -> {
                CompletionStage<Void> created;
                try {
                    if (requested > TopicRegistry.MAX_PARTITIONS_PER_REQUEST) {
                        // Kafka's controller refuses the whole request before allocating anything.
                        throw new PolicyViolationException("Excessively large number of partitions per request.");
                    }
                    if (seen.get(topic.name()) > 1) {
                        throw new InvalidRequestException("Create topics request from client contains a duplicate "
                                + "topic: " + topic.name());
                    }
                    if (!clusterCreate && !context.authorize(AclOperation.CREATE, ResourceType.TOPIC, topic.name())) {
                        throw new TopicAuthorizationException("Authorization failed.");
                    }
                    created = create(topic, request.validateOnly(), result, context.apiVersion());
                } catch (RuntimeException e) {
                    created = CompletableFuture.failedFuture(e);
                }
                return created.handle((v, error) -> {
                    if (error != null) {
                        fail(result, topic.name(), MetadataWrites.cause(error));
                    }
                    if (context.apiVersion() < 1) {
                        result.setErrorMessage(null);
                    }
                    return null;
                });
            });
        }
        return done.thenApply(ignored -> response);
    }

    private static void fail(CreatableTopicResult result, String topic, Throwable e) {
        if (e instanceof ApiException) {
            result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
        } else if (e instanceof ConfigException) {
            // An unknown config name or an unparsable value: INVALID_CONFIG, as Kafka's controller answers.
            result.setErrorCode(Errors.INVALID_CONFIG.code()).setErrorMessage(e.getMessage());
        } else {
            log.error("Creating topic {} failed", topic, e);
            result.setErrorCode(Errors.UNKNOWN_SERVER_ERROR.code()).setErrorMessage(e.getMessage());
        }
    }

    /** Upper bound of the partitions a request adds, counted as Kafka's controller counts them. */
    private long partitionsRequested(CreateTopicsRequestData request) {
        long total = 0;
        for (CreatableTopic t : request.topics()) {
            if (!t.assignments().isEmpty()) {
                total += t.assignments().size();
            } else if (t.numPartitions() == -1) {
                total += defaultPartitions;
            } else if (t.numPartitions() > 0) {
                total += t.numPartitions();
            }
        }
        return total;
    }

    private CompletionStage<Void> create(CreatableTopic topic, boolean validateOnly, CreatableTopicResult result,
                                         short version) {
        int partitions = topic.numPartitions() == -1 ? defaultPartitions : topic.numPartitions();
        short replication = topic.replicationFactor() == -1 ? defaultReplicationFactor : topic.replicationFactor();
        Map<Integer, List<Integer>> assignments = new HashMap<>();
        if (!topic.assignments().isEmpty()) {
            if (topic.numPartitions() != -1 || topic.replicationFactor() != -1) {
                throw new InvalidRequestException("Both numPartitions or replicationFactor and replicasAssignments "
                        + "were set. Both cannot be used at the same time.");
            }
            assignments = assignments(topic);
            partitions = assignments.size();
            replication = (short) assignments.get(0).size();
        } else if (replication < 1) {
            throw new InvalidReplicationFactorException("Replication factor must be larger than 0.");
        }
        Map<String, String> configs = new HashMap<>();
        List<String> nullValued = new ArrayList<>();
        topic.configs().forEach(c -> {
            if (c.value() == null) {
                nullValued.add(c.name());
            } else {
                configs.put(c.name(), c.value());
            }
        });
        if (!nullValued.isEmpty()) {
            // Kafka's message and code for a config entry without a value (the wire allows a null string).
            throw new InvalidConfigurationException("Null value not supported for topic configs: "
                    + String.join(",", nullValued));
        }
        ControllerApi.CreateTopic request = new ControllerApi.CreateTopic(topic.name(), partitions, replication,
                assignments, configs, validateOnly);
        return topics.createAsync(request).thenAccept(created -> describe(result, created, configs, version));
    }

    /**
     * Kafka's checks of a manual assignment before the controller sees it: partitions 0..n-1 each once, each with
     * the same number of replicas, none twice. Whether the brokers exist is the controller's to say.
     */
    private static Map<Integer, List<Integer>> assignments(CreatableTopic topic) {
        Map<Integer, List<Integer>> out = new HashMap<>();
        int size = -1;
        for (CreatableReplicaAssignment a : topic.assignments()) {
            List<Integer> brokers = a.brokerIds();
            if (brokers.isEmpty()) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment includes an empty "
                        + "replica list.");
            }
            if (new HashSet<>(brokers).size() != brokers.size()) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment includes the broker "
                        + "more than once: " + brokers);
            }
            if (size != -1 && brokers.size() != size) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment includes a partition "
                        + "with " + brokers.size() + " replica(s), but this is not consistent with previous "
                        + "partitions, which have " + size + " replica(s).");
            }
            size = brokers.size();
            if (out.put(a.partitionIndex(), List.copyOf(brokers)) != null) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment names partition "
                        + a.partitionIndex() + " twice.");
            }
        }
        for (int p = 0; p < out.size(); p++) {
            if (!out.containsKey(p)) {
                throw new InvalidReplicaAssignmentException("Partitions should be a consecutive 0-based integer "
                        + "sequence");
            }
        }
        return out;
    }

    private void describe(CreatableTopicResult result, ControllerApi.TopicResult created,
                          Map<String, String> configs, short version) {
        if (version >= 5) {
            result.setNumPartitions(created.partitions()).setReplicationFactor(created.replicationFactor());
            describer.describe(configs).forEach(d -> result.configs().add(new CreatableTopicConfigs()
                    .setName(d.name()).setValue(d.value()).setReadOnly(false).setConfigSource(d.source())
                    .setIsSensitive(false)));
        }
        if (version >= 7 && created.topicId() != null) {
            result.setTopicId(created.topicId());
        }
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
