package io.samsa.broker.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.broker.replica.selector.ReplicaSelectors;

/**
 * The cluster's keys, Kafka KRaft's names: the node's roles and the metadata quorum ({@code process.roles},
 * {@code controller.quorum.voters}), its rack, replication ({@code replica.*}, {@code replica.selector.class} for
 * fetch from follower), broker liveness
 * ({@code broker.heartbeat.interval.ms}, {@code broker.session.timeout.ms}) and leader election. Read by
 * {@link BrokerConfig}, which offers the getters.
 *
 * <p>Without {@code controller.quorum.voters} the node runs alone, exactly as before clusters: it is the only
 * broker and its own controller. Kafka's sample KRaft {@code server.properties} (a combined node with
 * {@code controller.quorum.bootstrap.servers}, a dynamic quorum Samsa does not have yet) starts such a node, with
 * a warning.
 */
final class ClusterConfig {
    private static final Logger log = LoggerFactory.getLogger(ClusterConfig.class);

    static final String BOOTSTRAP_SERVERS = "controller.quorum.bootstrap.servers";

    final Set<ProcessRole> processRoles;
    final Map<Integer, InetSocketAddress> quorumVoters;
    final String brokerRack;
    final String replicaSelectorClass;
    final long replicaLagTimeMaxMs;
    final int replicaFetchMaxBytes;
    final int replicaFetchWaitMaxMs;
    final int replicaFetchMinBytes;
    final int replicaFetchBackoffMs;
    final int numReplicaFetchers;
    final int brokerHeartbeatIntervalMs;
    final int brokerSessionTimeoutMs;
    final boolean uncleanLeaderElectionEnable;
    final short offsetsTopicReplicationFactor;
    final int offsetsTopicNumPartitions;
    final int offsetsTopicSegmentBytes;
    final int offsetsCommitTimeoutMs;
    final short transactionStateLogReplicationFactor;
    final int transactionStateLogNumPartitions;
    final int transactionStateLogMinIsr;
    final int transactionStateLogSegmentBytes;
    final int transactionMaxTimeoutMs;
    final long transactionalIdExpirationMs;
    final long transactionAbortTimedOutIntervalMs;
    final long transactionRemoveExpiredIntervalMs;
    final boolean autoLeaderRebalanceEnable;
    final long leaderImbalanceCheckIntervalSeconds;
    final Path metadataLogDir;

    ClusterConfig(ConfigReader r, int nodeId, boolean nodeIdSet, Listeners listeners) {
        processRoles = roles(r.string("process.roles", null));
        String votersValue = r.string(QuorumVoters.KEY, null);
        quorumVoters = QuorumVoters.unmodifiable(QuorumVoters.parse(votersValue));
        String bootstrap = r.string(BOOTSTRAP_SERVERS, null);
        checkRoles(nodeId, nodeIdSet, listeners, bootstrap);

        String rack = r.string("broker.rack", null);
        brokerRack = rack == null || rack.isBlank() ? null : rack;
        replicaSelectorClass = r.string(ReplicaSelectors.CONFIG, null);
        ReplicaSelectors.named(replicaSelectorClass); // an unknown name fails here, as Kafka fails to load it
        replicaLagTimeMaxMs = r.longValue("replica.lag.time.max.ms", 30_000L, 1, Long.MAX_VALUE);
        replicaFetchMaxBytes = r.intValue("replica.fetch.max.bytes", 1024 * 1024, 0, Integer.MAX_VALUE);
        replicaFetchWaitMaxMs = r.intValue("replica.fetch.wait.max.ms", 500, 0, Integer.MAX_VALUE);
        if (replicaFetchWaitMaxMs > replicaLagTimeMaxMs) {
            // Kafka's rule: a follower parked longer than the lag time would fall out of the ISR while idle.
            throw new ConfigException("replica.fetch.wait.max.ms", replicaFetchWaitMaxMs,
                    "must not exceed replica.lag.time.max.ms (" + replicaLagTimeMaxMs + ")");
        }
        replicaFetchMinBytes = r.intValue("replica.fetch.min.bytes", 1, 1, Integer.MAX_VALUE);
        replicaFetchBackoffMs = r.intValue("replica.fetch.backoff.ms", 1000, 0, Integer.MAX_VALUE);
        numReplicaFetchers = r.intValue("num.replica.fetchers", 1, 1, 1024);
        // Samsa's defaults, not Kafka's (2000 and 9000): the failover target is at most 3 s from a broker's death
        // to the first acks=all write on the new leader, so the controller must fence a silent broker after 2 s.
        brokerHeartbeatIntervalMs = r.intValue("broker.heartbeat.interval.ms", 500, 1, Integer.MAX_VALUE);
        brokerSessionTimeoutMs = r.intValue("broker.session.timeout.ms", 2000, 1, Integer.MAX_VALUE);
        if (brokerHeartbeatIntervalMs >= brokerSessionTimeoutMs) {
            throw new ConfigException("broker.heartbeat.interval.ms", brokerHeartbeatIntervalMs,
                    "must be less than broker.session.timeout.ms (" + brokerSessionTimeoutMs + "), or a live broker"
                            + " would be fenced between two heartbeats");
        }
        uncleanLeaderElectionEnable = r.bool("unclean.leader.election.enable", false);
        // Kafka's default is 3; a single node can only hold one replica, so there the value is 1 whatever is set.
        short offsetsRf = (short) r.intValue("offsets.topic.replication.factor", 3, 1, Short.MAX_VALUE);
        offsetsTopicReplicationFactor = isCluster() ? offsetsRf : 1;
        // The groups' topic, created on the first FindCoordinator (on a single node too, with one replica).
        offsetsTopicNumPartitions = r.intValue("offsets.topic.num.partitions", 50, 1, Integer.MAX_VALUE);
        offsetsTopicSegmentBytes = r.intValue("offsets.topic.segment.bytes", 104_857_600, 1, Integer.MAX_VALUE);
        offsetsCommitTimeoutMs = r.intValue("offsets.commit.timeout.ms", 5000, 1, Integer.MAX_VALUE);
        // Kafka 3.x's key (removed in 4.0): writes of the coordinator always wait for every in-sync replica.
        String requiredAcks = r.string("offsets.commit.required.acks", "-1");
        if (!requiredAcks.trim().equals("-1")) {
            log.warn("offsets.commit.required.acks={} is ignored: group coordinator writes use acks=all", requiredAcks);
        }
        short txnRf = (short) r.intValue("transaction.state.log.replication.factor", 3, 1, Short.MAX_VALUE);
        transactionStateLogReplicationFactor = isCluster() ? txnRf : 1;
        // The transaction coordinator's topic, created on the first FindCoordinator for a transactional id.
        transactionStateLogNumPartitions = r.intValue("transaction.state.log.num.partitions", 50, 1,
                Integer.MAX_VALUE);
        int txnMinIsr = r.intValue("transaction.state.log.min.isr", 2, 1, Integer.MAX_VALUE);
        transactionStateLogMinIsr = Math.min(txnMinIsr, transactionStateLogReplicationFactor);
        transactionStateLogSegmentBytes = r.intValue("transaction.state.log.segment.bytes", 104_857_600, 1,
                Integer.MAX_VALUE);
        transactionMaxTimeoutMs = r.intValue("transaction.max.timeout.ms", 900_000, 1, Integer.MAX_VALUE);
        transactionalIdExpirationMs = r.intValue("transactional.id.expiration.ms", 604_800_000, 1,
                Integer.MAX_VALUE);
        transactionAbortTimedOutIntervalMs = r.intValue(
                "transaction.abort.timed.out.transaction.cleanup.interval.ms", 10_000, 1, Integer.MAX_VALUE);
        transactionRemoveExpiredIntervalMs = r.intValue(
                "transaction.remove.expired.transaction.cleanup.interval.ms", 3_600_000, 1, Integer.MAX_VALUE);
        autoLeaderRebalanceEnable = r.bool("auto.leader.rebalance.enable", true);
        leaderImbalanceCheckIntervalSeconds = r.longValue("leader.imbalance.check.interval.seconds", 300L, 1,
                Long.MAX_VALUE);
        String metadataDir = r.string("metadata.log.dir", null);
        metadataLogDir = metadataDir == null ? null : Path.of(metadataDir);
    }

    boolean isCluster() {
        return !quorumVoters.isEmpty();
    }

    private static Set<ProcessRole> roles(String value) {
        Set<ProcessRole> roles = EnumSet.noneOf(ProcessRole.class);
        if (value == null) {
            return Collections.unmodifiableSet(roles);
        }
        for (String role : value.split(",")) {
            if (role.isBlank()) {
                continue;
            }
            ProcessRole parsed;
            try {
                parsed = ProcessRole.valueOf(role.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("process.roles", value, "unknown role '" + role.trim()
                        + "'; the roles are broker and controller");
            }
            if (!roles.add(parsed)) {
                throw new ConfigException("process.roles", value, "role " + role.trim() + " appears more than once");
            }
        }
        if (roles.isEmpty()) {
            throw new ConfigException("process.roles", value, "give broker, controller or broker,controller");
        }
        return Collections.unmodifiableSet(roles);
    }

    /** The rules between roles, voters, node id and listeners, each failure naming the key to fix. */
    private void checkRoles(int nodeId, boolean nodeIdSet, Listeners listeners, String bootstrap) {
        boolean controller = processRoles.contains(ProcessRole.CONTROLLER);
        boolean broker = processRoles.contains(ProcessRole.BROKER);
        if (processRoles.isEmpty()) {
            if (isCluster()) {
                throw problem("process.roles", "controller.quorum.voters is set, so process.roles"
                        + " must be too (broker,controller for a node that is both)");
            }
            return;
        }
        if (!nodeIdSet) {
            throw problem("node.id", "is required when process.roles is set");
        }
        if (!isCluster()) {
            if (!(broker && controller)) {
                throw problem(QuorumVoters.KEY, "process.roles=" + roles() + " needs the metadata"
                        + " quorum's voters (id@host:port,...); only a broker,controller node may run alone");
            }
            if (bootstrap != null) {
                log.warn("{} is not supported yet: Samsa needs {} (id@host:port,...) for a cluster; this node runs"
                        + " alone (node {}, its own controller)", BOOTSTRAP_SERVERS, QuorumVoters.KEY, nodeId);
            }
            return;
        }
        if (bootstrap != null) {
            log.warn("{} is ignored: {} names the quorum", BOOTSTRAP_SERVERS, QuorumVoters.KEY);
        }
        if (listeners.controllerListenerNames().isEmpty()) {
            throw problem("controller.listener.names", "must be set when controller.quorum.voters"
                    + " is (the listener the quorum uses, e.g. CONTROLLER)");
        }
        if (controller && !quorumVoters.containsKey(nodeId)) {
            throw new ConfigException(QuorumVoters.KEY, quorumVoters.keySet().toString(), "process.roles contains"
                    + " controller, but node.id " + nodeId + " is not one of the voters");
        }
        if (!controller && quorumVoters.containsKey(nodeId)) {
            throw new ConfigException("process.roles", roles(), "node " + nodeId + " is a voter in "
                    + QuorumVoters.KEY + ", so process.roles must contain controller");
        }
        if (controller && listeners.controllerListener().isEmpty()) {
            throw problem("listeners", "process.roles contains controller, but no listener is named"
                    + " in controller.listener.names " + listeners.controllerListenerNames()
                    + "; add e.g. " + listeners.controllerListenerNames().get(0) + "://host:9093");
        }
        if (!controller && listeners.controllerListener().isPresent()) {
            throw problem("listeners", "listener " + listeners.controllerListener().get().name()
                    + " is a controller listener, but process.roles has no controller role");
        }
        if (broker && listeners.bound().isEmpty()) {
            throw problem("listeners", "process.roles contains broker, but every listener is a"
                    + " controller listener; add a broker listener, e.g. PLAINTEXT://host:9092");
        }
        if (!broker && !listeners.bound().isEmpty()) {
            throw problem("listeners", "process.roles=controller allows only controller listeners"
                    + " (controller.listener.names), not " + listeners.bound());
        }
        listeners.controllerListener().ifPresent(l -> {
            InetSocketAddress self = quorumVoters.get(nodeId);
            if (self != null && l.port() != 0 && self.getPort() != l.port()) {
                log.warn("Node {}'s entry in {} has port {}, but its controller listener {} binds port {}", nodeId,
                        QuorumVoters.KEY, self.getPort(), l, l.port());
            }
        });
    }

    /** A rule broken by a missing key or between keys: the key to fix, then why. */
    private static ConfigException problem(String key, String message) {
        return new ConfigException(key + ": " + message);
    }

    private String roles() {
        return String.join(",", processRoles.stream().map(r -> r.name().toLowerCase(Locale.ROOT)).toList());
    }
}
