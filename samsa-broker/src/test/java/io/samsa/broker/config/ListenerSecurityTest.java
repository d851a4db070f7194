package io.samsa.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import io.samsa.broker.security.ListenerChannels;
import io.samsa.network.server.Endpoint;

/**
 * Each listener's security settings with Kafka's precedence (a {@code listener.name.<name>.} key over the plain
 * one), the mechanisms Samsa cannot serve refused with the key named, and secrets kept out of the logged config.
 */
class ListenerSecurityTest {
    private static Map<String, String> twoSaslListeners() {
        Map<String, String> props = new HashMap<>();
        props.put("listeners", "EXTERNAL://127.0.0.1:0,INTERNAL://127.0.0.1:0");
        props.put("listener.security.protocol.map", "EXTERNAL:SASL_SSL,INTERNAL:SASL_PLAINTEXT");
        props.put("ssl.keystore.location", "/etc/samsa/broker.p12");
        props.put("ssl.keystore.password", "top-secret");
        props.put("listener.name.external.ssl.keystore.location", "/etc/samsa/external.p12");
        props.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        props.put("listener.name.internal.sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256");
        props.put("listener.name.internal.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required user_broker=\"broker-secret\";");
        return props;
    }

    @Test
    void listenerPrefixedKeysWinOverPlainOnes() {
        BrokerConfig c = BrokerConfig.from(twoSaslListeners());
        ListenerSecurity external = c.listenerSecurity().get("EXTERNAL");
        ListenerSecurity internal = c.listenerSecurity().get("INTERNAL");
        assertThat(external.ssl()).containsEntry("ssl.keystore.location", "/etc/samsa/external.p12")
                .containsEntry("ssl.keystore.password", "top-secret");
        assertThat(external.saslMechanisms()).containsExactly("SCRAM-SHA-512");
        assertThat(internal.saslMechanisms()).containsExactly("PLAIN", "SCRAM-SHA-256");
        assertThat(internal.jaasConfigs()).containsOnlyKeys("PLAIN");
        assertThat(internal.usesSasl()).isTrue();
        assertThat(internal.usesSsl()).isFalse();
        assertThat(c.effectiveValues().toString()).doesNotContain("top-secret").doesNotContain("broker-secret");
    }

    @Test
    void sessionLifetimeIsPerMechanismWithTheListenerPrefixWinning() {
        Map<String, String> props = twoSaslListeners();
        assertThat(BrokerConfig.from(props).listenerSecurity().get("EXTERNAL").maxReauthMs("SCRAM-SHA-512"))
                .as("Kafka's default: no re-authentication").isZero();
        props.put("connections.max.reauth.ms", "3600000");
        props.put("listener.name.internal.plain.connections.max.reauth.ms", "60000");
        BrokerConfig c = BrokerConfig.from(props);
        assertThat(c.listenerSecurity().get("EXTERNAL").maxReauthMs("SCRAM-SHA-512")).isEqualTo(3_600_000);
        assertThat(c.listenerSecurity().get("INTERNAL").maxReauthMs("PLAIN")).isEqualTo(60_000);
        assertThat(c.listenerSecurity().get("INTERNAL").maxReauthMs("SCRAM-SHA-256")).isEqualTo(3_600_000);

        props.put("connections.max.reauth.ms", "-1");
        assertThatThrownBy(() -> BrokerConfig.from(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("connections.max.reauth.ms");
    }

    @Test
    void kafkasDefaultMechanismGssapiIsRefusedNamingTheKey() {
        Map<String, String> props = twoSaslListeners();
        props.remove("sasl.enabled.mechanisms");
        assertThatThrownBy(() -> BrokerConfig.from(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("sasl.enabled.mechanisms").hasMessageContaining("GSSAPI");
    }

    @Test
    void aListenerThatCannotBeBuiltStopsTheStartNamingIt() {
        Map<String, String> props = twoSaslListeners();
        props.remove("listener.name.internal.plain.sasl.jaas.config");
        BrokerConfig c = BrokerConfig.from(props);
        ListenerChannels channels = new ListenerChannels(c.listenerSecurity(), (user, mechanism) -> null, null);
        Endpoint internal = c.listeners().endpoints().stream().filter(e -> e.listenerName().equals("INTERNAL"))
                .findFirst().orElseThrow();
        assertThatThrownBy(() -> channels.apply(internal)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Listener INTERNAL")
                .hasMessageContaining("listener.name.internal.plain.sasl.jaas.config");
        Endpoint external = c.listeners().endpoints().stream().filter(e -> e.listenerName().equals("EXTERNAL"))
                .findFirst().orElseThrow();
        assertThatThrownBy(() -> channels.apply(external)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Listener EXTERNAL").hasMessageContaining("ssl.keystore.location");
    }
}
