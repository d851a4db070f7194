package io.samsa.broker.quota;

/** The three client quotas, each with its key in the metadata's client quota records and its metric label. */
public enum QuotaType {
    /** Bytes per second of Produce requests (the whole request, as Kafka counts it). */
    PRODUCE("producer_byte_rate", "produce"),
    /** Bytes per second of records in consumers' Fetch responses. */
    FETCH("consumer_byte_rate", "fetch"),
    /** Percent of one request handler thread's time (100 = one thread busy all the time). */
    REQUEST("request_percentage", "request");

    /** The quota's key in {@code ClientQuotasImage} (and in Kafka's {@code kafka-configs --add-config}). */
    public final String key;
    /** The {@code quota_type} label of the throttle metrics. */
    public final String label;

    QuotaType(String key, String label) {
        this.key = key;
        this.label = label;
    }
}
