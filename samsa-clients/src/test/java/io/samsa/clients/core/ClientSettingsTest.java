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
        assertThat(fromProducer.securityProtocol()).isEqualTo("PLAINTEXT");
    }

    @Test
    void onlyPlaintextIsSpokenYetAndAnythingElseIsAConfigError() {
        Map<String, Object> m = common();
        m.put("security.protocol", "SASL_SSL");
        assertThatThrownBy(() -> ClientSettings.from(new AdminClientConfig(m), "x"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("security.protocol")
                .hasMessageContaining("SASL_SSL").hasMessageContaining("PLAINTEXT");
        m.put("security.protocol", "plaintext");
        assertThat(ClientSettings.from(new AdminClientConfig(m), "x").securityProtocol()).isEqualTo("PLAINTEXT");
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
