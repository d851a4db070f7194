package io.samsa.clients.admin;

import java.util.List;

/** The cluster as DescribeCluster tells it: its id, the active controller (-1: none) and the live brokers. */
public record ClusterDescription(String clusterId, int controllerId, List<Broker> brokers) {
    public ClusterDescription {
        brokers = List.copyOf(brokers);
    }

    /** A broker: node id, the address clients reach it at, and its {@code broker.rack} (null when not set). */
    public record Broker(int id, String host, int port, String rack) {
    }
}
