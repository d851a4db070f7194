package io.samsa.broker.cluster;

import java.util.List;

import io.samsa.broker.api.RequestContext;

/**
 * The cluster as this broker answers about it: its id, the brokers and their endpoints, the controller and
 * the coordinator of a group or transactional id. Metadata, DescribeCluster and FindCoordinator ask this
 * instead of assuming "this node is everything", so a cluster (brokers registered in the metadata image,
 * coordinators by hash of the key over {@code __consumer_offsets} partitions) replaces only this class.
 *
 * <p>Today: a single node, which is every broker, the controller and every coordinator. Immutable and
 * thread-safe.
 */
public final class ClusterView {
    private final BrokerIdentity self;

    public ClusterView(BrokerIdentity self) {
        this.self = self;
    }

    public String clusterId() {
        return self.clusterId();
    }

    public int localNodeId() {
        return self.nodeId();
    }

    public int controllerId() {
        return self.nodeId();
    }

    /** Node ids of the live brokers, ascending. */
    public List<Integer> brokers() {
        return List.of(self.nodeId());
    }

    /** The node coordinating a group or transactional id. */
    public int coordinatorFor(String key) {
        return self.nodeId();
    }

    /**
     * Where a client that sent {@code context} reaches broker {@code nodeId}: the advertised endpoint of the
     * listener the request arrived on (Kafka answers per listener), so internal and external clients each get
     * an address they can use.
     */
    public BrokerEndpoint endpoint(int nodeId, RequestContext context) {
        if (nodeId != self.nodeId()) {
            throw new IllegalArgumentException("Unknown broker " + nodeId);
        }
        if (context != null && context.advertised() != null) {
            return new BrokerEndpoint(context.advertised().host(), context.advertised().port());
        }
        return new BrokerEndpoint(self.host(), self.port());
    }
}
