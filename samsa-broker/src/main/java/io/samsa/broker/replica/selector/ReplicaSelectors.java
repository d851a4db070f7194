package io.samsa.broker.replica.selector;

import java.util.Optional;

import org.apache.kafka.common.config.ConfigException;

/**
 * {@code replica.selector.class} to a {@link ReplicaSelector}. Samsa does not load classes by name: it accepts
 * the names of Kafka's built-in selectors (and Samsa's own of the rack-aware one) and implements them itself.
 * Not set (Kafka's default): no selector, consumers read from the leader and no {@code preferredReadReplica} is
 * ever named.
 */
public final class ReplicaSelectors {
    public static final String CONFIG = "replica.selector.class";
    public static final String KAFKA_RACK_AWARE = "org.apache.kafka.common.replica.RackAwareReplicaSelector";
    public static final String KAFKA_LEADER = "org.apache.kafka.common.replica.LeaderSelector";
    public static final String SAMSA_RACK_AWARE = RackAwareReplicaSelector.class.getName();

    private ReplicaSelectors() {
    }

    /** The selector a {@code replica.selector.class} value names; empty when not set; ConfigException if unknown. */
    public static Optional<ReplicaSelector> named(String className) {
        if (className == null || className.isBlank()) {
            return Optional.empty();
        }
        String name = className.trim();
        if (name.equals(KAFKA_RACK_AWARE) || name.equals(SAMSA_RACK_AWARE)) {
            return Optional.of(new RackAwareReplicaSelector());
        }
        if (name.equals(KAFKA_LEADER)) {
            return Optional.of(ReplicaSelector.LEADER);
        }
        throw new ConfigException(CONFIG, className, "Samsa supports " + KAFKA_RACK_AWARE + " (or "
                + SAMSA_RACK_AWARE + ") and " + KAFKA_LEADER);
    }
}
