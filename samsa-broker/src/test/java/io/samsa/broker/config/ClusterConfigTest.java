package io.samsa.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import io.samsa.network.auth.SecurityProtocol;
import io.samsa.network.server.Endpoint;

/** The cluster's keys (KRaft names): roles, quorum voters, the controller listener, replication and liveness. */
class ClusterConfigTest {
    private static final String VOTERS = "1@127.0.0.1:19093,2@127.0.0.1:29093,3@127.0.0.1:39093";

    @Test
    void kafkasSampleKraftServerPropertiesStartsASingleNode() throws Exception {
        BrokerConfig c = BrokerConfig.load(resource("kafka-kraft-server.properties"), Map.of());
        assertThat(c.isCluster()).as("bootstrap.servers without voters: alone, with a warning").isFalse();
        assertThat(c.nodeId()).isEqualTo(1);
        assertThat(c.processRoles()).containsExactlyInAnyOrder(ProcessRole.BROKER, ProcessRole.CONTROLLER);
        assertThat(c.isBroker()).isTrue();
        assertThat(c.isController()).isTrue();
        assertThat(c.listeners().bound()).as("CONTROLLER is not bound by the socket server")
                .containsExactly(new Listener("PLAINTEXT", "0.0.0.0", 9092));
        assertThat(c.network().endpoints()).extracting(Endpoint::listenerName).containsExactly("PLAINTEXT");
        assertThat(c.controllerListener()).contains(new Listener("CONTROLLER", "0.0.0.0", 9093));
        assertThat(c.advertisedListener()).isEqualTo(new Listener("localhost", 9092));
        assertThat(c.dataDir()).isEqualTo(Path.of("/tmp/kraft-combined-logs"));
        assertThat(c.offsetsTopicReplicationFactor()).isEqualTo((short) 1);
    }

    @Test
    void readmesThreeMachineExampleIsACombinedNodeOfAThreeVoterQuorum() throws Exception {
        BrokerConfig c = BrokerConfig.load(resource("three-node-1.properties"), Map.of());
        assertThat(c.isCluster()).isTrue();
        assertThat(c.quorumVoters()).containsOnlyKeys(1, 2, 3);
        assertThat(c.quorumVoters().get(2)).isEqualTo(InetSocketAddress.createUnresolved("kafka-2.example", 9093));
        assertThat(c.controllerListener()).contains(new Listener("CONTROLLER", "0.0.0.0", 9093));
        assertThat(c.listeners().securityProtocol("CONTROLLER"))
                .as("Kafka maps controller listeners to PLAINTEXT when the map is not set")
                .isEqualTo(SecurityProtocol.PLAINTEXT);
        assertThat(c.listener()).isEqualTo(new Listener("0.0.0.0", 9092));
        assertThat(c.interBrokerListenerName()).isEqualTo("PLAINTEXT");
        assertThat(c.brokerRack()).isEqualTo("rack-a");
        assertThat(c.offsetsTopicReplicationFactor()).as("Kafka's default in a cluster").isEqualTo((short) 3);
    }

    @Test
    void defaultsAreKafkasExceptBrokerLivenessWhichServesAThreeSecondFailover() {
        BrokerConfig c = BrokerConfig.from(combined(1));
        assertThat(c.replicaLagTimeMaxMs()).isEqualTo(30_000L);
        assertThat(c.replicaFetchMaxBytes()).isEqualTo(1_048_576);
        assertThat(c.replicaFetchWaitMaxMs()).isEqualTo(500);
        assertThat(c.replicaFetchMinBytes()).isEqualTo(1);
        assertThat(c.replicaFetchBackoffMs()).isEqualTo(1000);
        assertThat(c.numReplicaFetchers()).isEqualTo(1);
        assertThat(c.brokerHeartbeatIntervalMs()).isEqualTo(500);
        assertThat(c.brokerSessionTimeoutMs()).isEqualTo(2000);
        assertThat(c.uncleanLeaderElectionEnable()).isFalse();
        assertThat(c.autoLeaderRebalanceEnable()).isTrue();
        assertThat(c.leaderImbalanceCheckIntervalSeconds()).isEqualTo(300L);
        assertThat(c.transactionStateLogReplicationFactor()).isEqualTo((short) 3);
        assertThat(c.metadataLogDir()).isEmpty();
        assertThat(c.brokerRack()).isNull();
        assertThat(c.effectiveValues()).containsEntry("broker.session.timeout.ms", "2000")
                .containsEntry("controller.quorum.voters", VOTERS);
    }

    @Test
    void noRolesAndNoVotersIsTheSingleNodeOfBefore() {
        BrokerConfig c = BrokerConfig.from(Map.of());
        assertThat(c.isCluster()).isFalse();
        assertThat(c.processRoles()).isEmpty();
        assertThat(c.isBroker()).isTrue();
        assertThat(c.isController()).isTrue();
        assertThat(c.quorumVoters()).isEmpty();
        assertThat(c.controllerListener()).isEmpty();
        assertThat(c.nodeId()).isZero();
        assertThat(c.offsetsTopicReplicationFactor()).isEqualTo((short) 1);
    }

    @Test
    void brokerOnlyAndControllerOnlyNodes() {
        Map<String, String> broker = combined(4);
        broker.put("process.roles", "broker");
        broker.put("listeners", "PLAINTEXT://127.0.0.1:49092");
        BrokerConfig b = BrokerConfig.from(broker);
        assertThat(b.isBroker()).isTrue();
        assertThat(b.isController()).isFalse();
        assertThat(b.controllerListener()).isEmpty();
        assertThat(b.listeners().controllerListenerNames()).containsExactly("CONTROLLER");

        Map<String, String> controller = combined(2);
        controller.put("process.roles", "controller");
        controller.put("listeners", "CONTROLLER://127.0.0.1:29093");
        BrokerConfig c = BrokerConfig.from(controller);
        assertThat(c.isBroker()).isFalse();
        assertThat(c.listeners().bound()).isEmpty();
        assertThat(c.controllerListener()).contains(new Listener("CONTROLLER", "127.0.0.1", 29093));
        assertThatThrownBy(c::listener).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void mistakesStopTheStartNamingTheKey() {
        assertRejected(with(combined(4), Map.of()), "controller.quorum.voters", "node.id 4 is not one of the voters");
        assertRejected(without(combined(1), "controller.listener.names"), "listener.security.protocol.map",
                "set controller.listener.names=CONTROLLER");
        assertRejected(with(without(combined(1), "controller.listener.names"),
                Map.of("listeners", "PLAINTEXT://127.0.0.1:19092")), "controller.listener.names", "must be set");
        assertRejected(with(combined(1), Map.of("listeners", "PLAINTEXT://127.0.0.1:19092")), "listeners",
                "no listener is named in controller.listener.names");
        assertRejected(without(combined(1), "node.id"), "node.id", "required when process.roles is set");
        assertRejected(without(combined(1), "process.roles"), "process.roles", "controller.quorum.voters is set");
        assertRejected(with(combined(1), Map.of("process.roles", "broker,zookeeper")), "process.roles",
                "unknown role 'zookeeper'");
        assertRejected(with(combined(1), Map.of("process.roles", "broker")), "process.roles",
                "must contain controller");
        assertRejected(with(combined(1), Map.of("controller.quorum.voters", "1@h:9093,1@g:9093")),
                "controller.quorum.voters", "node id 1 appears more than once");
        assertRejected(with(combined(1), Map.of("controller.quorum.voters", "h:9093")), "controller.quorum.voters",
                "expected id@host:port");
        assertRejected(with(combined(1), Map.of("controller.quorum.voters", "x@h:9093")), "controller.quorum.voters",
                "node id of 'x@h:9093' is not a non-negative number");
        assertRejected(with(combined(1), Map.of("inter.broker.listener.name", "CONTROLLER")),
                "inter.broker.listener.name", "is a controller listener");
        assertRejected(Map.of("process.roles", "broker", "node.id", "1"), "controller.quorum.voters",
                "only a broker,controller node may run alone");
        assertRejected(with(combined(1), Map.of("broker.heartbeat.interval.ms", "2000")),
                "broker.heartbeat.interval.ms", "must be less than broker.session.timeout.ms");
        assertRejected(with(combined(1), Map.of("replica.fetch.wait.max.ms", "40000")), "replica.fetch.wait.max.ms",
                "must not exceed replica.lag.time.max.ms");
        assertRejected(with(combined(1), Map.of("listener.security.protocol.map",
                "PLAINTEXT:PLAINTEXT,CONTROLLER:SASL_SSL")), "listener.security.protocol.map",
                "CONTROLLER uses security protocol SASL_SSL; the metadata quorum (Ratis gRPC) has no SASL");
    }

    @Test
    void overridesAndRackAndTuning() {
        BrokerConfig c = BrokerConfig.from(with(combined(3), Map.of("broker.rack", "eu-1a",
                "broker.heartbeat.interval.ms", "2000", "broker.session.timeout.ms", "9000",
                "unclean.leader.election.enable", "true", "num.replica.fetchers", "4",
                "metadata.log.dir", "/data/meta", "offsets.topic.replication.factor", "2")));
        assertThat(c.brokerRack()).isEqualTo("eu-1a");
        assertThat(c.brokerHeartbeatIntervalMs()).isEqualTo(2000);
        assertThat(c.brokerSessionTimeoutMs()).isEqualTo(9000);
        assertThat(c.uncleanLeaderElectionEnable()).isTrue();
        assertThat(c.numReplicaFetchers()).isEqualTo(4);
        assertThat(c.metadataLogDir()).contains(Path.of("/data/meta"));
        assertThat(c.offsetsTopicReplicationFactor()).isEqualTo((short) 2);
        assertThat(c.controllerListener()).contains(new Listener("CONTROLLER", "127.0.0.1", 39093));
    }

    /** Node {@code id} of a three-voter combined cluster on loopback. */
    static Map<String, String> combined(int id) {
        Map<String, String> p = new HashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(id));
        p.put("controller.quorum.voters", VOTERS);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + id + "9092,CONTROLLER://127.0.0.1:" + id + "9093");
        p.put("controller.listener.names", "CONTROLLER");
        return p;
    }

    private static Map<String, String> with(Map<String, String> props, Map<String, String> changes) {
        props.putAll(changes);
        return props;
    }

    private static Map<String, String> without(Map<String, String> props, String key) {
        props.remove(key);
        return props;
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(ClusterConfigTest.class.getResource("/config/" + name).toURI());
    }

    private static void assertRejected(Map<String, String> props, String key, String message) {
        assertThatThrownBy(() -> BrokerConfig.from(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(key).hasMessageContaining(message);
    }
}
