package io.samsa.metadata;

import java.util.Map;

import org.apache.kafka.common.config.ConfigResource;

/** Config overrides per resource (topics by name, brokers by id); a resource without overrides is absent. */
public record ConfigsImage(Map<ConfigResource, Map<String, String>> byResource) {
    public static final ConfigsImage EMPTY = new ConfigsImage(Map.of());

    public ConfigsImage {
        byResource = Map.copyOf(byResource);
    }

    /** A topic's overrides (empty when it has none). */
    public Map<String, String> topic(String name) {
        return byResource.getOrDefault(new ConfigResource(ConfigResource.Type.TOPIC, name), Map.of());
    }

    /** A broker resource's dynamic configs: {@code ""} the cluster-wide default, else a broker id (empty if none). */
    public Map<String, String> broker(String name) {
        return byResource.getOrDefault(new ConfigResource(ConfigResource.Type.BROKER, name), Map.of());
    }
}
