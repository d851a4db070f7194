package io.samsa.broker.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import io.samsa.broker.api.RequestContext;
import io.samsa.metadata.BrokerRegistrationRecord;
import io.samsa.metadata.MetadataImage;

/**
 * The cluster as this broker answers about it, read from the metadata image: the live brokers (registered and not
 * fenced, see {@link BrokerLiveness}) each at its endpoint for the listener the request arrived on, their racks,
 * the active controller, and the coordinator of a group or transactional id. Metadata, DescribeCluster and
 * FindCoordinator ask here instead of assuming "this node is everything".
 *
 * <p>This node is always among the brokers, at the advertised address of the request's listener (it is answering,
 * so it is reachable there), also before its own registration is committed. A broker without an endpoint for the
 * request's listener is left out, as Kafka does: the client could not reach it anyway. Immutable and thread-safe;
 * callers that answer from one image take it once ({@link #image()}) and pass it on.
 */
public final class ClusterView {
    private static final String DEFAULT_LISTENER = "PLAINTEXT";

    private final String clusterId;
    private final int localNodeId;
    private final Supplier<MetadataImage> image;
    private final IntSupplier controllerId;
    private final BrokerLiveness liveness;
    private final CoordinatorPlacement groups; // null: this node coordinates every group (tests)
    private final CoordinatorPlacement transactions; // null: no transaction coordinator (see coordinatorFor)

    /**
     * @param image        the image the broker answers from (the topic registry's, so brokers and topics agree)
     * @param controllerId the active controller: the metadata quorum's leader, -1 while none (a single node: itself)
     * @param liveness     which registered brokers count as alive (unfenced)
     */
    public ClusterView(String clusterId, int localNodeId, Supplier<MetadataImage> image, IntSupplier controllerId,
                       BrokerLiveness liveness) {
        this(clusterId, localNodeId, image, controllerId, liveness, null, null);
    }

    private ClusterView(String clusterId, int localNodeId, Supplier<MetadataImage> image, IntSupplier controllerId,
                        BrokerLiveness liveness, CoordinatorPlacement groups, CoordinatorPlacement transactions) {
        this.clusterId = clusterId;
        this.localNodeId = localNodeId;
        this.image = image;
        this.controllerId = controllerId;
        this.liveness = liveness;
        this.groups = groups;
        this.transactions = transactions;
    }

    /** The same view, placing group coordinators on the leaders of {@code __consumer_offsets}. */
    public ClusterView withGroupPlacement(CoordinatorPlacement placement) {
        return new ClusterView(clusterId, localNodeId, image, controllerId, liveness, placement, transactions);
    }

    /** The same view, placing transaction coordinators on the leaders of {@code __transaction_state}. */
    public ClusterView withTransactionPlacement(CoordinatorPlacement placement) {
        return new ClusterView(clusterId, localNodeId, image, controllerId, liveness, groups, placement);
    }

    /** A single node: it is the controller, and every registered broker (only itself) is alive. */
    public static ClusterView singleNode(String clusterId, int nodeId, Supplier<MetadataImage> image) {
        return new ClusterView(clusterId, nodeId, image, () -> nodeId, BrokerLiveness.REGISTERED);
    }

    public String clusterId() {
        return clusterId;
    }

    public int localNodeId() {
        return localNodeId;
    }

    /**
     * The node named as controller in Metadata and DescribeCluster: the active controller when it is a live broker
     * reachable on the request's listener, else this node. Clients send CreateTopics, DeleteTopics and the like to
     * that node; every Samsa broker passes them on to the active controller, so any live broker serves (Kafka's
     * KRaft brokers likewise name a live broker, never a controller-only node a client cannot reach).
     */
    public int controllerId(MetadataImage image, RequestContext context) {
        int active = controllerId.getAsInt();
        if (active >= 0 && isAlive(image, active) && endpoint(image, active, context).isPresent()) {
            return active;
        }
        return localNodeId;
    }

    public MetadataImage image() {
        return image.get();
    }

    public boolean isAlive(MetadataImage image, int nodeId) {
        return nodeId == localNodeId || liveness.isAlive(image, nodeId);
    }

    /** The live brokers reachable on the request's listener, ascending by id. */
    public List<BrokerNode> brokers(MetadataImage image, RequestContext context) {
        List<BrokerNode> out = new ArrayList<>();
        boolean selfListed = false;
        for (int id : image.brokers().keySet().stream().sorted().toList()) {
            if (!isAlive(image, id)) {
                continue;
            }
            Optional<BrokerEndpoint> endpoint = endpoint(image, id, context);
            if (endpoint.isPresent()) {
                out.add(new BrokerNode(id, endpoint.get(), image.brokers().get(id).rack()));
                selfListed |= id == localNodeId;
            }
        }
        if (!selfListed) {
            endpoint(image, localNodeId, context).ifPresent(e -> {
                out.add(new BrokerNode(localNodeId, e, null));
                out.sort((a, b) -> Integer.compare(a.nodeId(), b.nodeId()));
            });
        }
        return out;
    }

    /** The replicas among {@code replicas} on brokers that are not alive (fenced or not registered). */
    public List<Integer> offlineReplicas(MetadataImage image, List<Integer> replicas) {
        return replicas.stream().filter(id -> !isAlive(image, id)).toList();
    }

    /**
     * The node coordinating a group, or -1 while there is none: the leader of the group's
     * {@code __consumer_offsets} partition ({@link CoordinatorPlacement}; -1 until the topic exists and the
     * partition has a live leader; on a single node that is itself once the topic exists). Without a placement
     * (tests): this node.
     */
    public int groupCoordinatorFor(String groupId) {
        if (groups == null) {
            return localNodeId;
        }
        MetadataImage current = image.get();
        return groups.coordinatorFor(groupId, current, id -> isAlive(current, id));
    }

    /**
     * The node coordinating a transactional id, or -1 while there is none: with a transaction placement the leader
     * of the id's {@code __transaction_state} partition. Without one (a broker that has no transaction coordinator:
     * a cluster, for now) the live broker with the lowest id, so every node names the same one, and its
     * InitProducerId answers TRANSACTIONAL_ID_NOT_FOUND as before.
     */
    public int coordinatorFor(String key) {
        MetadataImage current = image.get();
        if (transactions != null) {
            return transactions.coordinatorFor(key, current, id -> isAlive(current, id));
        }
        return current.brokers().keySet().stream().filter(id -> liveness.isAlive(current, id)).sorted()
                .findFirst().orElse(localNodeId);
    }

    /**
     * Where a client that sent {@code context} reaches broker {@code nodeId}: its registered endpoint for the
     * listener the request arrived on (Kafka answers per listener, so internal and external clients each get an
     * address they can use). This node answers with the request's own advertised listener.
     */
    public Optional<BrokerEndpoint> endpoint(MetadataImage image, int nodeId, RequestContext context) {
        if (nodeId == localNodeId && context != null && context.advertised() != null) {
            return Optional.of(new BrokerEndpoint(context.advertised().host(), context.advertised().port()));
        }
        BrokerRegistrationRecord registration = image.brokers().get(nodeId);
        if (registration == null) {
            return Optional.empty();
        }
        String listener = listenerName(context);
        return registration.endpoints().stream()
                .filter(e -> e.listener().equals(listener))
                .findFirst()
                .map(e -> new BrokerEndpoint(e.host(), e.port()));
    }

    /** As {@link #endpoint(MetadataImage, int, RequestContext)} on the current image. */
    public Optional<BrokerEndpoint> endpoint(int nodeId, RequestContext context) {
        return endpoint(image(), nodeId, context);
    }

    private static String listenerName(RequestContext context) {
        if (context == null) {
            return DEFAULT_LISTENER;
        }
        if (context.advertised() != null) {
            return context.advertised().name();
        }
        return context.session() != null ? context.listenerName() : DEFAULT_LISTENER;
    }
}
