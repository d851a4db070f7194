package io.samsa.broker.topic;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;

import io.samsa.log.LogConfig;
import io.samsa.metadata.BrokerConfigValidator;

/**
 * Kafka's checks of dynamic broker configs (KIP-226), as the controller runs them before it writes a broker
 * resource's configs: only the keys of {@link DynamicLogDefaults#TOPIC_CONFIG_OF} may be set (others are refused
 * with INVALID_REQUEST and Kafka's message, or Samsa's for a key Kafka could change but Samsa does not), and each
 * value must be valid as the topic config it is the default of (INVALID_CONFIG, naming the broker key). Stateless;
 * any thread.
 */
public final class BrokerConfigRules implements BrokerConfigValidator {
    /**
     * Broker configs Kafka can change at run time (cluster-wide or per broker; the common ones), besides its dynamic
     * log defaults ({@code log.*} but the read-only ones below). Only the refusal's wording depends on it.
     */
    private static final Set<String> KAFKA_DYNAMIC = Set.of("message.max.bytes", "min.insync.replicas",
            "unclean.leader.election.enable", "compression.type", "num.io.threads", "num.network.threads",
            "num.replica.fetchers", "num.recovery.threads.per.data.dir", "background.threads", "max.connections",
            "max.connections.per.ip", "max.connections.per.ip.overrides", "max.connection.creation.rate",
            "listeners", "advertised.listeners", "listener.security.protocol.map", "producer.id.expiration.ms",
            "follower.replication.throttled.rate", "leader.replication.throttled.rate", "metric.reporters");
    /** {@code log.*} keys Kafka reads only at start. */
    private static final Set<String> KAFKA_READ_ONLY_LOG = Set.of("log.dir", "log.dirs", "log.retention.hours",
            "log.retention.minutes", "log.roll.hours", "log.roll.jitter.hours", "log.retention.check.interval.ms",
            "log.flush.scheduler.interval.ms", "log.flush.offset.checkpoint.interval.ms",
            "log.flush.start.offset.checkpoint.interval.ms", "log.cleaner.enable", "log.initial.task.delay.ms");

    private final TopicConfigRules topicRules;
    private final LogConfig staticDefaults;

    /** @param staticDefaults the broker's static topic defaults (the base a value is parsed against) */
    public BrokerConfigRules(LogConfig staticDefaults) {
        this.topicRules = new TopicConfigRules(staticDefaults);
        this.staticDefaults = staticDefaults;
    }

    /**
     * Why a change of these keys of broker resource {@code broker} is refused (Kafka's message for keys that are
     * not dynamic, Samsa's for those Kafka could change), or null when Samsa updates all of them dynamically.
     */
    public static String refusal(String broker, Collection<String> keys) {
        List<String> unsupported = keys.stream().filter(k -> !DynamicLogDefaults.TOPIC_CONFIG_OF.containsKey(k))
                .toList();
        if (unsupported.isEmpty()) {
            return null;
        }
        String resource = "ConfigResource(type=BROKER, name='" + broker + "')";
        List<String> kafkaDynamic = unsupported.stream().filter(k -> KAFKA_DYNAMIC.contains(k)
                || (k.startsWith("log.") && !KAFKA_READ_ONLY_LOG.contains(k))).toList();
        if (kafkaDynamic.size() < unsupported.size()) {
            return "Invalid config value for resource " + resource + ": Cannot update these configs dynamically: "
                    + "Set(" + String.join(", ", unsupported.stream().filter(k -> !kafkaDynamic.contains(k))
                    .toList()) + ")";
        }
        return "Invalid config value for resource " + resource + ": Samsa does not update these broker configs "
                + "dynamically (" + String.join(", ", kafkaDynamic) + "); set them in server.properties and restart.";
    }

    @Override
    public void validate(String broker, Map<String, String> configs) {
        String refusal = refusal(broker, configs.keySet());
        if (refusal != null) {
            throw new InvalidRequestException(refusal);
        }
        configs.forEach((key, value) -> {
            String topicConfig = DynamicLogDefaults.TOPIC_CONFIG_OF.get(key);
            try {
                topicRules.validate(Map.of(topicConfig, value));
            } catch (ConfigException | InvalidConfigurationException e) {
                // The topic config's rule, reported under the broker key the user set.
                throw new InvalidConfigurationException(e.getMessage().replace("configuration " + topicConfig,
                        "configuration " + key), e);
            }
        });
    }

    /** The static value a broker key has when no dynamic config sets it: the base of an APPEND or SUBTRACT. */
    @Override
    public String defaultValue(String name) {
        String topicConfig = DynamicLogDefaults.TOPIC_CONFIG_OF.get(name);
        return topicConfig == null ? null : staticDefaults.toTopicConfigs().get(topicConfig);
    }
}
