package io.samsa.broker.archfixture;

/** Planted violation (kafka internals outside samsa-protocol): the broker builds a batch with MemoryRecords. */
public final class BrokerUsesRecordInternals {
    public int size() {
        return org.apache.kafka.common.record.internal.MemoryRecords.EMPTY.sizeInBytes();
    }
}
