package io.samsa.broker.lifecycle;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.Uuid;

import io.samsa.broker.config.BrokerConfig;
import io.samsa.broker.security.QuorumTlsSettings;
import io.samsa.broker.topic.BrokerConfigRules;
import io.samsa.broker.topic.TopicRegistry;
import io.samsa.log.LogFiles;
import io.samsa.metadata.ControllerApi;
import io.samsa.metadata.ControllerEventLoop;
import io.samsa.metadata.ControllerRequestServer;
import io.samsa.metadata.MetadataController;
import io.samsa.metadata.MetadataStateMachine;
import io.samsa.metadata.RemoteController;
import io.samsa.metadata.quorum.LeadershipListener;
import io.samsa.metadata.quorum.QuorumConfig;
import io.samsa.metadata.quorum.QuorumMember;
import io.samsa.metadata.quorum.QuorumObserver;
import io.samsa.metadata.quorum.QuorumStatus;
import io.samsa.metadata.quorum.QuorumTls;
import io.samsa.metadata.quorum.RatisMetadataLog;

/**
 * This node's part of the metadata quorum. A node with the controller role is a voter: the Ratis log of the voters
 * ({@code controller.quorum.voters}) on the CONTROLLER listener, and the controller that runs on its
 * {@code samsa-controller} thread while this node leads the quorum. A broker-only node is an observer
 * ({@link QuorumObserver}): it follows the committed metadata from the voters and runs no controller. Both speak
 * TLS when the controller listener is mapped to SSL ({@link QuorumTlsSettings}). Either way the
 * broker side uses the {@link ControllerApi} — always the remote path through the quorum's channel, which on the
 * leader reaches its own controller, so every caller takes the same route.
 * <p>
 * Built before the log starts (publishers must be registered on the state machine first); {@link #metadataLog()}
 * is started by {@code BrokerMetadata.open}, which also closes it; closing the log resigns the controller.
 */
public final class QuorumNode {
    private static final int PRODUCER_ID_BLOCK = 1000;

    private final QuorumMember metadataLog;
    private final RemoteController api;

    public QuorumNode(BrokerConfig config, MetadataStateMachine state) {
        metadataLog = config.isController() ? voter(config, state)
                : new QuorumObserver(config.nodeId(), config.quorumVoters(), tls(config, false));
        api = new RemoteController(metadataLog, state::image);
    }

    private static RatisMetadataLog voter(BrokerConfig config, MetadataStateMachine state) {
        Path storage = config.metadataLogDir().orElse(config.dataDir().resolve("__samsa_meta"))
                .resolve("quorum");
        // Bound where the CONTROLLER listener says (it may be 0.0.0.0); the voters reach it at its voter address.
        QuorumConfig quorum = QuorumConfig.of(config.nodeId(), config.quorumVoters(), storage)
                .withTls(tls(config, true));
        RatisMetadataLog metadataLog = new RatisMetadataLog(config.controllerListener()
                .map(l -> quorum.withBindHost(l.host())).orElse(quorum), LogFiles::writeAtomically);
        MetadataController.Settings settings = MetadataController.Settings.cluster(config.nodeId(),
                        config.maxPartitions(), PRODUCER_ID_BLOCK, TopicRegistry.configValidator(config.logDefaults()))
                .withSessionTimeoutMs(config.brokerSessionTimeoutMs())
                .withUncleanLeaderElection(config.uncleanLeaderElectionEnable())
                .withDefaults(config.numPartitions(), config.defaultReplicationFactor())
                .withBrokerConfigs(new BrokerConfigRules(config.logDefaults()));
        ControllerEventLoop controller = new ControllerEventLoop(new MetadataController(state, metadataLog, settings),
                () -> System.nanoTime() / 1_000_000, ControllerEventLoop.DEFAULT_SESSION_CHECK_INTERVAL_MS,
                config.autoLeaderRebalanceEnable() ? config.leaderImbalanceCheckIntervalSeconds() * 1000L : 0);
        metadataLog.addLeadershipListener(new LeadershipListener() {
            @Override
            public void onBecomeActive(long term) {
                controller.onBecomeActive(metadataLog.formerLeaderContact());
            }

            @Override
            public void onResign() {
                controller.onResign();
            }
        });
        metadataLog.setControllerRequestHandler(new ControllerRequestServer(controller));
        return metadataLog;
    }

    /** The quorum's TLS when its listener is SSL, else null; a bad store stops the start (the key named). */
    private static QuorumTls tls(BrokerConfig config, boolean voter) {
        return config.quorumListenerSecurity().map(l -> QuorumTlsSettings.forListener(l, voter)).orElse(null);
    }

    public QuorumMember metadataLog() {
        return metadataLog;
    }

    /** How this broker asks the active controller for changes. */
    public ControllerApi controllerApi() {
        return api;
    }

    /** The quorum leader's id (-1 while unknown): the active controller. */
    public int leaderId() {
        return metadataLog.leaderId();
    }

    public QuorumStatus status() {
        return metadataLog.status();
    }

    /**
     * The cluster id every node derives alike from the voter set (until a {@code format} step that stores one):
     * Kafka clients only display it, but all nodes must tell the same.
     */
    public static String clusterId(Map<Integer, InetSocketAddress> voters) {
        StringBuilder s = new StringBuilder();
        new TreeMap<>(voters).forEach((id, a) -> s.append(id).append('@').append(a.getHostString()).append(':')
                .append(a.getPort()).append(','));
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(s.toString().getBytes(StandardCharsets.UTF_8));
            ByteBuffer b = ByteBuffer.wrap(h);
            return new Uuid(b.getLong(), b.getLong()).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
