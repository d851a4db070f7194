package io.samsa.clients.admin;

import java.util.Map;

/**
 * A topic to create. {@code partitions} and {@code replicationFactor} of -1 take the broker's defaults
 * ({@code num.partitions}, {@code default.replication.factor}); {@code configs} are topic-level overrides by
 * Kafka's names ({@code retention.ms}, {@code segment.bytes}, ...).
 */
public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> configs) {
    public TopicSpec {
        configs = Map.copyOf(configs);
    }

    public static TopicSpec of(String name, int partitions) {
        return new TopicSpec(name, partitions, (short) -1, Map.of());
    }
}
