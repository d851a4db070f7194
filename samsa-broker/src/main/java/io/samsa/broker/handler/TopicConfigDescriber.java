package io.samsa.broker.handler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.samsa.broker.config.BrokerConfig;
import io.samsa.broker.topic.DynamicLogDefaults;
import io.samsa.broker.topic.TopicRegistry;
import io.samsa.log.LogConfig;

/**
 * A topic's configs as Kafka describes them (DescribeConfigs, and CreateTopics v5+): every topic config, the
 * topic's own overrides as set (DYNAMIC_TOPIC_CONFIG), the others at the broker's effective value — this broker's
 * dynamic config (DYNAMIC_BROKER_CONFIG), else the cluster-wide dynamic default (DYNAMIC_DEFAULT_BROKER_CONFIG),
 * else STATIC_BROKER_CONFIG when server.properties sets a broker synonym Samsa reads, else DEFAULT_CONFIG — each
 * with its synonyms in Kafka's order (the override, then the broker keys by source: dynamic per broker, dynamic
 * default, static, Kafka's default under its broker key). Reads the registry's current defaults on every call; any
 * request-handler thread.
 */
final class TopicConfigDescriber {
    static final byte DYNAMIC_TOPIC_CONFIG = 1;
    static final byte DYNAMIC_BROKER_CONFIG = 2;
    static final byte DYNAMIC_DEFAULT_BROKER_CONFIG = 3;
    static final byte STATIC_BROKER_CONFIG = 4;
    static final byte DEFAULT_CONFIG = 5;
    private static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    /** Kafka's own defaults of the topic configs (what a DEFAULT_CONFIG synonym states). */
    private static final Map<String, String> KAFKA_DEFAULTS = LogConfig.builder().build().toTopicConfigs();

    /** One config's synonym: where a value could come from, in precedence order. */
    record Synonym(String name, String value, byte source) {
    }

    /** One described config; {@code type} is Kafka's ConfigType id. */
    record Described(String name, String value, byte source, byte type, List<Synonym> synonyms) {
    }

    private final TopicRegistry topics;
    private final BrokerConfig config;

    TopicConfigDescriber(TopicRegistry topics, BrokerConfig config) {
        this.topics = topics;
        this.config = config;
    }

    /** Every topic config of a topic with these overrides, in LogConfig's order. */
    List<Described> describe(Map<String, String> overrides) {
        DynamicLogDefaults defaults = topics.dynamicDefaults();
        Map<String, String> brokerValues = new LinkedHashMap<>(defaults.logConfig().toTopicConfigs());
        brokerValues.put(MIN_INSYNC_REPLICAS, Integer.toString(defaults.minInsyncReplicas()));
        List<Described> out = new ArrayList<>();
        brokerValues.forEach((name, brokerValue) -> {
            TopicConfigCatalog.Entry entry = TopicConfigCatalog.of(name);
            List<Synonym> synonyms = new ArrayList<>();
            String override = overrides.get(name);
            if (override != null) {
                synonyms.add(new Synonym(name, override, DYNAMIC_TOPIC_CONFIG));
            }
            addSet(synonyms, entry.brokerSynonyms(), defaults.perBroker(), DYNAMIC_BROKER_CONFIG);
            addSet(synonyms, entry.brokerSynonyms(), defaults.clusterDefault(), DYNAMIC_DEFAULT_BROKER_CONFIG);
            for (String brokerKey : entry.brokerSynonyms()) {
                // Only a broker key Samsa reads sets the topics' default; others are ignored at start.
                if (config.originals().containsKey(brokerKey) && config.effectiveValues().containsKey(brokerKey)) {
                    synonyms.add(new Synonym(brokerKey, config.originals().get(brokerKey), STATIC_BROKER_CONFIG));
                }
            }
            if (!entry.brokerSynonyms().isEmpty()) {
                synonyms.add(entry.defaultSynonym() == null
                        ? new Synonym(entry.brokerSynonyms().get(0), KAFKA_DEFAULTS.get(name), DEFAULT_CONFIG)
                        : new Synonym(entry.defaultSynonym(), entry.defaultInBrokerUnit(), DEFAULT_CONFIG));
            }
            byte source = synonyms.isEmpty() ? DEFAULT_CONFIG : synonyms.get(0).source();
            out.add(new Described(name, override != null ? override : brokerValue, source, entry.type(),
                    List.copyOf(synonyms)));
        });
        return out;
    }

    /** The broker keys among {@code brokerKeys} that the dynamic configs {@code set} give a value, as synonyms. */
    private static void addSet(List<Synonym> synonyms, List<String> brokerKeys, Map<String, String> set,
                               byte source) {
        for (String brokerKey : brokerKeys) {
            String value = set.get(brokerKey);
            if (value != null && DynamicLogDefaults.TOPIC_CONFIG_OF.containsKey(brokerKey)) {
                synonyms.add(new Synonym(brokerKey, value, source));
            }
        }
    }
}
