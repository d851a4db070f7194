package io.samsa.broker.archfixture;

/** Planted violation (kafka internals outside samsa-protocol): the {@code compress} package. */
public final class BrokerUsesCompress {
    public Object none() {
        return org.apache.kafka.common.compress.Compression.NONE;
    }
}
