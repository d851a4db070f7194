package io.samsa.broker.replica.fetcher;

import java.net.InetSocketAddress;
import java.util.Optional;

import io.samsa.network.client.NetworkIo;

/**
 * Where a broker's inter-broker listener is, as the metadata image knows it (empty: unknown or not registered), and
 * how to connect to it. Supplied by whoever wires replication; asked by the fetcher threads before each connect, so
 * a broker that moved is found at its new address. Must be thread-safe and quick.
 */
@FunctionalInterface
public interface BrokerAddresses {
    Optional<InetSocketAddress> address(int brokerId);

    /**
     * Connections to the brokers' inter-broker listeners, speaking its security protocol (TLS, SASL); plaintext by
     * default.
     */
    default NetworkIo newNetworkIo(String clientId, long requestTimeoutMs, long reconnectBackoffMs,
                                   int sendBufferBytes) {
        return new NetworkIo(clientId, requestTimeoutMs, reconnectBackoffMs, sendBufferBytes);
    }
}
