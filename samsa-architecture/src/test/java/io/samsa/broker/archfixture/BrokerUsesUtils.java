package io.samsa.broker.archfixture;

/** Planted violation (kafka internals outside samsa-protocol): the {@code utils} package. */
public final class BrokerUsesUtils {
    public int hash(byte[] key) {
        return org.apache.kafka.common.utils.Utils.murmur2(key);
    }
}
