package io.samsa.broker.handler;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.config.BrokerConfig;
import io.samsa.broker.topic.DynamicLogDefaults;
import io.samsa.broker.topic.TopicInfo;
import io.samsa.broker.topic.TopicRegistry;

/**
 * DescribeConfigs: a topic's configs as set and the effective value of every other one
 * ({@link TopicConfigDescriber}), with Kafka's synonyms when asked; or the broker's own settings, the dynamic ones
 * (KIP-226) with their source — DYNAMIC_BROKER_CONFIG over DYNAMIC_DEFAULT_BROKER_CONFIG over STATIC_BROKER_CONFIG
 * over DEFAULT_CONFIG — and, as in Kafka, for resource {@code ""} only the cluster-wide dynamic defaults.
 */
public final class DescribeConfigsHandler implements ApiHandler<DescribeConfigsRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.DESCRIBE_CONFIGS, 1, 4);

    private static final byte TOPIC = 2;
    private static final byte BROKER = 4;
    private static final byte BROKER_LOGGER = 8;
    private static final byte SOURCE_DYNAMIC_BROKER = TopicConfigDescriber.DYNAMIC_BROKER_CONFIG;
    private static final byte SOURCE_DYNAMIC_DEFAULT = TopicConfigDescriber.DYNAMIC_DEFAULT_BROKER_CONFIG;
    private static final byte SOURCE_STATIC_BROKER = TopicConfigDescriber.STATIC_BROKER_CONFIG;
    private static final byte SOURCE_DEFAULT = TopicConfigDescriber.DEFAULT_CONFIG;

    private final TopicRegistry topics;
    private final BrokerConfig config;
    private final TopicConfigDescriber describer;

    public DescribeConfigsHandler(TopicRegistry topics, BrokerConfig config) {
        this.topics = topics;
        this.config = config;
        this.describer = new TopicConfigDescriber(topics, config);
    }

    @Override
    public CompletionStage<DescribeConfigsResponseData> handle(RequestContext context,
                                                               DescribeConfigsRequestData request) {
        DescribeConfigsResponseData response = new DescribeConfigsResponseData();
        Options options = new Options(request.includeSynonyms(), context.apiVersion() >= 3);
        for (DescribeConfigsResource resource : request.resources()) {
            DescribeConfigsResult result = new DescribeConfigsResult()
                    .setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName());
            Errors denied = ConfigResourceAccess.check(context, AclOperation.DESCRIBE_CONFIGS,
                    resource.resourceType(), resource.resourceName());
            if (denied != Errors.NONE) {
                response.results().add(result.setErrorCode(denied.code()).setErrorMessage(denied.message()));
                continue;
            }
            switch (resource.resourceType()) {
                case TOPIC -> describeTopic(resource, result, options);
                case BROKER -> describeBroker(resource, result, options);
                case BROKER_LOGGER -> { } // no dynamic loggers: an empty list
                default -> result.setErrorCode(Errors.INVALID_REQUEST.code())
                        .setErrorMessage("Unsupported resource type " + resource.resourceType());
            }
            response.results().add(result);
        }
        return CompletableFuture.completedFuture(response);
    }

    private void describeTopic(DescribeConfigsResource resource, DescribeConfigsResult result, Options options) {
        Optional<TopicInfo> topic = topics.get(resource.resourceName());
        if (topic.isEmpty()) {
            result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                    .setErrorMessage("Topic '" + resource.resourceName() + "' does not exist.");
            return;
        }
        for (TopicConfigDescriber.Described d : describer.describe(topic.get().configOverrides())) {
            if (wanted(resource.configurationKeys(), d.name())) {
                add(result, options, d.name(), d.value(), d.source(), d.type(), d.synonyms().stream()
                        .map(s -> synonym(s.name(), s.value(), s.source())).toList());
            }
        }
    }

    private void describeBroker(DescribeConfigsResource resource, DescribeConfigsResult result, Options options) {
        DynamicLogDefaults dynamic = topics.dynamicDefaults();
        if (resource.resourceName().isEmpty()) {
            // Kafka describes the default resource as the dynamic defaults set, nothing else.
            new TreeMap<>(dynamic.clusterDefault()).forEach((name, value) -> {
                if (wanted(resource.configurationKeys(), name)) {
                    add(result, options, name, value, SOURCE_DYNAMIC_DEFAULT, (byte) 0,
                            List.of(synonym(name, value, SOURCE_DYNAMIC_DEFAULT)));
                }
            });
            return;
        }
        if (!resource.resourceName().equals(Integer.toString(config.nodeId()))) {
            result.setErrorCode(Errors.INVALID_REQUEST.code())
                    .setErrorMessage("Unexpected broker id " + resource.resourceName());
            return;
        }
        config.effectiveValues().forEach((name, staticValue) -> {
            if (wanted(resource.configurationKeys(), name)) {
                List<DescribeConfigsSynonym> synonyms = new ArrayList<>();
                String perBroker = dynamic.perBroker().get(name);
                String clusterDefault = dynamic.clusterDefault().get(name);
                if (perBroker != null) {
                    synonyms.add(synonym(name, perBroker, SOURCE_DYNAMIC_BROKER));
                }
                if (clusterDefault != null) {
                    synonyms.add(synonym(name, clusterDefault, SOURCE_DYNAMIC_DEFAULT));
                }
                synonyms.add(synonym(name, staticValue, config.originals().containsKey(name) ? SOURCE_STATIC_BROKER
                        : SOURCE_DEFAULT));
                DescribeConfigsSynonym inForce = synonyms.get(0);
                add(result, options, name, inForce.value(), inForce.source(), (byte) 0, synonyms);
            }
        });
    }

    /** What the request asks for besides the values (v1+: synonyms, v3+: types and documentation). */
    private record Options(boolean synonyms, boolean types) {
    }

    private static boolean wanted(List<String> keys, String name) {
        return keys == null || keys.isEmpty() || keys.contains(name);
    }

    private static DescribeConfigsSynonym synonym(String name, String value, byte source) {
        return new DescribeConfigsSynonym().setName(name).setValue(value).setSource(source);
    }

    private static void add(DescribeConfigsResult result, Options options, String name, String value, byte source,
                            byte type, List<DescribeConfigsSynonym> synonyms) {
        DescribeConfigsResourceResult entry = new DescribeConfigsResourceResult().setName(name).setValue(value)
                .setReadOnly(false).setConfigSource(source).setIsSensitive(false);
        if (options.synonyms()) {
            entry.setSynonyms(new ArrayList<>(synonyms));
        }
        if (options.types()) {
            entry.setConfigType(type);
        }
        result.configs().add(entry);
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
