package io.samsa.broker.cluster;

/** A live broker as Metadata and DescribeCluster name it: its id, its endpoint on one listener, its rack (or null). */
public record BrokerNode(int nodeId, BrokerEndpoint endpoint, String rack) {
}
