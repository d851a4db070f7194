package io.samsa.broker.handler;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.topic.TopicInfo;
import io.samsa.broker.topic.TopicRegistry;
import io.samsa.log.LogConfig;

/**
 * CreateTopics: validates name, partitions, replication factor (a single node holds one replica),
 * manual assignments and configs; creates each topic through the metadata controller (the answer completes
 * when the last one is committed), or only checks when {@code validateOnly}.
 */
public final class CreateTopicsHandler implements ApiHandler<CreateTopicsRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.CREATE_TOPICS, 2, 7);

    private static final Logger log = LoggerFactory.getLogger(CreateTopicsHandler.class);
    private static final byte DYNAMIC_TOPIC_CONFIG = 1;
    private static final byte DEFAULT_CONFIG = 5;

    private final TopicRegistry topics;
    private final int nodeId;
    private final int defaultPartitions;
    private final short defaultReplicationFactor;

    public CreateTopicsHandler(TopicRegistry topics, int nodeId, int defaultPartitions, short defaultReplicationFactor) {
        this.topics = topics;
        this.nodeId = nodeId;
        this.defaultPartitions = defaultPartitions;
        this.defaultReplicationFactor = defaultReplicationFactor;
    }

    @Override
    public CompletionStage<CreateTopicsResponseData> handle(RequestContext context, CreateTopicsRequestData request) {
        CreateTopicsResponseData response = new CreateTopicsResponseData();
        Map<String, Integer> seen = new HashMap<>();
        request.topics().forEach(t -> seen.merge(t.name(), 1, Integer::sum));
        long requested = partitionsRequested(request);
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
        if (!topic.assignments().isEmpty()) {
            if (topic.numPartitions() != -1 || topic.replicationFactor() != -1) {
                throw new InvalidRequestException("Both numPartitions or replicationFactor and replicasAssignments "
                        + "were set. Both cannot be used at the same time.");
            }
            partitions = topic.assignments().size();
            for (CreatableReplicaAssignment a : topic.assignments()) {
                if (!a.brokerIds().equals(List.of(nodeId))) {
                    throw new InvalidReplicaAssignmentException("Replica assignment " + a.brokerIds()
                            + " names brokers other than this single node (" + nodeId + ")");
                }
            }
            replication = 1;
        }
        if (replication < 1) {
            throw new InvalidReplicationFactorException("Replication factor must be larger than 0.");
        }
        if (replication > 1) {
            throw new InvalidReplicationFactorException("Unable to replicate the partition " + replication
                    + " time(s): The target replication factor of " + replication
                    + " cannot be reached because only 1 broker(s) are registered.");
        }
        Map<String, String> configs = new HashMap<>();
        topic.configs().forEach(c -> configs.put(c.name(), c.value()));
        int count = partitions;
        short factor = replication;
        if (validateOnly) {
            describe(result, count, factor, configs, topics.validateNew(topic.name(), partitions, configs), null,
                    version);
            return CompletableFuture.completedFuture(null);
        }
        return topics.createAsync(topic.name(), partitions, configs).thenAccept(created ->
                describe(result, count, factor, configs, created.logConfig(), created, version));
    }

    private static void describe(CreatableTopicResult result, int partitions, short replication,
                                 Map<String, String> configs, LogConfig logConfig, TopicInfo created, short version) {
        if (version >= 5) {
            result.setNumPartitions(partitions).setReplicationFactor(replication);
            logConfig.toTopicConfigs().forEach((name, value) -> result.configs().add(new CreatableTopicConfigs()
                    .setName(name).setValue(value).setReadOnly(false)
                    .setConfigSource(configs.containsKey(name) ? DYNAMIC_TOPIC_CONFIG : DEFAULT_CONFIG)
                    .setIsSensitive(false)));
        }
        if (version >= 7 && created != null) {
            result.setTopicId(created.id());
        }
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
