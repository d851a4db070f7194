package io.samsa.broker.security;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

import io.samsa.broker.testing.BrokerProcess;
import io.samsa.broker.testing.Clients;
import io.samsa.testkit.TestCertificates;

/**
 * A broker process with one listener of each kind the security tests need, configured with Kafka's keys as a user
 * would write them: PLAINTEXT (the test's own admin), SASL_SSL (SCRAM-SHA-512, SCRAM-SHA-256 and PLAIN), SSL with
 * {@code ssl.client.auth=required} and a principal mapping rule (CN → user), and SASL_PLAINTEXT. Client settings for
 * each come from here too.
 */
final class SecuredBroker implements AutoCloseable {
    static final String PLAIN_JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "user_carol=\"carol-secret\";";

    final TestCertificates certs = TestCertificates.shared();
    final BrokerProcess process;
    final int plaintextPort;
    final int saslSslPort;
    final int sslPort;
    final int saslPlaintextPort;

    SecuredBroker(Path dataDir, Map<String, String> extra) throws Exception {
        plaintextPort = BrokerProcess.freePort();
        saslSslPort = BrokerProcess.freePort();
        sslPort = BrokerProcess.freePort();
        saslPlaintextPort = BrokerProcess.freePort();
        Map<String, String> props = new HashMap<>(certs.serverConfigs());
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + plaintextPort + ",SASL_SSL://127.0.0.1:" + saslSslPort
                + ",SSL://127.0.0.1:" + sslPort + ",SASL_PLAINTEXT://127.0.0.1:" + saslPlaintextPort);
        props.put("listener.security.protocol.map",
                "PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT");
        props.put("sasl.enabled.mechanisms", "SCRAM-SHA-512,SCRAM-SHA-256,PLAIN");
        props.put("listener.name.sasl_ssl.plain.sasl.jaas.config", PLAIN_JAAS);
        props.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", PLAIN_JAAS);
        props.put("listener.name.ssl.ssl.client.auth", "required");
        props.put("listener.name.ssl.ssl.principal.mapping.rules", "RULE:^CN=([^,]+),.*$/$1/,DEFAULT");
        props.put("connections.setup.timeout.ms", "2000");
        props.putAll(extra);
        process = BrokerProcess.start(dataDir, plaintextPort, props);
    }

    String plaintext() {
        return "127.0.0.1:" + plaintextPort;
    }

    String saslSsl() {
        return "127.0.0.1:" + saslSslPort;
    }

    String ssl() {
        return "127.0.0.1:" + sslPort;
    }

    String saslPlaintext() {
        return "127.0.0.1:" + saslPlaintextPort;
    }

    /** Adds SCRAM users through the PLAINTEXT listener with stock Admin. */
    void addScramUser(String user, String password, ScramMechanism mechanism) throws Exception {
        try (Admin admin = Clients.admin(plaintext())) {
            admin.alterUserScramCredentials(List.<org.apache.kafka.clients.admin.UserScramCredentialAlteration>of(
                    new UserScramCredentialUpsertion(user, new ScramCredentialInfo(mechanism, 4096), password)))
                    .all().get();
        }
    }

    /** Stock client settings for the SASL_SSL listener as {@code user} with {@code mechanism}. */
    Map<String, Object> saslSslClient(String mechanism, String user, String password) {
        Map<String, Object> m = new HashMap<>(certs.clientConfigs());
        m.put("bootstrap.servers", saslSsl());
        m.put("security.protocol", "SASL_SSL");
        m.put("sasl.mechanism", mechanism);
        String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        m.put("sasl.jaas.config", module + " required username=\"" + user + "\" password=\"" + password + "\";");
        return m;
    }

    /** Stock client settings for the SSL listener presenting the {@code CN=alice} certificate. */
    Map<String, Object> mutualTlsClient() {
        Map<String, Object> m = new HashMap<>(certs.mutualClientConfigs());
        m.put("bootstrap.servers", ssl());
        m.put("security.protocol", "SSL");
        return m;
    }

    static Properties properties(Map<String, Object> configs) {
        Properties p = new Properties();
        p.putAll(configs);
        return p;
    }

    @Override
    public void close() throws Exception {
        process.close();
    }
}
