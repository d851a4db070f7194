package io.samsa.broker;

import java.io.IOException;
import java.net.InetSocketAddress;

import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.broker.config.BrokerConfig;
import io.samsa.broker.lifecycle.QuorumNode;
import io.samsa.broker.metrics.ControllerMetricsFormatter;
import io.samsa.broker.metrics.PrometheusEndpoint;
import io.samsa.metadata.MetadataStateMachine;

/**
 * A controller-only node ({@code process.roles=controller}): a voter of the metadata quorum on its CONTROLLER
 * listener, which runs the controller while it leads, and nothing else — no client listener, no partitions, no
 * broker registration; with {@code metrics.port}, its Prometheus endpoint ({@link ControllerMetricsFormatter}). Brokers (broker-only or combined nodes) reach it through the quorum. Start and
 * {@link #close()} run on the caller's thread; the quorum's threads are those of a combined node's quorum member.
 */
public final class SamsaController implements SamsaNode {
    private static final Logger log = LoggerFactory.getLogger(SamsaController.class);

    private final BrokerConfig config;
    private final DataDirectoryLock lock;
    private final QuorumNode quorum;
    /** Null without {@code metrics.port}. */
    private final PrometheusEndpoint metricsEndpoint;
    private boolean closed; // guarded by this

    private SamsaController(BrokerConfig config) throws IOException {
        long startNanos = System.nanoTime();
        if (!config.isCluster() || !config.isController() || config.isBroker()) {
            throw new ConfigException("process.roles", config.processRoles().toString(),
                    "a controller-only node needs process.roles=controller and controller.quorum.voters");
        }
        this.config = config;
        lock = DataDirectoryLock.acquire(config.dataDir());
        QuorumNode node = null;
        try {
            MetaProperties.loadOrCreate(config.dataDir(), config.nodeId());
            MetadataStateMachine state = new MetadataStateMachine();
            node = new QuorumNode(config, state);
            node.metadataLog().start(state);
            metricsEndpoint = config.metricsPort() < 0 ? null : new PrometheusEndpoint(metricsHost(config),
                    config.metricsPort(), new ControllerMetricsFormatter(node.metadataLog()::isActive, state::image,
                            node::status)::scrape);
        } catch (IOException | RuntimeException e) {
            if (node != null) {
                node.metadataLog().close();
            }
            lock.close();
            throw e;
        }
        quorum = node;
        log.info("Samsa controller {} started in {} ms: {}", config.nodeId(),
                (System.nanoTime() - startNanos) / 1_000_000, describe());
    }

    /** The metrics endpoint binds where the CONTROLLER listener does (it may be 0.0.0.0). */
    private static String metricsHost(BrokerConfig config) {
        return config.controllerListener().map(l -> l.host()).orElse(address(config).getHostString());
    }

    public static SamsaController start(BrokerConfig config) throws IOException {
        return new SamsaController(config);
    }

    /** This node's port in {@code controller.quorum.voters}, where the quorum's server listens. */
    @Override
    public int port() {
        return address().getPort();
    }

    private InetSocketAddress address() {
        return address(config);
    }

    private static InetSocketAddress address(BrokerConfig config) {
        return config.quorumVoters().get(config.nodeId());
    }

    /** Port of the Prometheus endpoint, or -1 when {@code metrics.port} is not set. */
    public int metricsPort() {
        return metricsEndpoint == null ? -1 : metricsEndpoint.port();
    }

    @Override
    public String describe() {
        return "controller-only node " + config.nodeId() + " on " + address().getHostString() + ":" + port()
                + " (quorum voters " + config.quorumVoters().keySet() + ", data in "
                + config.dataDir().toAbsolutePath() + ")";
    }

    /** The quorum leader's node id, -1 while none is known. */
    public int leaderId() {
        return quorum.leaderId();
    }

    /** Whether this node is the active controller. */
    public boolean isActive() {
        return quorum.metadataLog().isActive();
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
        try {
            quorum.metadataLog().close();
        } finally {
            lock.close();
        }
        log.info("Samsa controller {} stopped", config.nodeId());
    }
}
