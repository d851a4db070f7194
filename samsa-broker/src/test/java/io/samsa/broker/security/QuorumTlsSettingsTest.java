package io.samsa.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import io.samsa.broker.config.ListenerSecurity;
import io.samsa.metadata.quorum.QuorumTls;
import io.samsa.network.auth.SecurityProtocol;
import io.samsa.testkit.TestCertificates;

/** The quorum's TLS from the controller listener's settings: who shows a certificate, who asks, what is refused. */
class QuorumTlsSettingsTest {

    private static ListenerSecurity controller(SecurityProtocol protocol, Map<String, String> ssl) {
        return new ListenerSecurity("CONTROLLER", protocol, ssl, List.of(), Map.of(), 524288, Map.of(), 100);
    }

    @Test
    void plaintextListenerMeansNoTls() {
        assertThat(QuorumTlsSettings.forListener(controller(SecurityProtocol.PLAINTEXT, Map.of()), true)).isNull();
    }

    @Test
    void voterRequiresClientCertificatesOnlyWhenClientAuthIsRequired() {
        Map<String, String> ssl = new HashMap<>(TestCertificates.shared().serverConfigs());
        QuorumTls plain = QuorumTlsSettings.forListener(controller(SecurityProtocol.SSL, ssl), true);
        assertThat(plain.mutual()).isFalse();
        assertThat(plain.keyManager()).isNotNull();
        assertThat(plain.checkHostname()).isTrue();
        assertThat(plain.protocols()).containsExactly("TLSv1.2", "TLSv1.3");

        ssl.put("ssl.client.auth", "required");
        ssl.put("ssl.endpoint.identification.algorithm", "");
        ssl.put("ssl.enabled.protocols", "TLSv1.3");
        QuorumTls mutual = QuorumTlsSettings.forListener(controller(SecurityProtocol.SSL, ssl), true);
        assertThat(mutual.mutual()).isTrue();
        assertThat(mutual.checkHostname()).isFalse();
        assertThat(mutual.protocols()).containsExactly("TLSv1.3");
    }

    @Test
    void brokerOnlyNodeShowsItsKeystoreIfItHasOne() {
        QuorumTls trustOnly = QuorumTlsSettings.forListener(controller(SecurityProtocol.SSL,
                TestCertificates.shared().clientConfigs()), false);
        assertThat(trustOnly.keyManager()).isNull();
        assertThat(trustOnly.mutual()).isFalse();
        QuorumTls withKeystore = QuorumTlsSettings.forListener(controller(SecurityProtocol.SSL,
                TestCertificates.shared().mutualClientConfigs()), false);
        assertThat(withKeystore.mutual()).isTrue();
    }

    @Test
    void voterWithoutKeystoreIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> QuorumTlsSettings.forListener(controller(SecurityProtocol.SSL,
                TestCertificates.shared().clientConfigs()), true)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("controller listener CONTROLLER")
                .hasMessageContaining("listener.name.controller.")
                .hasMessageContaining("ssl.keystore.location");
    }
}
