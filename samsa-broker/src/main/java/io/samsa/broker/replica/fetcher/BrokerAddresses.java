package io.samsa.broker.replica.fetcher;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Where a broker's inter-broker listener is, as the metadata image knows it (empty: unknown or not registered).
 * Supplied by whoever wires replication; asked by the fetcher threads before each connect, so a broker that moved
 * is found at its new address. Must be thread-safe and quick.
 */
@FunctionalInterface
public interface BrokerAddresses {
    Optional<InetSocketAddress> address(int brokerId);
}
