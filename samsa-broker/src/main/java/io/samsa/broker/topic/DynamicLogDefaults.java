package io.samsa.broker.topic;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.log.LogConfig;
import io.samsa.metadata.ConfigsImage;

/**
 * The topic defaults a broker runs with once Kafka's dynamic broker configs (KIP-226) are applied: its static
 * settings ({@code server.properties}), overlaid by the cluster-wide dynamic default (resource {@code ""}), overlaid
 * by its own dynamic configs (resource {@code "<node.id>"}). Only the log defaults Samsa reads are dynamic here,
 * each the broker synonym of one topic config; a topic without its own override follows them. Immutable; built on
 * the metadata apply thread, read by any.
 *
 * @param logConfig         the effective defaults of every topic config the log models
 * @param minInsyncReplicas the effective {@code min.insync.replicas}
 * @param clusterDefault    the dynamic configs of resource {@code ""} (DYNAMIC_DEFAULT_BROKER_CONFIG)
 * @param perBroker         this broker's own dynamic configs (DYNAMIC_BROKER_CONFIG)
 */
public record DynamicLogDefaults(LogConfig logConfig, int minInsyncReplicas, Map<String, String> clusterDefault,
                                 Map<String, String> perBroker) {
    private static final Logger log = LoggerFactory.getLogger(DynamicLogDefaults.class);

    /** The broker keys Kafka updates at run time that Samsa reads → the topic config each is the default of. */
    public static final Map<String, String> TOPIC_CONFIG_OF = topicConfigOf();

    public DynamicLogDefaults {
        clusterDefault = Map.copyOf(clusterDefault);
        perBroker = Map.copyOf(perBroker);
    }

    private static Map<String, String> topicConfigOf() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("log.segment.bytes", LogConfig.SEGMENT_BYTES);
        m.put("log.roll.ms", LogConfig.SEGMENT_MS);
        m.put("log.retention.ms", LogConfig.RETENTION_MS);
        m.put("log.retention.bytes", LogConfig.RETENTION_BYTES);
        m.put("log.flush.interval.messages", LogConfig.FLUSH_MESSAGES);
        m.put("log.flush.interval.ms", LogConfig.FLUSH_MS);
        m.put("log.index.interval.bytes", LogConfig.INDEX_INTERVAL_BYTES);
        m.put("log.index.size.max.bytes", LogConfig.SEGMENT_INDEX_BYTES);
        m.put("message.max.bytes", LogConfig.MAX_MESSAGE_BYTES);
        m.put("log.message.timestamp.type", LogConfig.MESSAGE_TIMESTAMP_TYPE);
        m.put("log.message.timestamp.before.max.ms", LogConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS);
        m.put("log.message.timestamp.after.max.ms", LogConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS);
        m.put("log.cleanup.policy", LogConfig.CLEANUP_POLICY);
        m.put("log.cleaner.delete.retention.ms", LogConfig.DELETE_RETENTION_MS);
        m.put("log.cleaner.min.cleanable.ratio", LogConfig.MIN_CLEANABLE_DIRTY_RATIO);
        m.put("log.cleaner.min.compaction.lag.ms", LogConfig.MIN_COMPACTION_LAG_MS);
        m.put("log.cleaner.max.compaction.lag.ms", LogConfig.MAX_COMPACTION_LAG_MS);
        m.put(TopicConfigRules.MIN_INSYNC_REPLICAS, TopicConfigRules.MIN_INSYNC_REPLICAS);
        return Collections.unmodifiableMap(m);
    }

    /** Only the static settings: no dynamic config set. */
    public static DynamicLogDefaults ofStatic(LogConfig staticDefaults, int staticMinInsyncReplicas) {
        return new DynamicLogDefaults(staticDefaults, staticMinInsyncReplicas, Map.of(), Map.of());
    }

    /**
     * The defaults of node {@code nodeId} under {@code configs}. A stored value that no longer parses (the
     * controller checked it, so only a different Samsa version could have written it) is skipped with a warning,
     * as Kafka's broker skips a dynamic config it cannot apply.
     */
    public static DynamicLogDefaults resolve(LogConfig staticDefaults, int staticMinInsyncReplicas,
                                             ConfigsImage configs, int nodeId) {
        Map<String, String> clusterDefault = configs.broker("");
        Map<String, String> perBroker = configs.broker(Integer.toString(nodeId));
        if (clusterDefault.isEmpty() && perBroker.isEmpty()) {
            return ofStatic(staticDefaults, staticMinInsyncReplicas);
        }
        Map<String, String> merged = new LinkedHashMap<>(clusterDefault);
        merged.putAll(perBroker); // the broker's own value beats the cluster default
        LogConfig logConfig = staticDefaults;
        int minInsyncReplicas = staticMinInsyncReplicas;
        for (Map.Entry<String, String> e : merged.entrySet()) {
            String topicConfig = TOPIC_CONFIG_OF.get(e.getKey());
            try {
                if (topicConfig == null) {
                    log.warn("Ignoring dynamic broker config {}: not one Samsa applies", e.getKey());
                } else if (topicConfig.equals(TopicConfigRules.MIN_INSYNC_REPLICAS)) {
                    minInsyncReplicas = TopicConfigRules.parseMinInsyncReplicas(e.getValue());
                } else {
                    logConfig = LogConfig.fromTopicConfigs(Map.of(topicConfig, e.getValue()), logConfig);
                }
            } catch (ConfigException | org.apache.kafka.common.errors.InvalidConfigurationException bad) {
                log.warn("Ignoring dynamic broker config {}={}: {}", e.getKey(), e.getValue(), bad.getMessage());
            }
        }
        return new DynamicLogDefaults(logConfig, minInsyncReplicas, clusterDefault, perBroker);
    }
}
