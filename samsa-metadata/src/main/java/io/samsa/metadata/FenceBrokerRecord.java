package io.samsa.metadata;

/**
 * The broker's life at {@code brokerEpoch} is fenced (Kafka's {@code FenceBrokerRecord}): its session expired or
 * it shut down. It leads nothing and no new partition is placed on it. A stale epoch (a newer incarnation
 * registered since) is a {@link MetadataConflictException}.
 */
public record FenceBrokerRecord(int brokerId, long brokerEpoch) implements MetadataRecord {
}
