package io.samsa.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import io.samsa.network.auth.SecurityProtocol;
import io.samsa.network.server.Endpoint;

/** Named listeners with Kafka's keys, defaults and validation. */
class ListenersTest {

    @Test
    void severalNamedListenersWithTheirProtocolsAndAdvertisedAddresses() {
        BrokerConfig c = BrokerConfig.from(Map.of(
                "listeners", "PLAINTEXT://127.0.0.1:9092, internal://:9094",
                "advertised.listeners", "INTERNAL://broker-1.internal:19094",
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT",
                "inter.broker.listener.name", "internal"));
        Listeners l = c.listeners();
        assertThat(l.bound()).containsExactly(new Listener("PLAINTEXT", "127.0.0.1", 9092),
                new Listener("INTERNAL", "0.0.0.0", 9094));
        assertThat(c.listener()).as("the first listener").isEqualTo(new Listener("127.0.0.1", 9092));
        assertThat(c.advertisedListener()).as("PLAINTEXT has no advertised entry").isNull();
        assertThat(l.advertised("INTERNAL")).contains(new Listener("INTERNAL", "broker-1.internal", 19094));
        assertThat(l.securityProtocol("INTERNAL")).isEqualTo(SecurityProtocol.PLAINTEXT);
        assertThat(l.interBrokerListenerName()).isEqualTo("INTERNAL");
        assertThat(c.network().endpoints()).containsExactly(
                new Endpoint("PLAINTEXT", "127.0.0.1", 9092, SecurityProtocol.PLAINTEXT),
                new Endpoint("INTERNAL", "0.0.0.0", 9094, SecurityProtocol.PLAINTEXT));
    }

    @Test
    void kafkasDefaultProtocolMapAndASingleListenerAsBefore() {
        BrokerConfig c = BrokerConfig.from(Map.of("listeners", "PLAINTEXT://127.0.0.1:0"));
        assertThat(c.listeners().bound()).containsExactly(new Listener("127.0.0.1", 0));
        assertThat(c.listeners().interBrokerListenerName()).isEqualTo("PLAINTEXT");
        assertThat(c.effectiveValues()).containsEntry("listener.security.protocol.map",
                "PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL");
        for (SecurityProtocol p : SecurityProtocol.values()) {
            assertThat(Listeners.DEFAULT_PROTOCOL_MAP).contains(p.name() + ":" + p.name());
        }
        assertThat(BrokerConfig.from(Map.of("listeners", "localhost:9092")).listener())
                .as("no scheme: a PLAINTEXT listener, as before").isEqualTo(new Listener("localhost", 9092));
    }

    @Test
    void mistakesStopTheStartNamingTheKey() {
        assertRejected(Map.of("listeners", "PLAINTEXT://:9092,PLAINTEXT://:9093"), "listeners",
                "PLAINTEXT appears more than once");
        assertRejected(Map.of("listeners", "PLAINTEXT://:9092,INTERNAL://:9092",
                        "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT"), "listeners",
                "both use port 9092");
        assertRejected(Map.of("listeners", "PLAINTEXT://:9092,INTERNAL://:9093"), "listener.security.protocol.map",
                "listener INTERNAL has no security protocol");
        assertRejected(Map.of("listeners", "PLAINTEXT://:9092", "listener.security.protocol.map",
                "PLAINTEXT:TLS"), "listener.security.protocol.map", "unknown security protocol");
        assertRejected(Map.of("listeners", "PLAINTEXT://:9092", "advertised.listeners", "EXTERNAL://x:1"),
                "advertised.listeners", "EXTERNAL is not in listeners");
        assertRejected(Map.of("listeners", "PLAINTEXT://:9092", "inter.broker.listener.name", "REPLICATION"),
                "inter.broker.listener.name", "not a listener name");
    }

    /** Ratis gRPC has no SASL: a controller listener (or a broker-only node's quorum name) mapped to it is refused. */
    @Test
    void saslOnTheControllerListenerIsRefused() {
        for (String protocol : new String[] {"SASL_SSL", "SASL_PLAINTEXT"}) {
            assertRejected(Map.of("process.roles", "broker,controller", "node.id", "1", "controller.quorum.voters",
                    "1@127.0.0.1:9093", "controller.listener.names", "CONTROLLER", "listeners",
                    "PLAINTEXT://:9092,CONTROLLER://:9093", "listener.security.protocol.map",
                    "PLAINTEXT:PLAINTEXT,CONTROLLER:" + protocol), "listener.security.protocol.map",
                    "controller listener CONTROLLER uses security protocol " + protocol + "; the metadata quorum "
                            + "(Ratis gRPC) has no SASL: map CONTROLLER to SSL");
        }
        assertRejected(Map.of("process.roles", "broker", "node.id", "2", "controller.quorum.voters",
                "1@127.0.0.1:9093", "controller.listener.names", "CONTROLLER", "listeners", "PLAINTEXT://:9092",
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:SASL_SSL"),
                "listener.security.protocol.map", "controller listener CONTROLLER uses security protocol SASL_SSL");
    }

    @Test
    void controllerListenerMayBeSsl() {
        BrokerConfig c = BrokerConfig.from(Map.of("process.roles", "broker,controller", "node.id", "1",
                "controller.quorum.voters", "1@127.0.0.1:9093", "controller.listener.names", "CONTROLLER",
                "listeners", "PLAINTEXT://:9092,CONTROLLER://:9093", "listener.security.protocol.map",
                "PLAINTEXT:PLAINTEXT,CONTROLLER:SSL", "ssl.keystore.location", "/general.p12",
                "listener.name.controller.ssl.keystore.location", "/controller.p12"));
        assertThat(c.listeners().controllerSecurityProtocol()).isEqualTo(SecurityProtocol.SSL);
        assertThat(c.quorumListenerSecurity().orElseThrow().ssl())
                .containsEntry("ssl.keystore.location", "/controller.p12");
        BrokerConfig broker = BrokerConfig.from(Map.of("process.roles", "broker", "node.id", "2",
                "controller.quorum.voters", "1@127.0.0.1:9093", "controller.listener.names", "CONTROLLER",
                "listeners", "PLAINTEXT://:9092", "listener.security.protocol.map",
                "PLAINTEXT:PLAINTEXT,CONTROLLER:SSL"));
        assertThat(broker.quorumListenerSecurity().orElseThrow().protocol()).isEqualTo(SecurityProtocol.SSL);
        BrokerConfig plain = BrokerConfig.from(Map.of("process.roles", "broker,controller", "node.id", "1",
                "controller.quorum.voters", "1@127.0.0.1:9093", "controller.listener.names", "CONTROLLER",
                "listeners", "PLAINTEXT://:9092,CONTROLLER://:9093"));
        assertThat(plain.listeners().controllerSecurityProtocol()).isEqualTo(SecurityProtocol.PLAINTEXT);
    }

    @Test
    void twoListenersMayBothTakeAnEphemeralPort() {
        BrokerConfig c = BrokerConfig.from(Map.of("listeners", "PLAINTEXT://127.0.0.1:0,INTERNAL://127.0.0.1:0",
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT"));
        assertThat(c.listeners().bound()).hasSize(2);
    }

    private static void assertRejected(Map<String, String> props, String key, String message) {
        assertThatThrownBy(() -> BrokerConfig.from(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(key).hasMessageContaining(message);
    }
}
