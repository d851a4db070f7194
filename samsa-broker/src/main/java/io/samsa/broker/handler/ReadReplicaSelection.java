package io.samsa.broker.handler;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.samsa.broker.api.RequestContext;
import io.samsa.broker.cluster.BrokerNode;
import io.samsa.broker.cluster.ClusterView;
import io.samsa.broker.replica.Partition;
import io.samsa.broker.replica.selector.PreferredReadReplica;
import io.samsa.broker.replica.selector.ReplicaSelector;

/**
 * Fetch's side of fetch from follower (KIP-392) on a leader: whether a consumer's fetch is one the
 * {@code replica.selector.class} may send elsewhere (a consumer, Fetch v11+, with a {@code rackId}, and a selector
 * configured), and if so which follower to name as its {@code preferredReadReplica}. The brokers' racks are the
 * ones they registered ({@code broker.rack}), for the live brokers reachable on the request's listener
 * ({@link ClusterView#brokers}). Immutable and thread-safe; one {@link ForRequest} per fetch, used by each of its
 * reads (the first on a request handler thread, re-reads of a waiting fetch on the fetch purgatory's).
 */
public final class ReadReplicaSelection {
    /** No selector: consumers always read from the leader (Kafka's default). */
    public static final ReadReplicaSelection LEADER_ONLY = new ReadReplicaSelection(null, Optional.empty());

    private final ClusterView cluster;
    private final Optional<ReplicaSelector> selector;

    public ReadReplicaSelection(ClusterView cluster, Optional<ReplicaSelector> selector) {
        this.cluster = cluster;
        this.selector = selector;
    }

    /** The selection for one fetch, or null when every partition is read here (not a consumer, no rack, ...). */
    ForRequest forRequest(RequestContext context, short version, int replicaId, String rackId) {
        if (selector.isEmpty() || cluster == null || version < 11 || replicaId >= 0 || rackId == null
                || rackId.isEmpty()) {
            return null;
        }
        return new ForRequest(context, rackId);
    }

    /** One consumer fetch's selections; the brokers' racks are read once, at the first partition that needs them. */
    final class ForRequest {
        private final RequestContext context;
        private final String rackId;
        /** Published whole: a re-read on another thread sees a complete map or null (and then reads its own). */
        private volatile Map<Integer, String> racks;

        private ForRequest(RequestContext context, String rackId) {
            this.context = context;
            this.rackId = rackId;
        }

        /** The follower the consumer should read {@code leader} from, or {@link PreferredReadReplica#NONE}. */
        int preferredReadReplica(Partition leader, long fetchOffset) {
            Map<Integer, String> known = racks;
            if (known == null) {
                known = new HashMap<>();
                for (BrokerNode b : cluster.brokers(cluster.image(), context)) {
                    known.put(b.nodeId(), b.rack());
                }
                racks = known;
            }
            return PreferredReadReplica.find(selector.get(), leader, fetchOffset, rackId, known,
                    cluster.localNodeId(), System.currentTimeMillis());
        }
    }
}
