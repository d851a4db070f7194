package io.samsa.broker.archfixture;

/** Planted violation (kafka internals outside samsa-protocol): the {@code protocol.types} package. */
public final class BrokerUsesProtocolTypes {
    public RuntimeException error() {
        return new org.apache.kafka.common.protocol.types.SchemaException("planted");
    }
}
