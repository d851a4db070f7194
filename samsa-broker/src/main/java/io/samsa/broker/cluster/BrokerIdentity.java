package io.samsa.broker.cluster;

/** This broker as clients are told about it: cluster id, node id and the advertised address. */
public record BrokerIdentity(String clusterId, int nodeId, String host, int port) {
}
