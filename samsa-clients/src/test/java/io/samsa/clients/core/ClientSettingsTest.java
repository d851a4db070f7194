package io.samsa.clients.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import io.samsa.network.auth.SecurityProtocol;
import io.samsa.testkit.TestCertificates;

/** The settings all three clients read the same way, from any of Kafka's three config classes. */
class ClientSettingsTest {

    private static Map<String, Object> common() {
        Map<String, Object> m = new HashMap<>();
        m.put("bootstrap.servers", "a:1,b:2");
        m.put("request.timeout.ms", "1234");
        m.put("retry.backoff.ms", "7");
        m.put("reconnect.backoff.ms", "9");
        m.put("metadata.max.age.ms", "5000");
        m.put("send.buffer.bytes", "-1");
        return m;
    }

    @Test
    void producerConsumerAndAdminConfigsGiveTheSameSettings() {
        Map<String, Object> p = common();
        p.put("key.serializer", ByteArraySerializer.class);
        p.put("value.serializer", ByteArraySerializer.class);
        Map<String, Object> c = common();
        c.put("key.deserializer", ByteArrayDeserializer.class);
        c.put("value.deserializer", ByteArrayDeserializer.class);
        ClientSettings fromProducer = ClientSettings.from(new ProducerConfig(p), "x");
        ClientSettings fromConsumer = ClientSettings.from(new ConsumerConfig(c), "x");
        ClientSettings fromAdmin = ClientSettings.from(new AdminClientConfig(common()), "x");
        assertThat(fromConsumer).isEqualTo(fromProducer);
        assertThat(fromAdmin).isEqualTo(fromProducer);
        assertThat(fromProducer.bootstrap()).extracting(BootstrapServers.Address::host).containsExactly("a", "b");
        assertThat(fromProducer.requestTimeoutMs()).isEqualTo(1234);
        assertThat(fromProducer.retryBackoffMs()).isEqualTo(7);
        assertThat(fromProducer.reconnectBackoffMs()).isEqualTo(9);
        assertThat(fromProducer.metadataMaxAgeMs()).isEqualTo(5000);
        assertThat(fromProducer.sendBufferBytes()).isEqualTo(-1);
        assertThat(fromProducer.security().protocol()).isEqualTo(SecurityProtocol.PLAINTEXT);
    }

    @Test
    void securityProtocolsWithKafkasNames() {
        Map<String, Object> m = secure("SASL_SSL");
        m.put("sasl.mechanism", "scram-sha-512");
        ClientSecurity s = ClientSettings.from(new AdminClientConfig(m), "x").security();
        assertThat(s.protocol()).isEqualTo(SecurityProtocol.SASL_SSL);
        assertThat(s.saslMechanism()).isEqualTo("SCRAM-SHA-512");
        assertThat(s.toString()).doesNotContain("secret");
        m.put("security.protocol", "plaintext");
        assertThat(ClientSettings.from(new AdminClientConfig(m), "x").security().protocol())
                .isEqualTo(SecurityProtocol.PLAINTEXT);
        assertThat(ClientSettings.from(new AdminClientConfig(secure("SSL")), "x").security().saslMechanism())
                .isNull();
    }

    @Test
    void aBadSecuritySettingFailsWithAConfigExceptionNamingTheKey() {
        Map<String, Object> gssapi = secure("SASL_PLAINTEXT"); // sasl.mechanism left at Kafka's default
        assertThatThrownBy(() -> ClientSettings.from(new ProducerConfig(withSerializers(gssapi)), "x"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sasl.mechanism")
                .hasMessageContaining("GSSAPI").hasMessageContaining("SCRAM-SHA-512");
        Map<String, Object> noJaas = secure("SASL_SSL");
        noJaas.put("sasl.mechanism", "PLAIN");
        noJaas.remove("sasl.jaas.config");
        assertThatThrownBy(() -> ClientSettings.from(new AdminClientConfig(noJaas), "x"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sasl.jaas.config");
        Map<String, Object> badJaas = secure("SASL_SSL");
        badJaas.put("sasl.mechanism", "PLAIN");
        badJaas.put("sasl.jaas.config", "x.Y required username=\"a\" password=\"the-secret\"");
        assertThatThrownBy(() -> ClientSettings.from(new AdminClientConfig(badJaas), "x"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sasl.jaas.config")
                .hasMessageNotContaining("the-secret");
        Map<String, Object> oauth = secure("SASL_SSL");
        oauth.put("sasl.mechanism", "OAUTHBEARER");
        assertThatThrownBy(() -> ClientSettings.from(new AdminClientConfig(oauth), "x"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sasl.mechanism");
        Map<String, Object> noFile = secure("SSL");
        noFile.put("ssl.truststore.location", "/nonexistent/truststore.p12");
        assertThatThrownBy(() -> ClientSettings.from(new AdminClientConfig(noFile), "x"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ssl.truststore.location");
        Map<String, Object> engine = secure("SSL");
        engine.put("ssl.engine.factory.class", "org.apache.kafka.common.security.ssl.DefaultSslEngineFactory");
        assertThatThrownBy(() -> ClientSettings.from(new AdminClientConfig(engine), "x"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ssl.engine.factory.class");
        Map<String, Object> unknown = secure("TLS");
        assertThatThrownBy(() -> ClientSettings.from(new AdminClientConfig(unknown), "x"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("security.protocol");
    }

    private static Map<String, Object> secure(String protocol) {
        Map<String, Object> m = common();
        m.putAll(TestCertificates.shared().clientConfigs());
        m.put("security.protocol", protocol);
        m.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"alice\" password=\"alice-secret\";");
        return m;
    }

    private static Map<String, Object> withSerializers(Map<String, Object> m) {
        m.put("key.serializer", ByteArraySerializer.class);
        m.put("value.serializer", ByteArraySerializer.class);
        return m;
    }

    @Test
    void propertiesBecomeAMapWithDefaultsAndNonStringValues() {
        Properties defaults = new Properties();
        defaults.setProperty("client.id", "from-defaults");
        Properties p = new Properties(defaults);
        p.put("send.buffer.bytes", 42);
        p.setProperty("bootstrap.servers", "a:1");
        assertThat(ClientSettings.toMap(p)).containsEntry("client.id", "from-defaults")
                .containsEntry("send.buffer.bytes", 42).containsEntry("bootstrap.servers", "a:1");
    }
}
