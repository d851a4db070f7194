package io.samsa.broker.topic;

/**
 * Kafka's rules for a legal topic name; the rules live with the metadata controller that enforces them
 * ({@link io.samsa.metadata.TopicNames}), this name stays for the handlers that check names before asking.
 */
public final class TopicNames {
    public static final int MAX_LENGTH = io.samsa.metadata.TopicNames.MAX_LENGTH;

    private TopicNames() {
    }

    public static void validate(String name) {
        io.samsa.metadata.TopicNames.validate(name);
    }

    /** Names Kafka reserves for its own topics. */
    public static boolean isInternal(String name) {
        return io.samsa.metadata.TopicNames.isInternal(name);
    }
}
