package io.samsa.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
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
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.SamsaBroker;
import io.samsa.broker.testing.Clients;
import io.samsa.testkit.KafkaTool;

/**
 * Kafka's dynamic broker configs (KIP-226) for the log defaults, through stock kafka-clients' Admin and Kafka's own
 * kafka-configs tool against a single broker (node.id 1): the cluster-wide default ({@code --entity-default},
 * resource "") and the broker's own value ("1", which wins), described with Kafka's sources and synonyms, in force at
 * once on the logs of topics that do not override the key, refused with Kafka's errors without any change, and
 * still in force after a restart on the same data directory.
 */
class DynamicBrokerConfigsTest {
    private static final long KAFKA_DEFAULT_RETENTION_MS = 168 * 3600_000L;
    private static final ConfigResource CLUSTER_DEFAULT = new ConfigResource(ConfigResource.Type.BROKER, "");
    private static final ConfigResource BROKER_1 = new ConfigResource(ConfigResource.Type.BROKER, "1");

    @TempDir
    Path dataDir;

    private SamsaBroker start() throws Exception {
        return SamsaBroker.start(Map.of("listeners", "PLAINTEXT://127.0.0.1:0", "log.dirs", dataDir.toString(),
                "node.id", "1", "auto.create.topics.enable", "false", "log.segment.bytes", "2097152"));
    }

    private static Config describe(Admin admin, ConfigResource r) throws Exception {
        return admin.describeConfigs(List.of(r), new DescribeConfigsOptions().includeSynonyms(true))
                .all().get(30, TimeUnit.SECONDS).get(r);
    }

    private static void alter(Admin admin, ConfigResource r, boolean validateOnly, AlterConfigOp... ops)
            throws Exception {
        Map<ConfigResource, Collection<AlterConfigOp>> changes = Map.of(r, List.of(ops));
        admin.incrementalAlterConfigs(changes, new AlterConfigsOptions().validateOnly(validateOnly))
                .all().get(30, TimeUnit.SECONDS);
    }

    private static AlterConfigOp set(String key, String value) {
        return new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET);
    }

    private static AlterConfigOp delete(String key) {
        return new AlterConfigOp(new ConfigEntry(key, null), AlterConfigOp.OpType.DELETE);
    }

    private static List<String> synonyms(ConfigEntry e) {
        return e.synonyms().stream().map(s -> s.source() + ":" + s.name() + "=" + s.value()).toList();
    }

    private static long retentionOf(SamsaBroker broker, String topic) {
        return broker.topics().log(topic, 0).config().retentionMs();
    }

    @Test
    void dynamicLogDefaultsApplyLiveWithKafkasPrecedenceAndSurviveARestart() throws Exception {
        try (SamsaBroker broker = start(); Admin admin = Clients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("plain", 1, (short) 1),
                    new NewTopic("own", 1, (short) 1).configs(Map.of("retention.ms", "5000"))))
                    .all().get(30, TimeUnit.SECONDS);
            assertThat(retentionOf(broker, "plain")).isEqualTo(KAFKA_DEFAULT_RETENTION_MS);

            // The cluster-wide default: topics without an override follow it at once, the other keeps its own.
            alter(admin, CLUSTER_DEFAULT, false, set("log.retention.ms", "12345"));
            assertThat(retentionOf(broker, "plain")).isEqualTo(12345L);
            assertThat(retentionOf(broker, "own")).isEqualTo(5000L);
            ConfigEntry dflt = describe(admin, CLUSTER_DEFAULT).get("log.retention.ms");
            assertThat(dflt.value()).isEqualTo("12345");
            assertThat(dflt.source()).isEqualTo(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
            assertThat(describe(admin, CLUSTER_DEFAULT).entries()).hasSize(1); // only what is set dynamically
            ConfigEntry onBroker = describe(admin, BROKER_1).get("log.retention.ms");
            assertThat(onBroker.value()).isEqualTo("12345");
            assertThat(onBroker.source()).isEqualTo(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
            ConfigEntry topic = describe(admin, new ConfigResource(ConfigResource.Type.TOPIC, "plain"))
                    .get("retention.ms");
            assertThat(topic.value()).isEqualTo("12345");
            assertThat(topic.source()).isEqualTo(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
            assertThat(synonyms(topic)).containsExactly("DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=12345",
                    "DEFAULT_CONFIG:log.retention.hours=168");

            // This broker's own value beats the default, for existing and new topics.
            alter(admin, BROKER_1, false, set("log.retention.ms", "777"), set("min.insync.replicas", "2"));
            assertThat(retentionOf(broker, "plain")).isEqualTo(777L);
            assertThat(retentionOf(broker, "own")).isEqualTo(5000L);
            admin.createTopics(List.of(new NewTopic("later", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            assertThat(retentionOf(broker, "later")).isEqualTo(777L);
            assertThat(broker.topics().minInsyncReplicas(broker.topics().get("plain").orElseThrow())).isEqualTo(2);
            onBroker = describe(admin, BROKER_1).get("log.retention.ms");
            assertThat(onBroker.value()).isEqualTo("777");
            assertThat(onBroker.source()).isEqualTo(ConfigSource.DYNAMIC_BROKER_CONFIG);
            assertThat(onBroker.synonyms()).extracting(ConfigEntry.ConfigSynonym::source).startsWith(
                    ConfigSource.DYNAMIC_BROKER_CONFIG, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
            topic = describe(admin, new ConfigResource(ConfigResource.Type.TOPIC, "own")).get("retention.ms");
            assertThat(topic.value()).isEqualTo("5000");
            assertThat(synonyms(topic)).containsExactly("DYNAMIC_TOPIC_CONFIG:retention.ms=5000",
                    "DYNAMIC_BROKER_CONFIG:log.retention.ms=777",
                    "DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=12345", "DEFAULT_CONFIG:log.retention.hours=168");
            // A static setting stays below the dynamic ones: log.segment.bytes comes from "server.properties".
            alter(admin, CLUSTER_DEFAULT, false, set("log.segment.bytes", "3145728"));
            ConfigEntry segment = describe(admin, new ConfigResource(ConfigResource.Type.TOPIC, "plain"))
                    .get("segment.bytes");
            assertThat(synonyms(segment)).containsExactly("DYNAMIC_DEFAULT_BROKER_CONFIG:log.segment.bytes=3145728",
                    "STATIC_BROKER_CONFIG:log.segment.bytes=2097152", "DEFAULT_CONFIG:log.segment.bytes=1073741824");
            assertThat(broker.topics().log("plain", 0).config().segmentBytes()).isEqualTo(3145728);
        }

        try (SamsaBroker broker = start(); Admin admin = Clients.admin(broker.bootstrapServers())) {
            assertThat(retentionOf(broker, "plain")).isEqualTo(777L);
            assertThat(retentionOf(broker, "own")).isEqualTo(5000L);
            assertThat(describe(admin, CLUSTER_DEFAULT).get("log.retention.ms").value()).isEqualTo("12345");

            // Deleting the broker's value falls back to the default; deleting that, to server.properties/Kafka's.
            alter(admin, BROKER_1, false, delete("log.retention.ms"));
            assertThat(retentionOf(broker, "plain")).isEqualTo(12345L);
            alter(admin, CLUSTER_DEFAULT, false, delete("log.retention.ms"), delete("log.segment.bytes"));
            assertThat(retentionOf(broker, "plain")).isEqualTo(KAFKA_DEFAULT_RETENTION_MS);
            assertThat(broker.topics().log("plain", 0).config().segmentBytes()).isEqualTo(2097152);
            ConfigEntry restored = describe(admin, BROKER_1).get("log.retention.ms");
            assertThat(restored.source()).isIn(ConfigSource.DEFAULT_CONFIG, ConfigSource.STATIC_BROKER_CONFIG);
            assertThat(describe(admin, CLUSTER_DEFAULT).entries()).isEmpty();
        }
    }

    @Test
    void invalidValuesAndStaticKeysAreRefusedAndChangeNothing() throws Exception {
        try (SamsaBroker broker = start(); Admin admin = Clients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("plain", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            alter(admin, CLUSTER_DEFAULT, false, set("log.retention.ms", "4000"));

            assertRefused(admin, CLUSTER_DEFAULT, InvalidConfigurationException.class,
                    set("log.retention.ms", "soon"));
            assertRefused(admin, CLUSTER_DEFAULT, InvalidConfigurationException.class,
                    set("log.cleanup.policy", "forever"));
            assertRefused(admin, BROKER_1, InvalidConfigurationException.class, set("min.insync.replicas", "0"));
            assertRefused(admin, BROKER_1, InvalidConfigurationException.class, set("log.segment.bytes", "100"));
            assertRefused(admin, BROKER_1, InvalidRequestException.class, set("broker.id", "7"));
            assertRefused(admin, CLUSTER_DEFAULT, InvalidRequestException.class,
                    set("listeners", "PLAINTEXT://127.0.0.1:1"));
            assertRefused(admin, CLUSTER_DEFAULT, InvalidRequestException.class, set("log.retention.ms", "1"),
                    set("log.dirs", "/elsewhere")); // one bad key refuses the whole resource
            assertThatThrownBy(() -> alter(admin, BROKER_1, false, set("log.dirs", "/elsewhere")))
                    .hasMessageContaining("Cannot update these configs dynamically: Set(log.dirs)");
            // validateOnly checks and changes nothing.
            alter(admin, CLUSTER_DEFAULT, true, set("log.retention.ms", "99"));
            assertThatThrownBy(() -> alter(admin, CLUSTER_DEFAULT, true, set("log.retention.ms", "x")))
                    .hasCauseInstanceOf(InvalidConfigurationException.class);

            assertThat(retentionOf(broker, "plain")).isEqualTo(4000L);
            assertThat(describe(admin, CLUSTER_DEFAULT).entries()).extracting(ConfigEntry::name, ConfigEntry::value)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("log.retention.ms", "4000"));
            assertThat(describe(admin, BROKER_1).get("log.retention.ms").source())
                    .isEqualTo(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
        }
    }

    @Test
    void kafkasOwnConfigToolSetsAndDescribesTheClusterDefault() throws Exception {
        try (SamsaBroker broker = start(); Admin admin = Clients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("plain", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            String[] entity = {"--bootstrap-server", broker.bootstrapServers(), "--entity-type", "brokers",
                    "--entity-default"};
            KafkaTool.Output alter = tool(entity, "--alter", "--add-config", "log.retention.ms=12345");
            assertThat(alter.exit()).as(alter.text()).isZero();
            assertThat(alter.text()).contains("Completed updating default config for brokers in the cluster.");
            assertThat(retentionOf(broker, "plain")).isEqualTo(12345L);

            KafkaTool.Output described = tool(entity, "--describe");
            assertThat(described.exit()).as(described.text()).isZero();
            assertThat(described.text()).contains("log.retention.ms=12345",
                    "DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=12345");

            KafkaTool.Output own = tool(new String[] {"--bootstrap-server", broker.bootstrapServers(),
                    "--entity-type", "brokers", "--entity-name", "1"}, "--alter", "--add-config",
                    "log.retention.ms=555");
            assertThat(own.exit()).as(own.text()).isZero();
            assertThat(retentionOf(broker, "plain")).isEqualTo(555L);

            KafkaTool.Output bad = tool(entity, "--alter", "--add-config", "log.retention.ms=soon");
            assertThat(bad.exit()).as(bad.text()).isNotZero();
            assertThat(bad.text()).contains("InvalidConfigurationException");
            assertThat(retentionOf(broker, "plain")).isEqualTo(555L);
        }
    }

    private static void assertRefused(Admin admin, ConfigResource r, Class<? extends Throwable> error,
                                      AlterConfigOp... ops) {
        assertThatThrownBy(() -> alter(admin, r, false, ops)).as(r + " " + List.of(ops))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(error);
    }

    private static KafkaTool.Output tool(String[] entity, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(entity));
        all.addAll(List.of(args));
        return KafkaTool.run("org.apache.kafka.tools.ConfigCommand", all.toArray(String[]::new));
    }
}
