package io.samsa.metadata;

import java.util.Map;

import org.apache.kafka.common.errors.InvalidRequestException;

/**
 * Checks a broker resource's dynamic configs (KIP-226: {@code ""} the cluster-wide default, {@code "<id>"} one
 * broker) before the controller writes them. The broker supplies it (which keys are dynamic and how their values
 * parse is samsa-broker's knowledge); it throws Kafka's {@code InvalidRequestException} for a key that cannot be
 * updated dynamically and {@code InvalidConfigurationException} or {@code ConfigException} (INVALID_CONFIG) for a
 * bad value. Called on the controller's thread.
 */
@FunctionalInterface
public interface BrokerConfigValidator {
    /** Refuses every key: a controller built without the broker's rules changes no broker config. */
    BrokerConfigValidator NONE = (broker, configs) -> {
        if (!configs.isEmpty()) {
            throw new InvalidRequestException("Cannot update these configs dynamically: Set("
                    + String.join(", ", configs.keySet()) + ")");
        }
    };

    /** @param configs the resource's whole set of dynamic configs after the change */
    void validate(String broker, Map<String, String> configs);

    /** The value in force when the resource does not set {@code name} (base of an APPEND / SUBTRACT), or null. */
    default String defaultValue(String name) {
        return null;
    }
}
