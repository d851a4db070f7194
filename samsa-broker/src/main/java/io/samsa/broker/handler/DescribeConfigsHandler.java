package io.samsa.broker.handler;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.config.BrokerConfig;
import io.samsa.broker.topic.TopicInfo;
import io.samsa.broker.topic.TopicRegistry;

/** DescribeConfigs: a topic's effective settings (overrides marked as such), or the broker's. */
public final class DescribeConfigsHandler implements ApiHandler<DescribeConfigsRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.DESCRIBE_CONFIGS, 1, 4);

    private static final byte TOPIC = 2;
    private static final byte BROKER = 4;
    private static final byte BROKER_LOGGER = 8;
    private static final byte SOURCE_TOPIC_OVERRIDE = 1;
    private static final byte SOURCE_STATIC_BROKER = 4;
    private static final byte SOURCE_DEFAULT = 5;

    private final TopicRegistry topics;
    private final BrokerConfig config;

    public DescribeConfigsHandler(TopicRegistry topics, BrokerConfig config) {
        this.topics = topics;
        this.config = config;
    }

    @Override
    public CompletionStage<DescribeConfigsResponseData> handle(RequestContext context,
                                                               DescribeConfigsRequestData request) {
        DescribeConfigsResponseData response = new DescribeConfigsResponseData();
        for (DescribeConfigsResource resource : request.resources()) {
            DescribeConfigsResult result = new DescribeConfigsResult()
                    .setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName());
            switch (resource.resourceType()) {
                case TOPIC -> describeTopic(resource, result);
                case BROKER -> describeBroker(resource, result);
                case BROKER_LOGGER -> { } // no dynamic loggers: an empty list
                default -> result.setErrorCode(Errors.INVALID_REQUEST.code())
                        .setErrorMessage("Unsupported resource type " + resource.resourceType());
            }
            response.results().add(result);
        }
        return CompletableFuture.completedFuture(response);
    }

    private void describeTopic(DescribeConfigsResource resource, DescribeConfigsResult result) {
        Optional<TopicInfo> topic = topics.get(resource.resourceName());
        if (topic.isEmpty()) {
            result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                    .setErrorMessage("Topic '" + resource.resourceName() + "' does not exist.");
            return;
        }
        Map<String, String> overrides = topic.get().configOverrides();
        Map<String, String> values = new LinkedHashMap<>(topic.get().logConfig().toTopicConfigs());
        values.put("min.insync.replicas", Integer.toString(topics.minInsyncReplicas(topic.get())));
        add(result, resource.configurationKeys(), values,
                name -> overrides.containsKey(name) ? SOURCE_TOPIC_OVERRIDE : SOURCE_DEFAULT);
    }

    private void describeBroker(DescribeConfigsResource resource, DescribeConfigsResult result) {
        if (!resource.resourceName().isEmpty() && !resource.resourceName().equals(Integer.toString(config.nodeId()))) {
            result.setErrorCode(Errors.INVALID_REQUEST.code())
                    .setErrorMessage("Unexpected broker id " + resource.resourceName());
            return;
        }
        add(result, resource.configurationKeys(), config.effectiveValues(),
                name -> config.originals().containsKey(name) ? SOURCE_STATIC_BROKER : SOURCE_DEFAULT);
    }

    private interface SourceOf {
        byte of(String name);
    }

    private static void add(DescribeConfigsResult result, List<String> keys, Map<String, String> values,
                            SourceOf source) {
        values.forEach((name, value) -> {
            if (keys == null || keys.isEmpty() || keys.contains(name)) {
                result.configs().add(new DescribeConfigsResourceResult()
                        .setName(name).setValue(value).setReadOnly(false)
                        .setConfigSource(source.of(name)).setIsSensitive(false));
            }
        });
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
