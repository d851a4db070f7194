package io.samsa.clients.archfixture;

/** Planted violation (kafka internals outside samsa-protocol): a {@code header.internals} class. */
public final class ClientsUseHeaderInternals {
    public Object headers() {
        return new org.apache.kafka.common.header.internals.RecordHeaders();
    }
}
