package io.samsa.clients.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.samsa.broker.SamsaBroker;
import io.samsa.clients.producer.SamsaProducer;

class SamsaAdminTest {
    private static SamsaBroker broker;
    private static SamsaAdmin admin;

    @BeforeAll
    static void start() throws Exception {
        broker = SamsaBroker.startEmbedded();
        admin = new SamsaAdmin(broker.bootstrapServers(), Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void createsListsDescribesGrowsAndDeletesATopic() throws Exception {
        admin.createTopic(new TopicSpec("orders", 3, (short) 1, Map.of("retention.ms", "3600000")));
        assertThat(admin.listTopics()).contains("orders");
        assertThat(admin.topicExists("orders")).isTrue();

        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrapServers());
        try (SamsaProducer<String, String> producer =
                     new SamsaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>("orders", 1, null, "v" + i)).get();
            }
        }

        TopicDescription d = admin.describeTopic("orders");
        assertThat(d.id()).isNotNull();
        assertThat(d.partitions()).extracting(TopicDescription.Partition::partition).containsExactly(0, 1, 2);
        TopicDescription.Partition p1 = d.partitions().get(1);
        assertThat(p1.leader()).isGreaterThanOrEqualTo(0);
        assertThat(p1.replicas()).containsExactly(p1.leader());
        assertThat(p1.isr()).containsExactly(p1.leader());
        assertThat(p1.logStartOffset()).isZero();
        assertThat(p1.logEndOffset()).isEqualTo(5);
        assertThat(d.partitions().get(0).logEndOffset()).isZero();

        List<ConfigEntry> configs = admin.describeConfigs("orders");
        assertThat(configs).filteredOn(c -> c.name().equals("retention.ms")).singleElement()
                .satisfies(c -> {
                    assertThat(c.value()).isEqualTo("3600000");
                    assertThat(c.isOverride()).isTrue();
                });
        assertThat(configs).filteredOn(c -> c.name().equals("segment.bytes")).singleElement()
                .satisfies(c -> assertThat(c.isOverride()).isFalse());

        admin.createPartitions("orders", 5);
        assertThat(admin.describeTopic("orders").partitions()).hasSize(5);
        assertThatThrownBy(() -> admin.createPartitions("orders", 2)).isInstanceOf(InvalidPartitionsException.class);

        admin.deleteTopics(List.of("orders"));
        assertThat(admin.topicExists("orders")).isFalse();
        assertThat(admin.listTopics()).doesNotContain("orders");
    }

    @Test
    void brokerErrorsAreKafkasExceptionsNamingTheTopic() {
        admin.createTopic(TopicSpec.of("twice", 1));
        assertThatThrownBy(() -> admin.createTopic(TopicSpec.of("twice", 1)))
                .isInstanceOf(TopicExistsException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> admin.createTopic(new TopicSpec("rf2", 1, (short) 2, Map.of())))
                .isInstanceOf(InvalidReplicationFactorException.class);
        assertThatThrownBy(() -> admin.describeTopic("nope"))
                .isInstanceOf(UnknownTopicException.class).hasMessage("Topic 'nope' does not exist");
        assertThatThrownBy(() -> admin.deleteTopics(List.of("nope"))).isInstanceOf(UnknownTopicException.class);
        assertThatThrownBy(() -> admin.createPartitions("nope", 3)).isInstanceOf(UnknownTopicException.class);
        assertThatThrownBy(() -> admin.describeConfigs("nope")).isInstanceOf(UnknownTopicException.class);
        assertThat(admin.topicExists("nope")).isFalse();
        assertThat(admin.listTopics()).doesNotContain("nope"); // asking never auto-creates
    }

    @Test
    void anUnreachableBrokerIsNamedWithWhatFailed() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (SamsaAdmin nobody = new SamsaAdmin("127.0.0.1:" + closedPort, Duration.ofSeconds(30))) {
            assertThatThrownBy(nobody::listTopics)
                    .isInstanceOf(BrokerUnreachableException.class)
                    .hasMessageContaining("127.0.0.1:" + closedPort)
                    .hasMessageContaining("refused");
        }
    }

    @Test
    void isConfiguredLikeKafkasAdminFromProperties() throws Exception {
        admin.createTopic(new TopicSpec("from-properties", 1, (short) 1, Map.of()));
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", broker.bootstrapServers());
        p.setProperty("client.id", "admin-from-properties");
        p.setProperty("default.api.timeout.ms", "10000");
        try (SamsaAdmin fromProperties = SamsaAdmin.create(p)) {
            assertThat(fromProperties.listTopics()).contains("from-properties");
        }
    }

    @Test
    void badSettingsAreKafkasConfigErrors() {
        Properties gssapi = new Properties(); // SASL with Kafka's default mechanism, which Samsa does not speak
        gssapi.setProperty("bootstrap.servers", broker.bootstrapServers());
        gssapi.setProperty("security.protocol", "SASL_SSL");
        assertThatThrownBy(() -> SamsaAdmin.create(gssapi))
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
                .hasMessageContaining("sasl.mechanism").hasMessageContaining("GSSAPI");
        assertThatThrownBy(() -> new SamsaAdmin("localhost", Duration.ofSeconds(1)))
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
                .hasMessage("Invalid url in bootstrap.servers: localhost");
    }
}
