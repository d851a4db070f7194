package io.samsa.broker.quota;

/**
 * The sampling of every quota rate, as Kafka's {@code quota.window.num} (samples kept) and
 * {@code quota.window.size.seconds} (the length of one sample). Immutable.
 */
public record QuotaConfig(int windowNum, int windowSizeSeconds) {
    public static final QuotaConfig DEFAULT = new QuotaConfig(11, 1);

    public QuotaConfig {
        // One sample would make the rate's window shrink to nothing at each roll-over: Kafka requires at least one.
        if (windowNum < 1 || windowSizeSeconds < 1) {
            throw new IllegalArgumentException("quota.window.num and quota.window.size.seconds must be at least 1");
        }
    }

    public long windowMs() {
        return windowSizeSeconds * 1000L;
    }
}
