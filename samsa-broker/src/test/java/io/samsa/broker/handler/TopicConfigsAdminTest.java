package io.samsa.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.samsa.broker.SamsaBroker;
import io.samsa.broker.protocol.RawKafkaConnection;
import io.samsa.broker.testing.Clients;
import io.samsa.testkit.KafkaTool;

/**
 * Topic configs through stock kafka-clients' Admin against an embedded broker: described exactly as set (with
 * Kafka's sources and synonyms), altered with IncrementalAlterConfigs and the legacy AlterConfigs with Kafka's
 * errors, and in force on the topic's log and on acks=all at once.
 */
class TopicConfigsAdminTest {
    private static SamsaBroker broker;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        // log.segment.bytes set in "server.properties": topics that do not override it show STATIC_BROKER_CONFIG.
        broker = SamsaBroker.startEmbedded(Map.of("log.segment.bytes", "2097152", "auto.create.topics.enable",
                "false"));
        admin = Clients.admin(broker.bootstrapServers());
    }

    @AfterAll
    static void stop() throws Exception {
        admin.close();
        broker.close();
    }

    private static void create(String name, Map<String, String> configs) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(configs))).all().get(30, TimeUnit.SECONDS);
    }

    private static Config describe(String topic) throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(r), new DescribeConfigsOptions().includeSynonyms(true))
                .all().get(30, TimeUnit.SECONDS).get(r);
    }

    private static void alter(String topic, AlterConfigOp... ops) throws Exception {
        alter(new ConfigResource(ConfigResource.Type.TOPIC, topic), false, ops);
    }

    private static void alter(ConfigResource r, boolean validateOnly, AlterConfigOp... ops) throws Exception {
        Map<ConfigResource, Collection<AlterConfigOp>> changes = Map.of(r, List.of(ops));
        admin.incrementalAlterConfigs(changes, new AlterConfigsOptions().validateOnly(validateOnly))
                .all().get(30, TimeUnit.SECONDS);
    }

    private static AlterConfigOp op(String key, String value, AlterConfigOp.OpType type) {
        return new AlterConfigOp(new ConfigEntry(key, value), type);
    }

    private static AlterConfigOp set(String key, String value) {
        return op(key, value, AlterConfigOp.OpType.SET);
    }

    private static void assertFails(ConfigResource r, Class<? extends Throwable> error, AlterConfigOp... ops) {
        assertThatThrownBy(() -> alter(r, false, ops)).as(r + " " + List.of(ops))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(error);
    }

    @Test
    void topicConfigsAreDescribedAsSet() throws Exception {
        create("as-set", Map.of("cleanup.policy", "compact", "compression.type", "lz4", "min.insync.replicas", "1",
                "retention.ms", "123456"));
        Config c = describe("as-set");
        for (Map.Entry<String, String> e : Map.of("cleanup.policy", "compact", "compression.type", "lz4",
                "min.insync.replicas", "1", "retention.ms", "123456").entrySet()) {
            ConfigEntry entry = c.get(e.getKey());
            assertThat(entry.value()).as(e.getKey()).isEqualTo(e.getValue());
            assertThat(entry.source()).as(e.getKey()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
            assertThat(entry.synonyms().get(0).source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        }
        assertThat(c.get("cleanup.policy").type()).isEqualTo(ConfigEntry.ConfigType.LIST);
        assertThat(c.get("retention.ms").synonyms()).extracting(ConfigEntry.ConfigSynonym::name)
                .containsExactly("retention.ms", "log.retention.hours");

        ConfigEntry segment = c.get("segment.bytes");
        assertThat(segment.value()).isEqualTo("2097152");
        assertThat(segment.source()).isEqualTo(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(segment.synonyms()).extracting(ConfigEntry.ConfigSynonym::name, ConfigEntry.ConfigSynonym::value,
                ConfigEntry.ConfigSynonym::source).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("log.segment.bytes", "2097152",
                                ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG),
                        org.assertj.core.groups.Tuple.tuple("log.segment.bytes", "1073741824",
                                ConfigEntry.ConfigSource.DEFAULT_CONFIG));
        ConfigEntry flush = c.get("flush.ms");
        assertThat(flush.source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(c.get("leader.replication.throttled.replicas").synonyms()).isEmpty();
    }

    @Test
    void createTopicsAnswersWithTheConfigsAsSet() throws Exception {
        org.apache.kafka.clients.admin.CreateTopicsResult created = admin.createTopics(List.of(
                new NewTopic("created-as-set", 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))));
        Config c = created.config("created-as-set").get(30, TimeUnit.SECONDS);
        assertThat(c.get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(c.get("cleanup.policy").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(c.get("segment.bytes").source()).isEqualTo(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(c.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
    }

    @Test
    void incrementalAlterSetsDeletesAppendsAndSubtractsAndTheLogSeesIt() throws Exception {
        create("altered", Map.of("cleanup.policy", "compact", "retention.ms", "1000"));
        alter("altered", set("retention.ms", "86400000"), set("segment.bytes", "4194304"),
                op("cleanup.policy", "delete", AlterConfigOp.OpType.APPEND));
        Config c = describe("altered");
        assertThat(c.get("retention.ms").value()).isEqualTo("86400000");
        assertThat(c.get("segment.bytes").value()).isEqualTo("4194304");
        assertThat(c.get("segment.bytes").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(c.get("cleanup.policy").value()).isEqualTo("compact,delete");
        assertThat(broker.topics().log("altered", 0).config().retentionMs()).isEqualTo(86_400_000L);
        assertThat(broker.topics().log("altered", 0).config().segmentBytes()).isEqualTo(4 * 1024 * 1024);

        alter("altered", op("cleanup.policy", "compact", AlterConfigOp.OpType.SUBTRACT),
                op("retention.ms", null, AlterConfigOp.OpType.DELETE));
        c = describe("altered");
        assertThat(c.get("cleanup.policy").value()).isEqualTo("delete");
        assertThat(c.get("retention.ms").value()).isEqualTo("604800000");
        assertThat(c.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(broker.topics().log("altered", 0).config().retentionMs()).isEqualTo(604_800_000L);

        // APPEND to a key the topic does not set starts from its default, as in Kafka.
        create("append-default", Map.of());
        alter("append-default", op("cleanup.policy", "compact", AlterConfigOp.OpType.APPEND));
        assertThat(describe("append-default").get("cleanup.policy").value()).isEqualTo("delete,compact");
    }

    @Test
    void invalidChangesGetKafkasErrorsAndChangeNothing() throws Exception {
        create("strict", Map.of("retention.ms", "5000"));
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "strict");
        assertFails(topic, InvalidConfigurationException.class, set("retention.ms", "soon"));
        assertFails(topic, InvalidConfigurationException.class, set("no.such.config", "1"));
        assertFails(topic, InvalidConfigurationException.class, set("min.insync.replicas", "0"));
        assertFails(topic, InvalidConfigurationException.class, set("compression.type", "brotli"));
        assertFails(topic, InvalidConfigurationException.class, set("cleanup.policy", "forever"));
        assertFails(topic, InvalidConfigurationException.class, set("compression.gzip.level", "10"));
        assertFails(topic, InvalidConfigurationException.class,
                op("retention.ms", "1", AlterConfigOp.OpType.APPEND));
        assertFails(new ConfigResource(ConfigResource.Type.TOPIC, "no-such-topic"),
                UnknownTopicOrPartitionException.class, set("retention.ms", "1"));
        assertFails(new ConfigResource(ConfigResource.Type.BROKER, "0"), InvalidRequestException.class,
                set("log.dirs", "/elsewhere"));
        // A broker config Kafka could change at run time but Samsa does not (the dynamic log defaults it does
        // change are DynamicBrokerConfigsTest's).
        assertFails(new ConfigResource(ConfigResource.Type.BROKER, ""), InvalidRequestException.class,
                set("compression.type", "lz4"));
        assertFails(new ConfigResource(ConfigResource.Type.BROKER_LOGGER, "0"), InvalidRequestException.class,
                set("io.samsa", "DEBUG"));

        alter(topic, true, set("retention.ms", "99"));
        assertThat(describe("strict").get("retention.ms").value()).isEqualTo("5000");
        assertThat(broker.topics().log("strict", 0).config().retentionMs()).isEqualTo(5000L);
    }

    @Test
    void legacyAlterConfigsReplacesTheWholeSetOfOverrides() throws Exception {
        create("legacy", Map.of("retention.ms", "5000", "cleanup.policy", "compact"));
        AlterConfigsRequestData req = new AlterConfigsRequestData();
        AlterConfigsRequestData.AlterConfigsResource r = new AlterConfigsRequestData.AlterConfigsResource()
                .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName("legacy");
        r.configs().add(new AlterConfigsRequestData.AlterableConfig().setName("max.message.bytes").setValue("2000"));
        req.resources().add(r);
        req.resources().add(new AlterConfigsRequestData.AlterConfigsResource().setResourceType((byte) 99)
                .setResourceName("x"));
        try (RawKafkaConnection c = new RawKafkaConnection("127.0.0.1", broker.port(), 30_000)) {
            AlterConfigsResponseData resp = (AlterConfigsResponseData) c.send(ApiKeys.ALTER_CONFIGS, (short) 2, req);
            assertThat(resp.responses().get(0).errorCode()).isZero();
            assertThat(resp.responses().get(1).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        }
        Config c = describe("legacy");
        assertThat(c.get("max.message.bytes").value()).isEqualTo("2000");
        assertThat(c.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(c.get("cleanup.policy").value()).isEqualTo("delete");
        assertThat(broker.topics().get("legacy").orElseThrow().configOverrides())
                .isEqualTo(Map.of("max.message.bytes", "2000"));
    }

    @Test
    void minInsyncReplicasAndMaxMessageBytesGateProducersAtOnce() throws Exception {
        create("gated", Map.of());
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(),
                Map.of("acks", "all", "retries", 0, "enable.idempotence", "false"))) {
            producer.send(new ProducerRecord<>("gated", new byte[10])).get(30, TimeUnit.SECONDS);

            alter("gated", set("min.insync.replicas", "2"));
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("gated", new byte[10]))
                    .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(NotEnoughReplicasException.class);
            alter("gated", op("min.insync.replicas", null, AlterConfigOp.OpType.DELETE),
                    set("max.message.bytes", "1000"));
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("gated", new byte[5000]))
                    .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(RecordTooLargeException.class);
            producer.send(new ProducerRecord<>("gated", new byte[10])).get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void kafkasOwnConfigToolAltersAndDescribesATopic() throws Exception {
        create("tooled", Map.of("cleanup.policy", "compact"));
        String[] entity = {"--bootstrap-server", broker.bootstrapServers(), "--entity-type", "topics",
                "--entity-name", "tooled"};
        KafkaTool.Output alter = tool(entity, "--alter", "--add-config", "retention.ms=3600000,max.message.bytes=2048",
                "--delete-config", "cleanup.policy");
        assertThat(alter.exit()).as(alter.text()).isZero();
        assertThat(alter.text()).contains("Completed updating config for topic tooled.");
        KafkaTool.Output described = tool(entity, "--describe");
        assertThat(described.exit()).as(described.text()).isZero();
        assertThat(described.text()).contains("retention.ms=3600000", "max.message.bytes=2048")
                .doesNotContain("cleanup.policy");
        assertThat(broker.topics().log("tooled", 0).config().maxMessageBytes()).isEqualTo(2048);

        KafkaTool.Output bad = tool(entity, "--alter", "--add-config", "retention.ms=soon");
        assertThat(bad.exit()).as(bad.text()).isNotZero();
        assertThat(bad.text()).contains("InvalidConfigurationException");
    }

    private static KafkaTool.Output tool(String[] entity, String... args) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of(entity));
        all.addAll(List.of(args));
        return KafkaTool.run("org.apache.kafka.tools.ConfigCommand", all.toArray(String[]::new));
    }
}
