package io.samsa.metadata;

import java.util.Map;

/**
 * Checks a topic's config overrides before the controller writes them. The broker supplies it (the rules are
 * samsa-log's LogConfig, which this module must not depend on); it throws Kafka's
 * {@code InvalidConfigurationException} or {@code ConfigException}, both INVALID_CONFIG on the wire.
 */
@FunctionalInterface
public interface TopicConfigValidator {
    void validate(Map<String, String> configs);

    /**
     * The value a topic has for {@code name} when it does not override it (the broker's setting or Kafka's
     * default), or null if unknown: the base an APPEND or SUBTRACT starts from, as in Kafka.
     */
    default String defaultValue(String name) {
        return null;
    }
}
