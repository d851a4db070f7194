package io.samsa.broker.config;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.broker.group.GroupCoordinatorConfig;
import io.samsa.broker.group.OffsetsTopic;
import io.samsa.broker.quota.QuotaConfig;
import io.samsa.broker.txn.TransactionCoordinator;
import io.samsa.broker.txn.TransactionStateTopic;
import io.samsa.log.LogCleaner;
import io.samsa.log.LogConfig;
import io.samsa.log.LogManager;
import io.samsa.network.server.NetworkConfig;

/**
 * The broker's settings, read from a {@code server.properties}-style map with Kafka's key names and
 * defaults. Every value is checked when the broker starts: a bad one stops it with a message naming the
 * key; unknown keys are only warned about, in one line (they may belong to a Kafka feature Samsa does not have yet),
 * so Kafka's sample KRaft {@code server.properties} starts a node as it is. The cluster's keys ({@code
 * process.roles}, {@code controller.quorum.voters}, {@code replica.*}, ...) are read by {@link ClusterConfig}.
 */
public final class BrokerConfig {
    private static final Logger log = LoggerFactory.getLogger(BrokerConfig.class);

    /** Where data lives when {@code log.dirs} is not set (relative to the working directory). */
    public static final String DEFAULT_DATA_DIR = "samsa-data";

    private final Map<String, String> originals;
    private final int nodeId;
    private final Listeners listeners;
    private final Map<String, ListenerSecurity> listenerSecurity;
    /** Null without controller names. */
    private final ListenerSecurity quorumSecurity;
    private final String interBrokerSaslMechanism;
    private final AuthorizerConfig authorizer;
    private final ClusterConfig cluster;
    private final Path dataDir;
    private final int numPartitions;
    private final short defaultReplicationFactor;
    private final boolean autoCreateTopics;
    private final int socketRequestMaxBytes;
    private final int numNetworkThreads;
    private final int numIoThreads;
    private final int queuedMaxRequests;
    private final int fetchMaxBytes;
    private final QuotaConfig quotaConfig;
    private final long connectionsMaxIdleMs;
    private final long connectionsSetupTimeoutMs;
    private final long retentionCheckIntervalMs;
    private final int metricsPort;
    private final int maxPartitions;
    private final int minInsyncReplicas;
    private final long producerIdExpirationMs;
    private final long producerIdExpirationCheckIntervalMs;
    private final int maxConnections;
    private final int maxConnectionsPerIp;
    private final long queuedMaxRequestBytes;
    private final LogConfig logDefaults;
    private final LogManager.Settings logManagerSettings;
    private final GroupCoordinatorConfig groupCoordinator;
    private final Map<String, String> effective = new TreeMap<>();

    private BrokerConfig(Map<String, String> props) {
        this.originals = Map.copyOf(props);
        ConfigReader r = new ConfigReader(props);
        nodeId = r.intValue("node.id", r.intValue("broker.id", 0, 0, Integer.MAX_VALUE), 0, Integer.MAX_VALUE);
        r.alias("broker.id");
        listeners = Listeners.read(r);
        listenerSecurity = ListenerSecurity.read(r, listeners.endpoints());
        quorumSecurity = listeners.quorumListenerName().map(name -> ListenerSecurity.readQuorum(r, name,
                listeners.controllerSecurityProtocol())).orElse(null);
        interBrokerSaslMechanism = r.string("sasl.mechanism.inter.broker.protocol", "GSSAPI");
        authorizer = AuthorizerConfig.read(r);
        cluster = new ClusterConfig(r, nodeId, r.has("node.id") || r.has("broker.id"), listeners);
        String dirs = r.string("log.dirs", r.string("log.dir", DEFAULT_DATA_DIR));
        r.alias("log.dir");
        if (dirs.contains(",")) {
            throw new ConfigException("log.dirs", dirs, "Samsa uses a single data directory; give one path");
        }
        dataDir = Path.of(dirs.trim());
        numPartitions = r.intValue("num.partitions", 1, 1, 1_000_000);
        defaultReplicationFactor = (short) r.intValue("default.replication.factor", 1, 1, Short.MAX_VALUE);
        autoCreateTopics = r.bool("auto.create.topics.enable", true);
        socketRequestMaxBytes = r.intValue("socket.request.max.bytes", 104857600, 1, Integer.MAX_VALUE);
        numNetworkThreads = r.intValue("num.network.threads", 3, 1, 256);
        numIoThreads = r.intValue("num.io.threads", 8, 1, 1024);
        queuedMaxRequests = r.intValue("queued.max.requests", 500, 1, Integer.MAX_VALUE);
        fetchMaxBytes = r.intValue("fetch.max.bytes", 55 * 1024 * 1024, 1024, Integer.MAX_VALUE);
        quotaConfig = new QuotaConfig(r.intValue("quota.window.num", 11, 1, Integer.MAX_VALUE),
                r.intValue("quota.window.size.seconds", 1, 1, Integer.MAX_VALUE));
        connectionsMaxIdleMs = r.longValue("connections.max.idle.ms", 600_000L, -1, Long.MAX_VALUE);
        // Samsa's own key (Kafka has none): a TLS handshake or SASL exchange not finished by then is closed.
        connectionsSetupTimeoutMs = r.longValue("connections.setup.timeout.ms", NetworkConfig.DEFAULT_SETUP_TIMEOUT_MS,
                -1, Long.MAX_VALUE);
        retentionCheckIntervalMs = r.longValue("log.retention.check.interval.ms", 300_000L, 1, Long.MAX_VALUE);
        metricsPort = r.intValue("metrics.port", -1, -1, 65535);
        // Samsa's own bound (Kafka has none per broker): every partition keeps at least one open file and two
        // index mmaps, so 20,000 partitions already take 40,000 of Linux's default 65,530 vm.max_map_count.
        maxPartitions = r.intValue("max.partitions", 20_000, 1, Integer.MAX_VALUE);
        minInsyncReplicas = r.intValue("min.insync.replicas", 1, 1, Integer.MAX_VALUE);
        producerIdExpirationMs = r.longValue("producer.id.expiration.ms", 86_400_000L, 1, Long.MAX_VALUE);
        producerIdExpirationCheckIntervalMs = r.longValue("producer.id.expiration.check.interval.ms", 600_000L, 1,
                Long.MAX_VALUE);
        maxConnections = r.intValue("max.connections", Integer.MAX_VALUE, 0, Integer.MAX_VALUE);
        maxConnectionsPerIp = r.intValue("max.connections.per.ip", Integer.MAX_VALUE, 0, Integer.MAX_VALUE);
        queuedMaxRequestBytes = r.longValue("queued.max.request.bytes", defaultQueuedMaxRequestBytes(), -1,
                Long.MAX_VALUE);

        long hour = 3600_000L;
        long rollMs = r.longValue("log.roll.ms", r.intValue("log.roll.hours", 168, 1, Integer.MAX_VALUE) * hour,
                1, Long.MAX_VALUE);
        r.alias("log.roll.hours");
        long retentionMs = r.longValue("log.retention.ms",
                r.longValue("log.retention.minutes", r.intValue("log.retention.hours", 168, -1, Integer.MAX_VALUE) * 60L,
                        -1, Long.MAX_VALUE) * 60_000L, -1, Long.MAX_VALUE);
        r.alias("log.retention.minutes");
        r.alias("log.retention.hours");
        String tsType = r.string("log.message.timestamp.type", "CreateTime");
        if (!tsType.equals("CreateTime") && !tsType.equals("LogAppendTime")) {
            throw new ConfigException("log.message.timestamp.type", tsType, "must be CreateTime or LogAppendTime");
        }
        logDefaults = withCleanerDefaults(r, LogConfig.builder()
                .segmentBytes(segmentBytes(r))
                .segmentMs(rollMs)
                .retentionMs(retentionMs)
                .retentionBytes(r.longValue("log.retention.bytes", -1L, -1, Long.MAX_VALUE))
                .flushIntervalMessages(r.longValue("log.flush.interval.messages", Long.MAX_VALUE, 1, Long.MAX_VALUE))
                .flushIntervalMs(r.longValue("log.flush.interval.ms", Long.MAX_VALUE, 0, Long.MAX_VALUE))
                .indexIntervalBytes(r.intValue("log.index.interval.bytes", 4096, 0, Integer.MAX_VALUE))
                .maxIndexBytes(r.intValue("log.index.size.max.bytes", 10 * 1024 * 1024, 4, Integer.MAX_VALUE))
                .maxMessageBytes(r.intValue("message.max.bytes", 1048588, 0, Integer.MAX_VALUE))
                .logAppendTime(tsType.equals("LogAppendTime"))
                .timestampBeforeMaxMs(r.longValue("log.message.timestamp.before.max.ms", Long.MAX_VALUE, 0,
                        Long.MAX_VALUE))
                .timestampAfterMaxMs(r.longValue("log.message.timestamp.after.max.ms", 3600_000L, 0, Long.MAX_VALUE))
                .build());
        logManagerSettings = new LogManager.Settings(
                retentionCheckIntervalMs,
                // Samsa's own roll/flush check period (Kafka has no background time roll), not a Kafka key.
                LogManager.Settings.DEFAULTS.flushCheckIntervalMs(),
                r.longValue("log.flush.offset.checkpoint.interval.ms",
                        LogManager.Settings.DEFAULTS.checkpointIntervalMs(), 1, Integer.MAX_VALUE),
                r.longValue("log.segment.delete.delay.ms", LogManager.Settings.DEFAULTS.fileDeleteDelayMs(), 0,
                        Long.MAX_VALUE),
                r.longValue("replica.high.watermark.checkpoint.interval.ms",
                        LogManager.Settings.DEFAULTS.highWatermarkCheckpointIntervalMs(), 1, Long.MAX_VALUE),
                cleanerSettings(r));
        GroupCoordinatorConfig g = GroupCoordinatorConfig.DEFAULTS;
        int minSession = r.intValue("group.min.session.timeout.ms", g.minSessionTimeoutMs(), 0, Integer.MAX_VALUE);
        groupCoordinator = new GroupCoordinatorConfig(
                r.intValue("group.initial.rebalance.delay.ms", g.initialRebalanceDelayMs(), 0, Integer.MAX_VALUE),
                minSession,
                r.intValue("group.max.session.timeout.ms", g.maxSessionTimeoutMs(), minSession, Integer.MAX_VALUE),
                r.intValue("group.max.size", g.maxGroupSize(), 1, Integer.MAX_VALUE),
                r.longValue("offsets.retention.minutes", g.offsetsRetentionMs() / 60_000L, 1, Long.MAX_VALUE / 60_000L)
                        * 60_000L,
                r.longValue("offsets.retention.check.interval.ms", g.offsetsRetentionCheckIntervalMs(), 1, Long.MAX_VALUE),
                r.intValue("offset.metadata.max.bytes", g.offsetMetadataMaxBytes(), 0, Integer.MAX_VALUE),
                g.newMemberJoinTimeoutMs());
        // Known Kafka keys (Kafka's sample server.properties among them) we accept but that have no effect.
        for (String ignored : List.of("socket.send.buffer.bytes", "socket.receive.buffer.bytes",
                "num.recovery.threads.per.data.dir",
                "share.coordinator.state.topic.replication.factor", "share.coordinator.state.topic.min.isr",
                "delete.topic.enable")) {
            r.accept(ignored);
        }
        Set<String> unknown = r.unusedKeys();
        if (!unknown.isEmpty()) {
            log.warn("Configuration keys Samsa does not use are ignored: {}", String.join(", ", unknown));
        }
        effective.putAll(r.used());
    }

    /** Kafka's log.cleaner.* broker settings of the log cleaner threads. */
    private static LogCleaner.Settings cleanerSettings(ConfigReader r) {
        LogCleaner.Settings d = LogCleaner.Settings.DEFAULTS;
        String io = r.string("log.cleaner.io.max.bytes.per.second", null);
        double ioMax = d.ioMaxBytesPerSecond();
        if (io != null) {
            try {
                ioMax = Double.parseDouble(io.trim());
            } catch (NumberFormatException e) {
                throw new ConfigException("log.cleaner.io.max.bytes.per.second", io, "Expected value to be a double");
            }
        }
        return new LogCleaner.Settings(r.bool("log.cleaner.enable", d.enable()),
                r.intValue("log.cleaner.threads", d.threads(), 0, Integer.MAX_VALUE),
                r.longValue("log.cleaner.dedupe.buffer.size", d.dedupeBufferSize(), 0, Long.MAX_VALUE), ioMax,
                r.longValue("log.cleaner.backoff.ms", d.backoffMs(), 0, Long.MAX_VALUE));
    }

    /**
     * The broker-wide defaults of the compaction topic configs (log.cleanup.policy, log.cleaner.delete.retention.ms,
     * log.cleaner.min.cleanable.ratio, log.cleaner.min/max.compaction.lag.ms), checked as the topic configs are.
     */
    private static LogConfig withCleanerDefaults(ConfigReader r, LogConfig defaults) {
        Map<String, String> topicLevel = new LinkedHashMap<>();
        for (String[] names : new String[][] {{"log.cleanup.policy", LogConfig.CLEANUP_POLICY},
                {"log.cleaner.delete.retention.ms", LogConfig.DELETE_RETENTION_MS},
                {"log.cleaner.min.cleanable.ratio", LogConfig.MIN_CLEANABLE_DIRTY_RATIO},
                {"log.cleaner.min.compaction.lag.ms", LogConfig.MIN_COMPACTION_LAG_MS},
                {"log.cleaner.max.compaction.lag.ms", LogConfig.MAX_COMPACTION_LAG_MS}}) {
            String v = r.string(names[0], null);
            if (v != null) {
                topicLevel.put(names[1], v);
            }
        }
        try {
            return LogConfig.fromTopicConfigs(topicLevel, defaults);
        } catch (ConfigException e) {
            throw new ConfigException("Invalid broker log cleaner default: " + e.getMessage());
        }
    }

    /**
     * log.segment.bytes, at least 1 MiB as in Kafka 4 (KIP-1030); the unadvertised
     * {@code internal.log.segment.bytes} (like Kafka's internal.segment.bytes topic config) overrides it with
     * a floor of 14 bytes, for tests that need many small segments.
     */
    private static int segmentBytes(ConfigReader r) {
        int bytes = r.intValue("log.segment.bytes", 1024 * 1024 * 1024, LogConfig.MIN_SEGMENT_BYTES, Integer.MAX_VALUE);
        String internal = r.string("internal.log.segment.bytes", null);
        if (internal == null) {
            return bytes;
        }
        return r.intValue("internal.log.segment.bytes", bytes, LogConfig.MIN_INTERNAL_SEGMENT_BYTES, Integer.MAX_VALUE);
    }

    /** Parses and checks {@code props}; throws ConfigException naming the first bad key. */
    public static BrokerConfig from(Map<String, String> props) {
        return new BrokerConfig(props);
    }

    /** Reads a properties file, then applies {@code overrides} on top. */
    public static BrokerConfig load(Path file, Map<String, String> overrides) throws IOException {
        Map<String, String> props = new LinkedHashMap<>();
        if (file != null) {
            Properties p = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                p.load(reader);
            }
            p.stringPropertyNames().forEach(k -> props.put(k, p.getProperty(k).trim()));
        }
        props.putAll(overrides);
        return from(props);
    }

    public Map<String, String> originals() { return originals; }

    /** Every recognised key with the value in force (defaults included), for DescribeConfigs. */
    public Map<String, String> effectiveValues() { return effective; }

    public int nodeId() { return nodeId; }

    /**
     * The first broker listener of {@code listeners}: the one {@code SamsaBroker.port()} and its bootstrap address
     * report. A controller-only node has none ({@link IllegalStateException}).
     */
    public Listener listener() {
        if (listeners.bound().isEmpty()) {
            throw new IllegalStateException("process.roles=controller: this node has no broker listener");
        }
        return listeners.bound().get(0);
    }

    /** The {@code advertised.listeners} entry of {@link #listener()}, or null (then the bound address is told). */
    public Listener advertisedListener() { return listeners.advertised(listener().name()).orElse(null); }

    /** All named listeners, their advertised addresses, protocols and the inter-broker listener. */
    public Listeners listeners() { return listeners; }

    /** Each broker listener's TLS and SASL settings, by listener name. */
    public Map<String, ListenerSecurity> listenerSecurity() { return listenerSecurity; }

    /**
     * The security settings of the metadata quorum's listener ({@link Listeners#quorumListenerName()}: the bound
     * controller listener, or on a broker-only node the first controller name); empty without controller names.
     */
    public Optional<ListenerSecurity> quorumListenerSecurity() { return Optional.ofNullable(quorumSecurity); }

    /**
     * {@code sasl.mechanism.inter.broker.protocol}: how brokers authenticate to each other when the inter-broker
     * listener speaks SASL (Kafka's default GSSAPI, which Samsa refuses at start in that case).
     */
    public String interBrokerSaslMechanism() { return interBrokerSaslMechanism; }

    /** ACL checks: on or off, the super users, the rule for a resource without ACLs. */
    public AuthorizerConfig authorizer() { return authorizer; }

    public Path dataDir() { return dataDir; }

    public int numPartitions() { return numPartitions; }

    public short defaultReplicationFactor() { return defaultReplicationFactor; }

    public boolean autoCreateTopics() { return autoCreateTopics; }

    public int socketRequestMaxBytes() { return socketRequestMaxBytes; }

    public int numNetworkThreads() { return numNetworkThreads; }

    public long connectionsMaxIdleMs() { return connectionsMaxIdleMs; }

    /** Request handler threads (Kafka's {@code num.io.threads}, default 8). */
    public int numIoThreads() { return numIoThreads; }

    /** Requests read but not yet taken by a handler thread before the network threads block (default 500). */
    public int queuedMaxRequests() { return queuedMaxRequests; }

    /** The broker's cap on one fetch response's record bytes (default 55 MiB), whatever the client asks. */
    public int fetchMaxBytes() { return fetchMaxBytes; }

    /** Client quota sampling: {@code quota.window.num} samples of {@code quota.window.size.seconds}. */
    public QuotaConfig quotaConfig() { return quotaConfig; }
    /** The listeners and their connection settings, for the network layer. */
    public NetworkConfig network() {
        return new NetworkConfig(listeners.endpoints(), numNetworkThreads, socketRequestMaxBytes,
                connectionsMaxIdleMs, maxConnections, maxConnectionsPerIp, queuedMaxRequestBytes,
                connectionsSetupTimeoutMs);
    }

    /**
     * {@code queued.max.request.bytes} when not set: a quarter of the maximum heap. Kafka's default (-1) is
     * unbounded, which lets a few sockets announcing 100 MiB frames exhaust the heap; a quarter leaves the rest
     * for the log's buffers, the group coordinator and responses. -1 still means unbounded, as in Kafka.
     */
    private static long defaultQueuedMaxRequestBytes() {
        return Runtime.getRuntime().maxMemory() / 4;
    }

    public long retentionCheckIntervalMs() { return retentionCheckIntervalMs; }

    public LogConfig logDefaults() { return logDefaults; }

    /** Periods of the log manager's background work (retention, flush check, checkpoints, delete delay). */
    public LogManager.Settings logManagerSettings() { return logManagerSettings; }

    /** group.* and offsets.* settings of the group coordinator. */
    public GroupCoordinatorConfig groupCoordinator() { return groupCoordinator; }

    /** Partitions this broker holds at most, over all topics ({@code max.partitions}, Samsa's own key). */
    public int maxPartitions() { return maxPartitions; }

    /** Broker default of the topic config {@code min.insync.replicas}. */
    public int minInsyncReplicas() { return minInsyncReplicas; }

    /** {@code producer.id.expiration.ms}: idle producer ids are forgotten after this long (Kafka: 1 day). */
    public long producerIdExpirationMs() { return producerIdExpirationMs; }

    /** {@code producer.id.expiration.check.interval.ms} (Kafka: 10 minutes). */
    public long producerIdExpirationCheckIntervalMs() { return producerIdExpirationCheckIntervalMs; }

    /** Port of the Prometheus endpoint on the listener's host; -1 (default) turns it off, 0 picks one. */
    public int metricsPort() { return metricsPort; }

    // ---- cluster (ClusterConfig) ----

    /** {@code process.roles}; empty when not set (a single node: broker and its own controller). */
    public Set<ProcessRole> processRoles() { return cluster.processRoles; }

    /** Whether this node is part of a cluster: {@code controller.quorum.voters} is set. */
    public boolean isCluster() { return cluster.isCluster(); }

    /** Whether this node votes in the metadata quorum (a single node is its own controller). */
    public boolean isController() {
        return cluster.processRoles.isEmpty() || cluster.processRoles.contains(ProcessRole.CONTROLLER);
    }

    /** Whether this node serves clients and holds replicas (a single node always does). */
    public boolean isBroker() {
        return cluster.processRoles.isEmpty() || cluster.processRoles.contains(ProcessRole.BROKER);
    }

    /**
     * {@code controller.quorum.voters}: node id → its controller listener's address (unresolved), in
     * configuration order; empty on a single node.
     */
    public Map<Integer, InetSocketAddress> quorumVoters() { return cluster.quorumVoters; }

    /**
     * The listener the metadata quorum (not the Kafka socket server) binds: the first {@code
     * controller.listener.names} entry of {@code listeners}. Empty on a broker-only node or when not configured.
     */
    public Optional<Listener> controllerListener() { return listeners.controllerListener(); }

    /** {@code inter.broker.listener.name} (default PLAINTEXT, else the first broker listener). */
    public String interBrokerListenerName() { return listeners.interBrokerListenerName(); }

    /** {@code broker.rack}, or null when not set. */
    public String brokerRack() { return cluster.brokerRack; }

    /**
     * {@code replica.selector.class} (Kafka: not set, consumers read from the leader): Kafka's
     * {@code RackAwareReplicaSelector} (or {@code LeaderSelector}) by name, see {@code ReplicaSelectors}; null when
     * not set.
     */
    public String replicaSelectorClass() { return cluster.replicaSelectorClass; }

    /** {@code replica.lag.time.max.ms} (Kafka: 30000): a follower not caught up for this long leaves the ISR. */
    public long replicaLagTimeMaxMs() { return cluster.replicaLagTimeMaxMs; }

    /** {@code replica.fetch.max.bytes} (Kafka: 1 MiB): a follower's per-partition fetch size. */
    public int replicaFetchMaxBytes() { return cluster.replicaFetchMaxBytes; }

    /** {@code replica.fetch.wait.max.ms} (Kafka: 500): a follower fetch's max wait. */
    public int replicaFetchWaitMaxMs() { return cluster.replicaFetchWaitMaxMs; }

    /** {@code replica.fetch.min.bytes} (Kafka: 1). */
    public int replicaFetchMinBytes() { return cluster.replicaFetchMinBytes; }

    /** {@code replica.fetch.backoff.ms} (Kafka: 1000): the pause after a failed follower fetch. */
    public int replicaFetchBackoffMs() { return cluster.replicaFetchBackoffMs; }

    /** {@code num.replica.fetchers} (Kafka: 1): fetcher threads per source broker. */
    public int numReplicaFetchers() { return cluster.numReplicaFetchers; }

    /** {@code broker.heartbeat.interval.ms}: Samsa 500 (Kafka 2000), for failover within 3 s. */
    public int brokerHeartbeatIntervalMs() { return cluster.brokerHeartbeatIntervalMs; }

    /** {@code broker.session.timeout.ms}: Samsa 2000 (Kafka 9000): a silent broker is fenced after this long. */
    public int brokerSessionTimeoutMs() { return cluster.brokerSessionTimeoutMs; }

    /** {@code unclean.leader.election.enable} (Kafka: false). */
    public boolean uncleanLeaderElectionEnable() { return cluster.uncleanLeaderElectionEnable; }

    /** {@code offsets.topic.replication.factor}: Kafka's 3 in a cluster; always 1 on a single node. */
    public short offsetsTopicReplicationFactor() { return cluster.offsetsTopicReplicationFactor; }

    /**
     * The {@code __consumer_offsets} topic that holds the groups: {@code offsets.topic.num.partitions} (50),
     * {@code offsets.topic.replication.factor} (3; 1 on a single node), {@code offsets.topic.segment.bytes} (104857600),
     * {@code offsets.commit.timeout.ms} (5000).
     */
    public OffsetsTopic offsetsTopic() {
        return new OffsetsTopic(cluster.offsetsTopicNumPartitions, cluster.offsetsTopicReplicationFactor,
                cluster.offsetsTopicSegmentBytes, cluster.offsetsCommitTimeoutMs);
    }

    /**
     * The {@code __transaction_state} topic: {@code transaction.state.log.num.partitions} (50),
     * {@code transaction.state.log.replication.factor} (3; 1 on a single node), {@code transaction.state.log.min.isr}
     * (2, at most the replication factor), {@code transaction.state.log.segment.bytes} (104857600).
     */
    public TransactionStateTopic transactionStateTopic() {
        return new TransactionStateTopic(cluster.transactionStateLogNumPartitions,
                cluster.transactionStateLogReplicationFactor, cluster.transactionStateLogMinIsr,
                cluster.transactionStateLogSegmentBytes);
    }

    /**
     * The transaction coordinator: {@code transaction.max.timeout.ms} (900000), {@code transactional.id.expiration.ms}
     * (7 days), {@code transaction.abort.timed.out.transaction.cleanup.interval.ms} (10000),
     * {@code transaction.remove.expired.transaction.cleanup.interval.ms} (3600000).
     */
    public TransactionCoordinator.Config transactionCoordinator() {
        return new TransactionCoordinator.Config(cluster.transactionStateLogNumPartitions,
                cluster.transactionMaxTimeoutMs, cluster.transactionAbortTimedOutIntervalMs,
                cluster.transactionalIdExpirationMs, cluster.transactionRemoveExpiredIntervalMs);
    }

    /** {@code transaction.state.log.replication.factor}: accepted (Kafka's 3 in a cluster, 1 on a single node). */
    public short transactionStateLogReplicationFactor() { return cluster.transactionStateLogReplicationFactor; }

    /** {@code auto.leader.rebalance.enable} (Kafka: true): periodic preferred-leader election. */
    public boolean autoLeaderRebalanceEnable() { return cluster.autoLeaderRebalanceEnable; }

    /** {@code leader.imbalance.check.interval.seconds} (Kafka: 300). */
    public long leaderImbalanceCheckIntervalSeconds() { return cluster.leaderImbalanceCheckIntervalSeconds; }

    /**
     * {@code metadata.log.dir}: where the metadata log (the quorum's Raft log) lives; empty when not set (then
     * under the data directory, as Kafka puts it in the first of {@code log.dirs}).
     */
    public Optional<Path> metadataLogDir() { return Optional.ofNullable(cluster.metadataLogDir); }
}
