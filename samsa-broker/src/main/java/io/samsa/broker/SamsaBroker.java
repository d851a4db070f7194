package io.samsa.broker;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.broker.api.ApiDispatcher;
import io.samsa.broker.authorizer.AclAuthorizer;
import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiRegistration;
import io.samsa.broker.api.ApiVersionsHandler;
import io.samsa.broker.api.RequestHandlerPool;
import io.samsa.broker.api.RequestMetrics;
import io.samsa.broker.config.BrokerConfig;
import io.samsa.broker.config.ListenerSecurity;
import io.samsa.broker.config.Listener;
import io.samsa.broker.cluster.BrokerIdentity;
import io.samsa.broker.cluster.ClusterView;
import io.samsa.broker.cluster.CoordinatorPlacement;
import io.samsa.broker.cluster.LocalBrokerRegistration;
import io.samsa.broker.group.GroupCoordinator;
import io.samsa.broker.group.OffsetsTopic;
import io.samsa.broker.handler.AddOffsetsToTxnHandler;
import io.samsa.broker.handler.AddPartitionsToTxnHandler;
import io.samsa.broker.handler.AlterClientQuotasHandler;
import io.samsa.broker.handler.AlterConfigsHandler;
import io.samsa.broker.handler.DescribeTransactionsHandler;
import io.samsa.broker.handler.EndTxnHandler;
import io.samsa.broker.handler.ListTransactionsHandler;
import io.samsa.broker.handler.CreatePartitionsHandler;
import io.samsa.broker.handler.CreateTopicsHandler;
import io.samsa.broker.handler.DeleteGroupsHandler;
import io.samsa.broker.handler.DeleteRecordsHandler;
import io.samsa.broker.handler.DeleteTopicsHandler;
import io.samsa.broker.handler.DescribeGroupsHandler;
import io.samsa.broker.handler.DescribeLogDirsHandler;
import io.samsa.broker.handler.DescribeProducersHandler;
import io.samsa.broker.handler.DescribeClusterHandler;
import io.samsa.broker.handler.DescribeConfigsHandler;
import io.samsa.broker.handler.DescribeQuorumHandler;
import io.samsa.broker.handler.FetchHandler;
import io.samsa.broker.handler.ReadReplicaSelection;
import io.samsa.broker.handler.FindCoordinatorHandler;
import io.samsa.broker.handler.HeartbeatHandler;
import io.samsa.broker.handler.IncrementalAlterConfigsHandler;
import io.samsa.broker.handler.DescribeUserScramCredentialsHandler;
import io.samsa.broker.handler.AlterUserScramCredentialsHandler;
import io.samsa.broker.handler.CreateAclsHandler;
import io.samsa.broker.handler.DeleteAclsHandler;
import io.samsa.broker.handler.DescribeAclsHandler;
import io.samsa.broker.handler.DescribeClientQuotasHandler;
import io.samsa.broker.handler.SaslAfterAuthenticationHandlers;
import io.samsa.broker.security.InterBrokerChannels;
import io.samsa.broker.security.ListenerChannels;
import io.samsa.broker.security.MetadataScramCredentials;
import io.samsa.broker.handler.InitProducerIdHandler;
import io.samsa.broker.handler.JoinGroupHandler;
import io.samsa.broker.handler.LeaveGroupHandler;
import io.samsa.broker.handler.ListGroupsHandler;
import io.samsa.broker.handler.ListOffsetsHandler;
import io.samsa.broker.handler.MetadataHandler;
import io.samsa.broker.handler.OffsetCommitHandler;
import io.samsa.broker.handler.TxnOffsetCommitHandler;
import io.samsa.broker.handler.WriteTxnMarkersHandler;
import io.samsa.broker.handler.OffsetDeleteHandler;
import io.samsa.broker.handler.OffsetFetchHandler;
import io.samsa.broker.handler.OffsetForLeaderEpochHandler;
import io.samsa.broker.handler.ProduceHandler;
import io.samsa.broker.handler.ProducerIdManager;
import io.samsa.broker.handler.SyncGroupHandler;
import io.samsa.broker.metrics.BrokerMetricsFormatter;
import io.samsa.broker.metrics.BrokerStats;
import io.samsa.broker.metrics.PrometheusEndpoint;
import io.samsa.broker.purgatory.FetchPurgatory;
import io.samsa.broker.purgatory.ProducePurgatory;
import io.samsa.broker.quota.ClientQuotas;
import io.samsa.broker.quota.RequestThrottler;
import io.samsa.broker.lifecycle.BrokerLifecycleManager;
import io.samsa.broker.lifecycle.BrokerTransactions;
import io.samsa.broker.lifecycle.CoordinatorShardPublisher;
import io.samsa.broker.lifecycle.LegacyGroupLogImport;
import io.samsa.broker.lifecycle.ClusterMarkerWriter;
import io.samsa.broker.lifecycle.ReplicatedOffsetsPartitions;
import io.samsa.broker.lifecycle.QuorumNode;
import io.samsa.broker.lifecycle.ReplicaStatePublisher;
import io.samsa.broker.lifecycle.ReplicationLinks;
import io.samsa.broker.replica.LeaderAndIsr;
import io.samsa.broker.replica.PartitionListener;
import io.samsa.broker.replica.ReplicaManager;
import io.samsa.broker.replica.fetcher.BrokerAddresses;
import io.samsa.broker.replica.selector.ReplicaSelectors;
import io.samsa.broker.topic.BrokerMetadata;
import io.samsa.broker.topic.TopicInfo;
import io.samsa.broker.topic.TopicRegistry;
import io.samsa.broker.txn.TransactionCoordinator;
import io.samsa.broker.txn.TransactionStateTopic;
import io.samsa.log.LogFiles;
import io.samsa.log.LogManager;
import io.samsa.metadata.ControllerApi;
import io.samsa.metadata.MetadataStateMachine;
import io.samsa.network.server.FrameHandler;
import io.samsa.network.server.NetworkMetrics;
import io.samsa.network.server.Session;
import io.samsa.network.server.SocketServer;
import io.samsa.protocol.ResponseSend;

/**
 * A Samsa broker — a single node, or one node of a cluster when {@code controller.quorum.voters} is set (see the
 * package documentation) — runnable in-process:
 * <pre>{@code
 * try (SamsaBroker broker = SamsaBroker.startEmbedded()) {
 *     props.put("bootstrap.servers", broker.bootstrapServers());
 *     ...
 * }
 * }</pre>
 * {@link #startEmbedded()} binds an ephemeral loopback port and a temporary data directory that is removed
 * on close; {@link #start(BrokerConfig)} runs with a full configuration. Start and {@link #close()} run on the
 * caller's thread; the broker's own threads are described in {@link io.samsa.broker the package documentation}.
 */
public final class SamsaBroker implements SamsaNode {
    private static final Logger log = LoggerFactory.getLogger(SamsaBroker.class);
    /** How long a stopping cluster broker waits for the controller to move its leaderships away. */
    private static final long CONTROLLED_SHUTDOWN_MS = 10_000;

    private final BrokerConfig config;
    private final boolean deleteDataOnClose;
    private final DataDirectoryLock lock;
    private final LogManager logManager;
    private final BrokerMetadata metadata;
    private final TopicRegistry topics;
    private final GroupCoordinator groupCoordinator;
    private final ProducerIdExpiration producerIdExpiration;
    private final FetchPurgatory fetchPurgatory = new FetchPurgatory();
    private final ProducePurgatory producePurgatory = new ProducePurgatory();
    private final ReplicaManager replicaManager;
    private final BrokerStats stats = new BrokerStats();
    private final RequestMetrics requestMetrics = new RequestMetrics();
    /** Client quotas over the current metadata image's ClientQuotasImage. */
    private final ClientQuotas clientQuotas;
    private final RequestHandlerPool requestHandlers;
    private final SocketServer socketServer;
    private final ApiVersionsHandler apiVersions;
    private final BrokerIdentity identity;
    private final PrometheusEndpoint metricsEndpoint;
    /** Cluster mode only (null on a single node): the quorum, this broker's registration, its replicas' states. */
    private final QuorumNode quorum;
    private final BrokerLifecycleManager lifecycle;
    private final ReplicaStatePublisher replicaStates;
    /** Which __consumer_offsets partitions this node leads, for the group coordinator (a single node: all). */
    private final CoordinatorShardPublisher coordinatorShards;
    /** The transaction coordinator, its markers and the leaders' checks of transactional batches. */
    private final BrokerTransactions transactions;
    private final TransactionCoordinator transactionCoordinator; // transactions.coordinator
    /** Which {@code __transaction_state} partitions this node leads, for the transaction coordinator. */
    private final CoordinatorShardPublisher transactionShards;
    private volatile boolean closed;

    private SamsaBroker(BrokerConfig config, boolean deleteDataOnClose) throws IOException {
        long startNanos = System.nanoTime();
        if (!config.isBroker()) {
            throw new ConfigException("process.roles", config.processRoles().toString(), "a controller-only node "
                    + "runs as SamsaController, not as a broker");
        }
        this.config = config;
        this.deleteDataOnClose = deleteDataOnClose;
        Path dataDir = config.dataDir();
        lock = DataDirectoryLock.acquire(dataDir);
        // Whatever is opened is closed again, newest first, if a later step fails.
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        opened.push(lock);
        try {
            MetaProperties meta = MetaProperties.loadOrCreate(dataDir, config.nodeId());
            Path metaDir = dataDir.resolve("__samsa_meta");
            // Topics and replicas follow the metadata: their publishers are registered before the log replays.
            if (config.isCluster()) {
                MetadataStateMachine state = new MetadataStateMachine();
                quorum = new QuorumNode(config, state);
                topics = new TopicRegistry(state, quorum.controllerApi(), config.nodeId(), config.logDefaults(),
                        config.minInsyncReplicas());
                replicaManager = newReplicaManager();
                replicaStates = new ReplicaStatePublisher(config.nodeId(), replicaManager);
                state.register(replicaStates);
                // After the replica states: it reads the roles they have just applied.
                coordinatorShards = new CoordinatorShardPublisher(replicaManager);
                state.register(coordinatorShards);
                transactionShards = new CoordinatorShardPublisher(replicaManager, TransactionStateTopic.NAME);
                state.register(transactionShards);
                metadata = BrokerMetadata.open(state, quorum.metadataLog(), quorum.controllerApi());
            } else {
                quorum = null;
                replicaStates = null;
                metadata = BrokerMetadata.open(metaDir, TopicRegistry.settings(config.nodeId(),
                        config.maxPartitions(), config.logDefaults()));
                topics = new TopicRegistry(metadata, config.nodeId(), config.logDefaults(),
                        config.minInsyncReplicas());
                replicaManager = newReplicaManager();
                // After the topic registry: it opens the __consumer_offsets partitions once their logs exist.
                coordinatorShards = CoordinatorShardPublisher.singleNode(replicaManager, topics);
                metadata.state().register(coordinatorShards);
                transactionShards = CoordinatorShardPublisher.singleNodeTransactions(replicaManager, topics);
                metadata.state().register(transactionShards);
            }
            opened.push(metadata);
            opened.push(replicaManager);
            clientQuotas = new ClientQuotas(config.quotaConfig(), () -> topics.image().quotas());
            String clusterId = quorum == null ? meta.clusterId() : QuorumNode.clusterId(config.quorumVoters());

            Dispatch dispatch = new Dispatch();
            requestHandlers = new RequestHandlerPool(dispatch, config.numIoThreads(), config.queuedMaxRequests(),
                    requestMetrics);
            opened.push(requestHandlers);
            Listener l = config.listener();
            // Bound now (the registration names the ports), serving only at the end.
            // transaction.version 2 finalized: kafka-clients 4.x producers use KIP-890's version 2. Also answers the
            // ApiVersions a SASL client sends before it authenticates.
            apiVersions = new ApiVersionsHandler(() -> dispatch.target.registrations(), () -> topics.image().offset(),
                    (short) 2);
            ListenerChannels channels = new ListenerChannels(config.listenerSecurity(),
                    new MetadataScramCredentials(topics::image), apiVersions.saslResponder());
            socketServer = new SocketServer(config.network(), requestHandlers, fetchPurgatory::connectionClosed,
                    channels);
            opened.push(socketServer);
            identity = new BrokerIdentity(clusterId, config.nodeId(), advertisedHost(), advertisedPort());
            Map<String, Listener> advertisedByName = advertisedListeners();
            ControllerApi.BrokerRegistration registration = LocalBrokerRegistration.of(config.nodeId(),
                    advertisedByName.values(), config.listeners()::securityProtocol, config.brokerRack());
            if (quorum == null) {
                metadata.registerBroker(registration);
                lifecycle = null;
            } else {
                // Registered (and the image caught up to the registration) before the logs are opened: against
                // an image that lags, the directories of topics this node has not learned yet would look deleted.
                lifecycle = new BrokerLifecycleManager(quorum.controllerApi(), registration,
                        () -> metadata.image().offset(), config.brokerHeartbeatIntervalMs());
                opened.push(lifecycle);
                ControllerApi.Registered registered = BrokerMetadata.await(lifecycle.register());
                BrokerMetadata.await(metadata.state().awaitOffset(registered.offset()));
            }

            logManager = LogManager.open(dataDir, topics::logConfig, Clock.systemUTC(),
                    config.logManagerSettings());
            opened.push(logManager);
            topics.attach(logManager);
            // Other brokers are reached on their inter-broker listener, in its security protocol.
            BrokerAddresses brokers = quorum == null ? null : ReplicationLinks.addresses(metadata::image,
                    config.interBrokerListenerName(), interBrokerChannels());
            if (quorum != null) {
                replicaManager.startReplication(ReplicationLinks.settings(config),
                        ReplicationLinks.alterPartition(quorum.controllerApi(), config.nodeId(), lifecycle::brokerEpoch),
                        brokers);
                replicaStates.activate(metadata.image());
            }
            producerIdExpiration = new ProducerIdExpiration(logManager, config.producerIdExpirationMs(),
                    config.producerIdExpirationCheckIntervalMs());
            opened.push(producerIdExpiration);
            ProducerIdManager producerIds = new ProducerIdManager(metadata.controller(), config.nodeId());
            ReplicatedOffsetsPartitions offsetsPartitions = new ReplicatedOffsetsPartitions(topics, replicaManager,
                    producePurgatory, config.offsetsTopic().commitTimeoutMs());
            if (quorum == null) {
                // An older release kept a single node's groups in a log of their own: imported once, here.
                LegacyGroupLogImport.run(metaDir, config.offsetsTopic(), topics, replicaManager, offsetsPartitions);
            }
            // Groups live in __consumer_offsets, on a single node as in a cluster: one shard per partition this node
            // leads (a single node: every partition, once the first FindCoordinator has created the topic), loaded
            // from its log; the log cleaner compacts the topic.
            groupCoordinator = GroupCoordinator.replicated(config.groupCoordinator(), offsetsTopic(),
                    offsetsPartitions, Clock.systemUTC());
            coordinatorShards.activate(CoordinatorShardPublisher.Shards.of(groupCoordinator), metadata.image());
            if (quorum == null) {
                // As before: a single node answers for its groups from its first request on.
                awaitGroupsLoaded();
            }
            opened.push(groupCoordinator);
            // Transactions: __transaction_state is created on the first FindCoordinator for a transactional id;
            // markers go to each partition's leader, and leaders check transactional batches with the coordinator.
            transactions = BrokerTransactions.start(topics, replicaManager, producePurgatory, groupCoordinator,
                    config.offsetsTopic().commitTimeoutMs(), () -> producerIds.next().toCompletableFuture().join(),
                    transactionCoordinatorConfig(), quorum == null ? null : new BrokerTransactions.ClusterLinks(
                            config.nodeId(), brokers, ReplicationLinks.settings(config).socketTimeoutMs(), this::leaderOf,
                            this::transactionCoordinatorOf));
            opened.push(transactions);
            transactionCoordinator = transactions.coordinator;
            transactionShards.activate(CoordinatorShardPublisher.Shards.of(transactionCoordinator), metadata.image());
            topics.onTopicsDeleted(groupCoordinator::onTopicsDeleted);
            removeOffsetsOfMissingTopics();
            opened.push(fetchPurgatory);
            opened.push(producePurgatory);

            dispatch.target = new ApiDispatcher(registrations(producerIds, dispatch), requestMetrics,
                    advertisedByName::get, AclAuthorizer.of(config.authorizer(), topics::image),
                    new RequestThrottler(clientQuotas));
            metricsEndpoint = config.metricsPort() < 0 ? null
                    : new PrometheusEndpoint(l.host(), config.metricsPort(), new BrokerMetricsFormatter(
                            stats, requestMetrics, topics, socketServer, replicaManager,
                            () -> quorum == null || quorum.metadataLog().isActive(),
                            logManager.cleaner().stats(), clientQuotas)::scrape);
            socketServer.start();
            if (lifecycle != null) {
                // Serves from now on; the controller unfences it on the first heartbeat (it has caught up).
                BrokerMetadata.await(lifecycle.startHeartbeats());
            }
        } catch (IOException | RuntimeException e) {
            for (AutoCloseable c : opened) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        log.info("Samsa broker {} listening on {}:{} (advertised {}:{}), data in {}, started in {} ms",
                config.nodeId(), config.listener().host(), socketServer.port(), identity.host(), identity.port(),
                dataDir.toAbsolutePath(), (System.nanoTime() - startNanos) / 1_000_000);
    }

    public static SamsaBroker start(BrokerConfig config) throws IOException {
        return new SamsaBroker(config, false);
    }

    public static SamsaBroker start(Map<String, String> props) throws IOException {
        return start(BrokerConfig.from(props));
    }

    /** A broker on an ephemeral loopback port with a fresh temporary data directory, removed on close. */
    public static SamsaBroker startEmbedded() throws IOException {
        return startEmbedded(Map.of());
    }

    /** As {@link #startEmbedded()}, with extra settings (Kafka key names). */
    public static SamsaBroker startEmbedded(Map<String, String> overrides) throws IOException {
        Map<String, String> props = new HashMap<>();
        props.put("listeners", "PLAINTEXT://127.0.0.1:0");
        props.put("log.dirs", Files.createTempDirectory("samsa-embedded-").toString());
        props.putAll(overrides);
        return new SamsaBroker(BrokerConfig.from(props), true);
    }

    public String bootstrapServers() {
        return identity.host() + ":" + identity.port();
    }

    @Override
    public int port() {
        return socketServer.port();
    }

    @Override
    public String describe() {
        String node = !config.isCluster() ? "" : " (node " + config.nodeId() + " of a cluster, "
                + (config.isController() ? "broker and controller" : "broker only") + ", quorum voters "
                + config.quorumVoters().keySet() + ")";
        return "broker listening on " + bootstrapServers() + node + " (data in " + config.dataDir().toAbsolutePath()
                + ")";
    }

    /** The bound port of listener {@code listenerName} (upper case, as in {@code listeners}). */
    public int port(String listenerName) {
        return socketServer.port(listenerName);
    }

    public BrokerConfig config() {
        return config;
    }

    public TopicRegistry topics() {
        return topics;
    }

    public GroupCoordinator groupCoordinator() {
        return groupCoordinator;
    }

    public BrokerStats stats() {
        return stats;
    }

    public RequestMetrics requestMetrics() {
        return requestMetrics;
    }

    /** Port of the Prometheus endpoint, or -1 when {@code metrics.port} is not set. */
    public int metricsPort() {
        return metricsEndpoint == null ? -1 : metricsEndpoint.port();
    }

    /** The replica manager, for tests that give it a replicated partition state (package-private on purpose). */
    ReplicaManager replicaManager() {
        return replicaManager;
    }

    /** The metadata stack, for tests that change the metadata directly (package-private on purpose). */
    BrokerMetadata metadata() {
        return metadata;
    }

    public int connectionCount() {
        return socketServer.connections();
    }

    /** What the network layer counts (connections, re-authentications, ...), as the metrics endpoint shows it. */
    public NetworkMetrics networkMetrics() {
        return socketServer;
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (lifecycle != null) {
            controlledShutdown();
            lifecycle.close();
        }
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
        }
        socketServer.close();
        requestHandlers.close();
        replicaManager.close();
        groupCoordinator.close();
        transactions.close();
        producerIdExpiration.close();
        fetchPurgatory.close();
        producePurgatory.close();
        logManager.close();
        metadata.close();
        lock.close();
        if (deleteDataOnClose) {
            LogFiles.deleteRecursively(config.dataDir());
        }
        log.info("Samsa broker {} stopped", config.nodeId());
    }

    /**
     * Asks the controller to move this broker's leaderships to other in-sync replicas before it stops, so writes
     * barely pause (Kafka's controlled shutdown); bounded, since the controller may be unreachable.
     */
    private void controlledShutdown() {
        try {
            lifecycle.controlledShutdown().toCompletableFuture().get(CONTROLLED_SHUTDOWN_MS, TimeUnit.MILLISECONDS);
            log.info("Controlled shutdown of broker {} complete: it leads no partition", config.nodeId());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Controlled shutdown of broker {} did not complete ({}); stopping anyway", config.nodeId(),
                    e.toString());
        }
    }

    /** A partition's leader for the markers: {@link ClusterMarkerWriter#UNKNOWN_TOPIC} once it is gone. */
    private int leaderOf(TopicPartition tp) {
        Optional<TopicInfo> topic = topics.get(tp.topic());
        if (topic.isEmpty() || tp.partition() < 0 || tp.partition() >= topic.get().partitions()) {
            return ClusterMarkerWriter.UNKNOWN_TOPIC;
        }
        return replicaManager.leaderAndIsr(topic.get(), tp.partition()).leaderId();
    }

    /** The broker coordinating a transactional id: its {@code __transaction_state} partition's leader, or -1. */
    private int transactionCoordinatorOf(String transactionalId) {
        Optional<TopicInfo> topic = topics.get(TransactionStateTopic.NAME);
        if (topic.isEmpty()) {
            return -1;
        }
        int partition = OffsetsTopic.partitionFor(transactionalId, topic.get().partitions());
        return replicaManager.leaderAndIsr(topic.get(), partition).leaderId();
    }

    /**
     * The groups' topic as configured, or with the partition count it was created with: a group's partition must
     * not move when {@code offsets.topic.num.partitions} changes later (Kafka likewise reads the count from the
     * existing topic).
     */
    private OffsetsTopic offsetsTopic() {
        OffsetsTopic configured = config.offsetsTopic();
        return topics.get(OffsetsTopic.NAME).map(t -> configured.withNumPartitions(t.partitions())).orElse(configured);
    }

    /** How this node connects to other brokers; a bad setting stops the start with the key named. */
    private InterBrokerChannels interBrokerChannels() {
        ListenerSecurity listener = config.listenerSecurity().get(config.interBrokerListenerName());
        try {
            InterBrokerChannels channels = listener == null ? InterBrokerChannels.PLAINTEXT
                    : InterBrokerChannels.forListener(listener, config.interBrokerSaslMechanism());
            log.info("Brokers are reached on listener {} over {}", config.interBrokerListenerName(), channels);
            return channels;
        } catch (IllegalArgumentException e) {
            throw new ConfigException("inter-broker listener " + config.interBrokerListenerName() + ": "
                    + e.getMessage());
        }
    }

    /** As {@link #offsetsTopic()}: a transactional id's partition must not move when the configured count changes. */
    private TransactionCoordinator.Config transactionCoordinatorConfig() {
        TransactionCoordinator.Config configured = config.transactionCoordinator();
        return topics.get(TransactionStateTopic.NAME).map(t -> configured.withNumPartitions(t.partitions()))
                .orElse(configured);
    }

    private void awaitGroupsLoaded() throws IOException {
        BrokerMetadata.await(groupCoordinator.loaded());
    }

    /** Offsets of a topic whose deletion was cut short before its offsets were removed go now. */
    private void removeOffsetsOfMissingTopics() {
        try {
            int removed = groupCoordinator.removeOffsetsOfMissingTopics(name -> topics.get(name).isPresent()).get();
            if (removed > 0) {
                log.info("Removed {} committed offsets of topics that no longer exist", removed);
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // Not fatal: a re-created topic of the same name would still be guarded by the next start.
            log.error("Could not remove the committed offsets of deleted topics", e);
        }
    }

    private List<ApiRegistration> registrations(ProducerIdManager producerIds, Dispatch dispatch) {
        ClusterView cluster = (quorum == null
                ? ClusterView.singleNode(identity.clusterId(), config.nodeId(), topics::image)
                : new ClusterView(identity.clusterId(), config.nodeId(), topics::image, quorum::leaderId,
                        (image, id) -> image.isUnfenced(id)))
                .withGroupPlacement(CoordinatorPlacement.forGroups(config.offsetsTopic(), topics::createAsync))
                .withTransactionPlacement(CoordinatorPlacement.forTransactions(config.transactionStateTopic(),
                        topics::createAsync));
        Clock clock = Clock.systemUTC();
        // Each handler declares its API key and version range (ApiHandler.versions()).
        List<ApiHandler<?>> handlers = new ArrayList<>(List.of(
                new ProduceHandler(topics, replicaManager, producePurgatory, stats),
                new FetchHandler(topics, replicaManager, fetchPurgatory, stats, config.fetchMaxBytes(),
                        new ReadReplicaSelection(cluster, ReplicaSelectors.named(config.replicaSelectorClass())),
                        clientQuotas.fetch),
                new ListOffsetsHandler(topics, replicaManager),
                new OffsetForLeaderEpochHandler(topics, replicaManager),
                new DescribeQuorumHandler(config.nodeId(), quorum == null ? () -> null : quorum::status,
                        DescribeQuorumHandler.voterEndpoints(config)),
                new MetadataHandler(cluster, topics, config.autoCreateTopics(), config.numPartitions(),
                        config.defaultReplicationFactor()),
                apiVersions,
                new CreateTopicsHandler(topics, config),
                new DeleteTopicsHandler(topics),
                new DeleteRecordsHandler(topics, replicaManager),
                new DescribeLogDirsHandler(topics, config.dataDir()),
                new DescribeProducersHandler(topics, replicaManager),
                new InitProducerIdHandler(producerIds, transactionCoordinator),
                new DescribeConfigsHandler(topics, config),
                new IncrementalAlterConfigsHandler(topics),
                new AlterConfigsHandler(topics),
                new CreatePartitionsHandler(topics),
                new DescribeClusterHandler(cluster),
                new FindCoordinatorHandler(cluster),
                new JoinGroupHandler(groupCoordinator),
                new SyncGroupHandler(groupCoordinator),
                new HeartbeatHandler(groupCoordinator),
                new LeaveGroupHandler(groupCoordinator),
                new OffsetCommitHandler(groupCoordinator, topics, clock),
                new OffsetFetchHandler(groupCoordinator, topics),
                new ListGroupsHandler(groupCoordinator),
                new DescribeGroupsHandler(groupCoordinator),
                new DeleteGroupsHandler(groupCoordinator),
                new OffsetDeleteHandler(groupCoordinator, topics),
                new AddOffsetsToTxnHandler(transactionCoordinator, groupCoordinator::partitionFor),
                new TxnOffsetCommitHandler(groupCoordinator, topics, clock, (id, producerId, epoch, tp) ->
                        transactions.verifier.verify(id, producerId, epoch, tp, true)),
                new AddPartitionsToTxnHandler(transactionCoordinator, tp -> topics.get(tp.topic())
                        .map(t -> tp.partition() >= 0 && tp.partition() < t.partitions()).orElse(false)),
                new EndTxnHandler(transactionCoordinator),
                new WriteTxnMarkersHandler(transactions.localMarkers),
                new DescribeTransactionsHandler(transactionCoordinator),
                new ListTransactionsHandler(transactionCoordinator, clock::millis),
                new DescribeUserScramCredentialsHandler(topics::image),
                new AlterUserScramCredentialsHandler(metadata.controller(), topics::awaitApplied),
                new CreateAclsHandler(metadata.controller(), topics::awaitApplied),
                new DeleteAclsHandler(metadata.controller(), topics::awaitApplied),
                new DescribeAclsHandler(topics::image),
                new DescribeClientQuotasHandler(topics::image),
                new AlterClientQuotasHandler(metadata.controller(), topics::awaitApplied)));
        handlers.addAll(SaslAfterAuthenticationHandlers.all());
        return handlers.stream().map(ApiRegistration::of).toList();
    }

    private String advertisedHost() throws IOException {
        return advertised(config.listener()).host();
    }

    private int advertisedPort() throws IOException {
        return advertised(config.listener()).port();
    }

    /** What clients are told for each listener (Kafka: the listener a request arrived on answers Metadata). */
    private Map<String, Listener> advertisedListeners() throws IOException {
        Map<String, Listener> byName = new HashMap<>();
        for (Listener l : config.listeners().bound()) {
            byName.put(l.name(), advertised(l));
        }
        return byName;
    }

    /** The advertised.listeners entry of a listener, else its bound address; port 0 means the bound port. */
    private Listener advertised(Listener bound) throws IOException {
        Listener advertised = config.listeners().advertised(bound.name()).orElse(null);
        String host;
        if (advertised != null) {
            host = advertised.host();
        } else if (bound.host().equals("0.0.0.0") || bound.host().equals("::")) {
            host = InetAddress.getLocalHost().getCanonicalHostName();
        } else {
            host = bound.host();
        }
        int port = advertised != null && advertised.port() != 0 ? advertised.port() : socketServer.port(bound.name());
        return new Listener(bound.name(), host, port);
    }

    private ReplicaManager newReplicaManager() {
        // Leader, epoch and ISR come from the metadata image (on one node: this node, epoch 0, ISR = {it}).
        return new ReplicaManager(config.nodeId(), topics,
                (topic, index) -> topics.assignment(topic.id(), index).map(LeaderAndIsr::of)
                        .orElseGet(() -> LeaderAndIsr.singleNode(config.nodeId())),
                PartitionListener.both(fetchPurgatory, producePurgatory));
    }

    /** Lets the socket server start before the dispatcher, which needs the bound port, exists. */
    private static final class Dispatch implements FrameHandler {
        volatile ApiDispatcher target;

        @Override
        public CompletionStage<ResponseSend> handle(ByteBuffer frame, Session session) {
            return target.handle(frame, session);
        }
    }
}
