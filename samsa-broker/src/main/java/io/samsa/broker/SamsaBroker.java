package io.samsa.broker;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.broker.api.ApiDispatcher;
import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiRegistration;
import io.samsa.broker.api.ApiVersionsHandler;
import io.samsa.broker.api.RequestHandlerPool;
import io.samsa.broker.api.RequestMetrics;
import io.samsa.broker.config.BrokerConfig;
import io.samsa.broker.config.Listener;
import io.samsa.broker.cluster.BrokerIdentity;
import io.samsa.broker.cluster.ClusterView;
import io.samsa.broker.group.GroupCoordinator;
import io.samsa.broker.handler.CreatePartitionsHandler;
import io.samsa.broker.handler.CreateTopicsHandler;
import io.samsa.broker.handler.DeleteGroupsHandler;
import io.samsa.broker.handler.DeleteTopicsHandler;
import io.samsa.broker.handler.DescribeGroupsHandler;
import io.samsa.broker.handler.DescribeClusterHandler;
import io.samsa.broker.handler.DescribeConfigsHandler;
import io.samsa.broker.handler.FetchHandler;
import io.samsa.broker.handler.FindCoordinatorHandler;
import io.samsa.broker.handler.HeartbeatHandler;
import io.samsa.broker.handler.InitProducerIdHandler;
import io.samsa.broker.handler.JoinGroupHandler;
import io.samsa.broker.handler.LeaveGroupHandler;
import io.samsa.broker.handler.ListGroupsHandler;
import io.samsa.broker.handler.ListOffsetsHandler;
import io.samsa.broker.handler.MetadataHandler;
import io.samsa.broker.handler.OffsetCommitHandler;
import io.samsa.broker.handler.OffsetDeleteHandler;
import io.samsa.broker.handler.OffsetFetchHandler;
import io.samsa.broker.handler.ProduceHandler;
import io.samsa.broker.handler.ProducerIdManager;
import io.samsa.broker.handler.SyncGroupHandler;
import io.samsa.broker.metrics.BrokerMetricsFormatter;
import io.samsa.broker.metrics.BrokerStats;
import io.samsa.broker.metrics.PrometheusEndpoint;
import io.samsa.broker.purgatory.FetchPurgatory;
import io.samsa.broker.purgatory.ProducePurgatory;
import io.samsa.broker.replica.LeaderAndIsr;
import io.samsa.broker.replica.PartitionListener;
import io.samsa.broker.replica.ReplicaManager;
import io.samsa.broker.topic.BrokerMetadata;
import io.samsa.broker.topic.TopicRegistry;
import io.samsa.log.LogFiles;
import io.samsa.log.LogManager;
import io.samsa.network.server.FrameHandler;
import io.samsa.network.server.Session;
import io.samsa.network.server.SocketServer;
import io.samsa.protocol.ResponseSend;

/**
 * A single-node Samsa broker, runnable in-process:
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
public final class SamsaBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SamsaBroker.class);

    private final BrokerConfig config;
    private final boolean deleteDataOnClose;
    private final FileChannel lockChannel;
    private final FileLock lock;
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
    private final RequestHandlerPool requestHandlers;
    private final SocketServer socketServer;
    private final BrokerIdentity identity;
    private final PrometheusEndpoint metricsEndpoint;
    private volatile boolean closed;

    private SamsaBroker(BrokerConfig config, boolean deleteDataOnClose) throws IOException {
        long startNanos = System.nanoTime();
        this.config = config;
        this.deleteDataOnClose = deleteDataOnClose;
        Path dataDir = config.dataDir();
        Files.createDirectories(dataDir);
        lockChannel = FileChannel.open(dataDir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        lock = lockChannel.tryLock();
        if (lock == null) {
            lockChannel.close();
            throw new IOException("Data directory " + dataDir.toAbsolutePath()
                    + " is in use by another broker process (lock held on .lock)");
        }
        // Whatever is opened is closed again, newest first, if a later step fails.
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        opened.push(this::releaseLock);
        try {
            MetaProperties meta = MetaProperties.loadOrCreate(dataDir, config.nodeId());
            Path metaDir = dataDir.resolve("__samsa_meta");
            metadata = BrokerMetadata.open(metaDir, TopicRegistry.settings(config.nodeId(), config.maxPartitions(),
                    config.logDefaults()));
            opened.push(metadata);
            topics = new TopicRegistry(metadata, config.logDefaults(), config.minInsyncReplicas());
            logManager = LogManager.open(dataDir, topics::logConfig, Clock.systemUTC(),
                    config.logManagerSettings());
            opened.push(logManager);
            topics.attach(logManager);
            producerIdExpiration = new ProducerIdExpiration(logManager, config.producerIdExpirationMs(),
                    config.producerIdExpirationCheckIntervalMs());
            opened.push(producerIdExpiration);
            ProducerIdManager producerIds = new ProducerIdManager(metadata.controller(), config.nodeId());
            groupCoordinator = GroupCoordinator.open(metaDir, config.groupCoordinator(), Clock.systemUTC());
            opened.push(groupCoordinator);
            topics.onTopicsDeleted(groupCoordinator::onTopicsDeleted);
            removeOffsetsOfMissingTopics();
            opened.push(fetchPurgatory);
            opened.push(producePurgatory);
            // Leader, epoch and ISR come from the metadata image (on one node: this node, epoch 0, ISR = {it}).
            replicaManager = new ReplicaManager(config.nodeId(), topics,
                    (topic, index) -> topics.assignment(topic.id(), index).map(LeaderAndIsr::of)
                            .orElseGet(() -> LeaderAndIsr.singleNode(config.nodeId())),
                    PartitionListener.both(fetchPurgatory, producePurgatory));

            Dispatch dispatch = new Dispatch();
            requestHandlers = new RequestHandlerPool(dispatch, config.numIoThreads(), config.queuedMaxRequests(),
                    requestMetrics);
            opened.push(requestHandlers);
            Listener l = config.listener();
            socketServer = new SocketServer(config.network(), requestHandlers, fetchPurgatory::connectionClosed);
            opened.push(socketServer);
            identity = new BrokerIdentity(meta.clusterId(), config.nodeId(), advertisedHost(), advertisedPort());
            metadata.registerBroker(config.nodeId(), identity.host(), identity.port());
            Map<String, Listener> advertisedByName = advertisedListeners();
            dispatch.target = new ApiDispatcher(registrations(producerIds, dispatch), requestMetrics,
                    advertisedByName::get);
            metricsEndpoint = config.metricsPort() < 0 ? null
                    : new PrometheusEndpoint(l.host(), config.metricsPort(), new BrokerMetricsFormatter(
                            stats, requestMetrics, topics, socketServer)::scrape);
            socketServer.start();
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

    public int port() {
        return socketServer.port();
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

    public int connectionCount() {
        return socketServer.connections();
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
        }
        socketServer.close();
        requestHandlers.close();
        groupCoordinator.close();
        producerIdExpiration.close();
        fetchPurgatory.close();
        producePurgatory.close();
        logManager.close();
        metadata.close();
        releaseLock();
        if (deleteDataOnClose) {
            LogFiles.deleteRecursively(config.dataDir());
        }
        log.info("Samsa broker {} stopped", config.nodeId());
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
        ClusterView cluster = new ClusterView(identity);
        Clock clock = Clock.systemUTC();
        // Each handler declares its API key and version range (ApiHandler.versions()).
        List<ApiHandler<?>> handlers = List.of(
                new ProduceHandler(topics, replicaManager, producePurgatory, stats),
                new FetchHandler(topics, replicaManager, fetchPurgatory, stats, config.fetchMaxBytes()),
                new ListOffsetsHandler(topics, replicaManager),
                new MetadataHandler(cluster, topics, replicaManager, config.autoCreateTopics(), config.numPartitions()),
                new ApiVersionsHandler(() -> dispatch.target.registrations()),
                new CreateTopicsHandler(topics, config.nodeId(), config.numPartitions(),
                        config.defaultReplicationFactor()),
                new DeleteTopicsHandler(topics),
                new InitProducerIdHandler(producerIds),
                new DescribeConfigsHandler(topics, config),
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
                new OffsetDeleteHandler(groupCoordinator, topics));
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

    private void releaseLock() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            log.warn("Could not release the data directory lock", e);
        }
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
