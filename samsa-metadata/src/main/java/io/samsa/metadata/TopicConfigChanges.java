package io.samsa.metadata;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;

import io.samsa.metadata.ControllerApi.AlterBrokerConfigs;
import io.samsa.metadata.ControllerApi.AlterTopicConfigs;
import io.samsa.metadata.ControllerApi.ConfigChange;

/**
 * Kafka's semantics of a config change on one topic's overrides (or a broker resource's dynamic configs), without
 * the image: IncrementalAlterConfigs
 * (SET, DELETE, APPEND, SUBTRACT) and the legacy AlterConfigs (the given keys replace every override), the
 * request checks of Kafka's broker (duplicate keys, unknown operations: INVALID_REQUEST) and of its controller
 * (APPEND / SUBTRACT on a key that is not a list, null values: INVALID_CONFIG). Values are validated afterwards
 * by the {@link TopicConfigValidator}, on the whole resulting set, as Kafka's controller does.
 */
final class TopicConfigChanges {
    /** Kafka's topic (and dynamic broker) configs of type LIST: the only ones APPEND and SUBTRACT apply to. */
    static final Set<String> LIST_CONFIGS = Set.of("cleanup.policy", "follower.replication.throttled.replicas",
            "leader.replication.throttled.replicas", "log.cleanup.policy");

    private TopicConfigChanges() {
    }

    /** The topic's overrides after {@code request}; {@code current} is left as it is. */
    static Map<String, String> apply(Map<String, String> current, AlterTopicConfigs request,
                                     TopicConfigValidator defaults) {
        return apply(current, request.changes(), request.replace(), defaults::defaultValue, "topic");
    }

    /** A broker resource's dynamic configs after {@code request}. */
    static Map<String, String> apply(Map<String, String> current, AlterBrokerConfigs request,
                                     BrokerConfigValidator defaults) {
        return apply(current, request.changes(), request.replace(), defaults::defaultValue, "broker");
    }

    private static Map<String, String> apply(Map<String, String> current, List<ConfigChange> changes,
                                             boolean replace, UnaryOperator<String> defaults, String kind) {
        checkRequest(changes);
        Map<String, String> after = replace ? new TreeMap<>() : new TreeMap<>(current);
        List<String> nulls = new ArrayList<>();
        for (ConfigChange c : changes) {
            if (c.op() != ConfigChange.DELETE && c.value() == null) {
                nulls.add(c.key());
                continue;
            }
            switch (c.op()) {
                case ConfigChange.SET -> after.put(c.key(), c.value());
                case ConfigChange.DELETE -> after.remove(c.key());
                default -> after.put(c.key(), appendOrSubtract(c, after.containsKey(c.key())
                        ? after.get(c.key()) : defaults.apply(c.key())));
            }
        }
        if (!nulls.isEmpty()) {
            throw new InvalidConfigurationException("Null value not supported for " + kind + " configs: "
                    + String.join(",", nulls));
        }
        return after;
    }

    /** The records that turn {@code before} into {@code after}: changed keys set, vanished keys removed. */
    static List<MetadataRecord> records(String topic, Map<String, String> before, Map<String, String> after) {
        return records(new ConfigResource(ConfigResource.Type.TOPIC, topic), before, after);
    }

    /** As above, for any resource (a broker's: ConfigRecord(BROKER, "" or id, ...)). */
    static List<MetadataRecord> records(ConfigResource resource, Map<String, String> before,
                                        Map<String, String> after) {
        List<MetadataRecord> records = new ArrayList<>();
        before.keySet().stream().filter(k -> !after.containsKey(k))
                .forEach(k -> records.add(new ConfigRecord(resource.type(), resource.name(), k, null)));
        after.forEach((k, v) -> {
            if (!v.equals(before.get(k))) {
                records.add(new ConfigRecord(resource.type(), resource.name(), k, v));
            }
        });
        return records;
    }

    private static void checkRequest(List<ConfigChange> changes) {
        Set<String> keys = new HashSet<>();
        for (ConfigChange c : changes) {
            if (c.op() < ConfigChange.SET || c.op() > ConfigChange.SUBTRACT) {
                throw new InvalidRequestException("Unknown alter config operation type " + c.op() + " for "
                        + c.key());
            }
            if (!keys.add(c.key())) {
                throw new InvalidRequestException("Error due to duplicate config keys");
            }
        }
    }

    /** Kafka's list edit: APPEND adds the values not there yet, SUBTRACT removes them; order is kept. */
    private static String appendOrSubtract(ConfigChange c, String base) {
        String op = c.op() == ConfigChange.APPEND ? "APPEND" : "SUBTRACT";
        if (!LIST_CONFIGS.contains(c.key())) {
            throw new InvalidConfigurationException("Can't " + op + " to key " + c.key()
                    + " because its type is not LIST.");
        }
        Map<String, Boolean> values = new LinkedHashMap<>();
        split(base).forEach(v -> values.put(v, true));
        for (String v : split(c.value())) {
            if (c.op() == ConfigChange.APPEND) {
                values.putIfAbsent(v, true);
            } else {
                values.remove(v);
            }
        }
        return String.join(",", values.keySet());
    }

    private static List<String> split(String list) {
        if (list == null || list.isBlank()) {
            return List.of();
        }
        return Arrays.stream(list.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }
}
