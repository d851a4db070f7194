package io.samsa.broker.cluster;

/** A broker's address as a client is told to reach it. */
public record BrokerEndpoint(String host, int port) {
}
