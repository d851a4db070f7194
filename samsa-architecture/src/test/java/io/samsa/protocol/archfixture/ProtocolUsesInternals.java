package io.samsa.protocol.archfixture;

/** Allowed: samsa-protocol is the facade over kafka-clients internals. */
public final class ProtocolUsesInternals {
    public int size() {
        return org.apache.kafka.common.record.internal.MemoryRecords.EMPTY.sizeInBytes();
    }
}
