package io.samsa.broker.cluster;

import static io.samsa.broker.cluster.ClusterFixtures.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.samsa.broker.config.BrokerConfig;
import io.samsa.broker.security.QuorumTlsSettings;
import io.samsa.metadata.MetadataStateMachine;
import io.samsa.metadata.quorum.QuorumObserver;
import io.samsa.testkit.SamsaCluster;
import io.samsa.testkit.TestCertificates;

/**
 * The metadata quorum over mutual TLS ({@code CONTROLLER:SSL}, {@code ssl.client.auth=required}, the listener's
 * {@code listener.name.controller.ssl.*}): three combined nodes form a quorum, create a topic and elect a new
 * controller after the active one is SIGKILLed. A broker-only node's quorum client configured like the nodes follows
 * the metadata; one configured {@code CONTROLLER:PLAINTEXT} learns nothing.
 */
@Timeout(300)
class SecuredControllerClusterTest {
    /** How long the plaintext client is given (the TLS one, started with it, loads the image well within it). */
    private static final long REFUSED_FOR_MS = 5_000;

    private static Map<String, String> settings() {
        Map<String, String> m = new HashMap<>();
        TestCertificates.shared().serverConfigs().forEach((k, v) -> m.put("listener.name.controller." + k, v));
        m.put("listener.name.controller.ssl.client.auth", "required");
        return m;
    }

    @Test
    void quorumRunsOverMutualTlsAndSurvivesTheLossOfItsLeader() throws Exception {
        try (SamsaCluster cluster = SamsaCluster.startWithControllerListener(3, "SSL", settings());
             Admin admin = ClusterFixtures.admin(cluster.bootstrapServers())) {
            for (int node : cluster.nodeIds()) {
                assertThat(Files.readString(cluster.outputFile(node))).as("output of node %d", node)
                        .contains("over mutual TLS");
            }
            admin.createTopics(List.of(new NewTopic("before", 2, (short) 3))).all().get(60, TimeUnit.SECONDS);
            QuorumInfo quorum = admin.describeMetadataQuorum().quorumInfo().get();
            assertThat(quorum.voters()).hasSize(3);
            int controller = quorum.leaderId();
            assertThat(controller).isPositive();

            MetadataStateMachine overTls = new MetadataStateMachine();
            MetadataStateMachine plaintext = new MetadataStateMachine();
            try (QuorumObserver tls = observer(cluster, 98, "SSL");
                 QuorumObserver plain = observer(cluster, 99, "PLAINTEXT")) {
                tls.start(overTls);
                plain.start(plaintext);
                awaitCondition("the TLS client's image has topic 'before'",
                        () -> overTls.image().topics().get("before") != null);
                Thread.sleep(REFUSED_FOR_MS);
                assertThat(plaintext.image().offset()).as("the plaintext client's image offset").isEqualTo(-1);
                assertThat(plain.leaderId()).isEqualTo(-1);
            }

            cluster.kill(controller);
            awaitCondition("a new quorum leader", () -> {
                try {
                    int leader = admin.describeMetadataQuorum().quorumInfo().get().leaderId();
                    return leader > 0 && leader != controller;
                } catch (Exception e) {
                    return false;
                }
            });
            try {
                admin.createTopics(List.of(new NewTopic("after", 2, (short) 2))).all().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) { // the admin's own resend, as in failover tests
                    throw e;
                }
            }
            awaitCondition("the listing shows both topics", () -> {
                try {
                    return admin.listTopics().names().get().containsAll(List.of("before", "after"));
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    /** A broker-only node's quorum client, from the cluster's own settings with CONTROLLER mapped to {@code protocol}. */
    private static QuorumObserver observer(SamsaCluster cluster, int nodeId, String protocol) {
        Map<String, String> c = new HashMap<>(cluster.nodeConfig(1));
        c.put("process.roles", "broker");
        c.put("node.id", String.valueOf(nodeId));
        c.put("listeners", "PLAINTEXT://127.0.0.1:0");
        c.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:" + protocol);
        BrokerConfig config = BrokerConfig.from(c);
        return new QuorumObserver(nodeId, config.quorumVoters(),
                QuorumTlsSettings.forListener(config.quorumListenerSecurity().orElseThrow(), false));
    }
}
