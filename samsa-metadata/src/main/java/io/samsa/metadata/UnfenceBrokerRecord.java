package io.samsa.metadata;

/**
 * The broker's life at {@code brokerEpoch} has caught up with the metadata and heartbeats (Kafka's
 * {@code UnfenceBrokerRecord}): it may lead and be placed on again.
 */
public record UnfenceBrokerRecord(int brokerId, long brokerEpoch) implements MetadataRecord {
}
