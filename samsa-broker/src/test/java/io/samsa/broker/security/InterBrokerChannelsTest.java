package io.samsa.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.samsa.broker.config.ListenerSecurity;
import io.samsa.network.auth.SecurityProtocol;

/** The broker's own side of a secured inter-broker listener: what it refuses at start, naming the key. */
class InterBrokerChannelsTest {
    private static final String PLAIN_JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"broker\" password=\"broker-secret\" user_broker=\"broker-secret\";";

    private static ListenerSecurity saslPlaintext(Map<String, String> jaas) {
        return new ListenerSecurity("INTERNAL", SecurityProtocol.SASL_PLAINTEXT, Map.of(),
                List.of("PLAIN", "SCRAM-SHA-512"), jaas, 524288, Map.of(), 100);
    }

    @Test
    void saslAsTheListenersJaasUser() {
        InterBrokerChannels channels = InterBrokerChannels.forListener(saslPlaintext(Map.of("PLAIN", PLAIN_JAAS)),
                "plain");
        assertThat(channels).hasToString("SASL_PLAINTEXT/PLAIN as broker");
    }

    @Test
    void kafkasDefaultGssapiIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> InterBrokerChannels.forListener(saslPlaintext(Map.of("PLAIN", PLAIN_JAAS)),
                "GSSAPI")).hasMessageContaining("sasl.mechanism.inter.broker.protocol=GSSAPI is not enabled");
    }

    @Test
    void aMechanismWithoutTheBrokersCredentialsIsRefusedNamingTheJaasKey() {
        assertThatThrownBy(() -> InterBrokerChannels.forListener(saslPlaintext(Map.of("PLAIN", PLAIN_JAAS)),
                "SCRAM-SHA-512")).hasMessageContaining("listener.name.internal.scram-sha-512.sasl.jaas.config is not set");
        String serverOnly = "org.apache.kafka.common.security.plain.PlainLoginModule required user_b=\"s\";";
        assertThatThrownBy(() -> InterBrokerChannels.forListener(saslPlaintext(Map.of("PLAIN", serverOnly)),
                "PLAIN")).hasMessageContaining("listener.name.internal.plain.sasl.jaas.config")
                .hasMessageContaining("username and password");
    }
}
