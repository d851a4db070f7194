package io.samsa.broker.archfixture;

/** Planted violation (kafka internals outside samsa-protocol): the {@code network} package. */
public final class BrokerUsesNetworkSend {
    private org.apache.kafka.common.network.Send send;
}
