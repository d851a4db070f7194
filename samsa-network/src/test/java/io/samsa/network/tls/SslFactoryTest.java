package io.samsa.network.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLEngine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.testkit.TestCertificates;

/** Engines from Kafka's {@code ssl.*} settings, and the messages of bad ones. */
class SslFactoryTest {
    private static final TestCertificates CERTS = TestCertificates.shared();

    @TempDir
    Path dir;

    @Test
    void serverAndClientEnginesCarryTheSettings() {
        Map<String, String> server = CERTS.serverConfigs();
        server.put("ssl.client.auth", "required");
        server.put("ssl.enabled.protocols", "TLSv1.2");
        SSLEngine s = SslFactory.forServer(server).createEngine("127.0.0.1", 1);
        assertThat(s.getUseClientMode()).isFalse();
        assertThat(s.getNeedClientAuth()).isTrue();
        assertThat(s.getEnabledProtocols()).containsExactly("TLSv1.2");
        SSLEngine c = SslFactory.forClient(CERTS.clientConfigs()).createEngine("localhost", 1);
        assertThat(c.getUseClientMode()).isTrue();
        assertThat(c.getSSLParameters().getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
        assertThat(c.getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.2", "TLSv1.3");
    }

    @Test
    void anEncryptedPemKeyNeedsSslKeyPassword() throws Exception {
        Path encrypted = dir.resolve("key.pem");
        Process p = new ProcessBuilder("openssl", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in",
                CERTS.serverKeyPem.toString(), "-out", encrypted.toString(), "-passout", "pass:secret")
                .redirectErrorStream(true).start();
        assumeThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as("openssl available").isTrue();
        Map<String, String> configs = new HashMap<>();
        configs.put("ssl.keystore.type", "PEM");
        configs.put("ssl.keystore.certificate.chain", Files.readString(CERTS.serverChainPem));
        configs.put("ssl.keystore.key", Files.readString(encrypted));
        assertThatThrownBy(() -> SslFactory.forServer(configs)).hasMessageContaining("ssl.key.password");
        configs.put("ssl.key.password", "wrong");
        assertThatThrownBy(() -> SslFactory.forServer(configs)).hasMessageContaining("ssl.key.password");
        configs.put("ssl.key.password", "secret");
        assertThat(SslFactory.forServer(configs).createEngine("127.0.0.1", 1)).isNotNull();
    }

    @Test
    void badSettingsNameTheirKey() {
        Map<String, String> pemWithoutKey = new HashMap<>();
        pemWithoutKey.put("ssl.keystore.type", "PEM");
        pemWithoutKey.put("ssl.keystore.certificate.chain", "x");
        assertThatThrownBy(() -> SslFactory.forServer(pemWithoutKey)).hasMessageContaining("ssl.keystore.key");
        Map<String, String> garbageKey = new HashMap<>(pemWithoutKey);
        garbageKey.put("ssl.keystore.key", "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----");
        assertThatThrownBy(() -> SslFactory.forServer(garbageKey)).hasMessageContaining("ssl.keystore.key")
                .hasMessageContaining("PKCS#1");
        Map<String, String> missingTrust = CERTS.clientConfigs();
        missingTrust.put("ssl.truststore.location", "/nonexistent/trust.p12");
        assertThatThrownBy(() -> SslFactory.forClient(missingTrust)).hasMessageContaining("ssl.truststore.location");
        Map<String, String> suite = CERTS.clientConfigs();
        suite.put("ssl.cipher.suites", "TLS_NOT_A_SUITE");
        assertThatThrownBy(() -> SslFactory.forClient(suite)).hasMessageContaining("ssl.cipher.suites");
        Map<String, String> protocol = CERTS.clientConfigs();
        protocol.put("ssl.protocol", "SSLv9");
        assertThatThrownBy(() -> SslFactory.forClient(protocol)).hasMessageContaining("ssl.protocol");
    }
}
