package io.samsa.metadata;

import java.util.Objects;

import org.apache.kafka.common.config.ConfigResource;

/** Sets one config key of a resource (a topic by name, a broker by id), or removes it when {@code value} is null. */
public record ConfigRecord(ConfigResource.Type resourceType, String resourceName, String key, String value)
        implements MetadataRecord {
    public ConfigRecord {
        Objects.requireNonNull(resourceType, "resourceType");
        Objects.requireNonNull(resourceName, "resourceName");
        Objects.requireNonNull(key, "key");
    }

    public static ConfigRecord topic(String topic, String key, String value) {
        return new ConfigRecord(ConfigResource.Type.TOPIC, topic, key, value);
    }

    /** A dynamic broker config: {@code broker} is "" (the cluster-wide default) or a broker id. */
    public static ConfigRecord broker(String broker, String key, String value) {
        return new ConfigRecord(ConfigResource.Type.BROKER, broker, key, value);
    }

    public boolean isRemoval() {
        return value == null;
    }

    public ConfigResource resource() {
        return new ConfigResource(resourceType, resourceName);
    }
}
