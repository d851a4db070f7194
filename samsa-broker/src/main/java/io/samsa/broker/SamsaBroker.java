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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;

import org.apache.kafka.common.protocol.ApiKeys;
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
import io.samsa.broker.group.GroupCoordinator;
import io.samsa.broker.handler.BrokerIdentity;
import io.samsa.broker.handler.BrokerStats;
import io.samsa.broker.handler.CreatePartitionsHandler;
import io.samsa.broker.handler.CreateTopicsHandler;
import io.samsa.broker.handler.DeleteGroupsHandler;
import io.samsa.broker.handler.DeleteTopicsHandler;
import io.samsa.broker.handler.DescribeGroupsHandler;
import io.samsa.broker.handler.DescribeClusterHandler;
import io.samsa.broker.handler.DescribeConfigsHandler;
import io.samsa.broker.handler.FetchHandler;
import io.samsa.broker.handler.FetchWaiters;
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
import io.samsa.broker.metrics.PrometheusEndpoint;
import io.samsa.broker.topic.TopicRegistry;
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
    private final TopicRegistry topics;
    private final GroupCoordinator groupCoordinator;
    private final ProducerIdExpiration producerIdExpiration;
    private final FetchWaiters fetchWaiters = new FetchWaiters();
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
            topics = new TopicRegistry(metaDir, config.logDefaults(), config.maxPartitions(),
                    config.minInsyncReplicas());
            logManager = LogManager.open(dataDir, topics::logConfig, Clock.systemUTC(),
                    config.logManagerSettings());
            opened.push(logManager);
            topics.attach(logManager);
            producerIdExpiration = new ProducerIdExpiration(logManager, config.producerIdExpirationMs(),
                    config.producerIdExpirationCheckIntervalMs());
            opened.push(producerIdExpiration);
            ProducerIdManager producerIds = new ProducerIdManager(metaDir);
            groupCoordinator = GroupCoordinator.open(metaDir, config.groupCoordinator(), Clock.systemUTC());
            opened.push(groupCoordinator);
            removeOffsetsOfMissingTopics();
            opened.push(fetchWaiters);

            Dispatch dispatch = new Dispatch();
            requestHandlers = new RequestHandlerPool(dispatch, config.numIoThreads(), config.queuedMaxRequests(),
                    requestMetrics);
            opened.push(requestHandlers);
            Listener l = config.listener();
            socketServer = new SocketServer(config.network(), requestHandlers, fetchWaiters::connectionClosed);
            opened.push(socketServer);
            identity = new BrokerIdentity(meta.clusterId(), config.nodeId(), advertisedHost(), advertisedPort());
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
        fetchWaiters.close();
        logManager.close();
        releaseLock();
        if (deleteDataOnClose) {
            deleteRecursively(config.dataDir());
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
        List<ApiRegistration> r = new ArrayList<>();
        // Produce is advertised from v0 although v3 is the oldest that parses (KAFKA-18659: librdkafka only
        // enables gzip/snappy/lz4 when v0 is in range); older requests are refused by the parser.
        r.add(reg(ApiKeys.PRODUCE, 0, 13, new ProduceHandler(topics, fetchWaiters, stats)));
        r.add(reg(ApiKeys.FETCH, 4, 18, new FetchHandler(topics, fetchWaiters, stats, config.fetchMaxBytes())));
        r.add(reg(ApiKeys.LIST_OFFSETS, 1, 11, new ListOffsetsHandler(topics)));
        r.add(reg(ApiKeys.METADATA, 0, 13, new MetadataHandler(identity, topics, config.autoCreateTopics(),
                config.numPartitions())));
        r.add(reg(ApiKeys.API_VERSIONS, 0, 4, new ApiVersionsHandler(() -> dispatch.target.registrations())));
        r.add(reg(ApiKeys.CREATE_TOPICS, 2, 7, new CreateTopicsHandler(topics, config.nodeId(), config.numPartitions(),
                config.defaultReplicationFactor())));
        r.add(reg(ApiKeys.DELETE_TOPICS, 1, 6, new DeleteTopicsHandler(topics, groupCoordinator)));
        r.add(reg(ApiKeys.INIT_PRODUCER_ID, 0, 5, new InitProducerIdHandler(producerIds)));
        r.add(reg(ApiKeys.DESCRIBE_CONFIGS, 1, 4, new DescribeConfigsHandler(topics, config)));
        r.add(reg(ApiKeys.CREATE_PARTITIONS, 0, 3, new CreatePartitionsHandler(topics)));
        r.add(reg(ApiKeys.DESCRIBE_CLUSTER, 0, 2, new DescribeClusterHandler(identity)));
        // Classic consumer groups: the floors librdkafka needs (v0, OffsetFetch 1, OffsetCommit 2 is the
        // oldest kafka-clients parses) up to the newest kafka-clients 4.4 knows.
        r.add(reg(ApiKeys.FIND_COORDINATOR, 0, 6, new FindCoordinatorHandler(identity)));
        r.add(reg(ApiKeys.JOIN_GROUP, 0, 9, new JoinGroupHandler(groupCoordinator)));
        r.add(reg(ApiKeys.SYNC_GROUP, 0, 5, new SyncGroupHandler(groupCoordinator)));
        r.add(reg(ApiKeys.HEARTBEAT, 0, 4, new HeartbeatHandler(groupCoordinator)));
        r.add(reg(ApiKeys.LEAVE_GROUP, 0, 5, new LeaveGroupHandler(groupCoordinator)));
        r.add(reg(ApiKeys.OFFSET_COMMIT, 2, 10, new OffsetCommitHandler(groupCoordinator, topics, Clock.systemUTC())));
        r.add(reg(ApiKeys.OFFSET_FETCH, 1, 10, new OffsetFetchHandler(groupCoordinator, topics)));
        r.add(reg(ApiKeys.LIST_GROUPS, 0, 5, new ListGroupsHandler(groupCoordinator)));
        r.add(reg(ApiKeys.DESCRIBE_GROUPS, 0, 6, new DescribeGroupsHandler(groupCoordinator)));
        r.add(reg(ApiKeys.DELETE_GROUPS, 0, 3, new DeleteGroupsHandler(groupCoordinator)));
        r.add(reg(ApiKeys.OFFSET_DELETE, 0, 0, new OffsetDeleteHandler(groupCoordinator, topics)));
        return r;
    }

    private static ApiRegistration reg(ApiKeys key, int min, int max, ApiHandler<?> handler) {
        return new ApiRegistration(key, (short) min, (short) max, handler);
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

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
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
