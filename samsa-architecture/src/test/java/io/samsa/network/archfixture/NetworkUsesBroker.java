package io.samsa.network.archfixture;

/** Planted violation (network → broker: network may depend on samsa-protocol only). */
public final class NetworkUsesBroker {
    private io.samsa.broker.SamsaBroker broker;
}
