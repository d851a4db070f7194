package io.samsa.clients.admin;

/** One topic config as DescribeConfigs reports it; {@code source} is Kafka's name for where the value comes from. */
public record ConfigEntry(String name, String value, String source, boolean readOnly, boolean sensitive) {

    /** Kafka's ConfigSource ids (DescribeConfigs v1+) as the names kafka-configs.sh prints. */
    static String sourceName(byte id) {
        return switch (id) {
            case 1 -> "DYNAMIC_TOPIC_CONFIG";
            case 2 -> "DYNAMIC_BROKER_CONFIG";
            case 3 -> "DYNAMIC_DEFAULT_BROKER_CONFIG";
            case 4 -> "STATIC_BROKER_CONFIG";
            case 5 -> "DEFAULT_CONFIG";
            case 6 -> "DYNAMIC_BROKER_LOGGER_CONFIG";
            case 7 -> "CLIENT_METRICS_CONFIG";
            case 8 -> "GROUP_CONFIG";
            default -> "UNKNOWN";
        };
    }

    /** Set on the topic itself rather than inherited from the broker or Kafka's default. */
    public boolean isOverride() {
        return "DYNAMIC_TOPIC_CONFIG".equals(source);
    }
}
