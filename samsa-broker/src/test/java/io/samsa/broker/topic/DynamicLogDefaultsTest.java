package io.samsa.broker.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.junit.jupiter.api.Test;

import io.samsa.log.LogConfig;
import io.samsa.metadata.ConfigsImage;

/**
 * The pure parts of dynamic broker configs: how a node's topic defaults are layered (static, cluster default, its
 * own) and which keys and values the controller accepts, with Kafka's messages.
 */
class DynamicLogDefaultsTest {
    private static final LogConfig STATIC = LogConfig.builder().retentionMs(1000).segmentBytes(2 * 1024 * 1024)
            .build();

    private static ConfigsImage image(Map<String, String> clusterDefault, Map<String, String> node1) {
        return new ConfigsImage(Map.of(new ConfigResource(ConfigResource.Type.BROKER, ""), clusterDefault,
                new ConfigResource(ConfigResource.Type.BROKER, "1"), node1,
                new ConfigResource(ConfigResource.Type.BROKER, "2"), Map.of("log.retention.ms", "2")));
    }

    @Test
    void theNodesOwnValueBeatsTheClusterDefaultWhichBeatsTheStaticOne() {
        DynamicLogDefaults d = DynamicLogDefaults.resolve(STATIC, 1, image(
                Map.of("log.retention.ms", "500", "log.roll.ms", "60000", "min.insync.replicas", "2"),
                Map.of("log.retention.ms", "700")), 1);
        assertThat(d.logConfig().retentionMs()).isEqualTo(700);
        assertThat(d.logConfig().segmentMs()).isEqualTo(60000);
        assertThat(d.logConfig().segmentBytes()).isEqualTo(2 * 1024 * 1024);
        assertThat(d.minInsyncReplicas()).isEqualTo(2);
        assertThat(d.perBroker()).isEqualTo(Map.of("log.retention.ms", "700"));

        DynamicLogDefaults other = DynamicLogDefaults.resolve(STATIC, 1, image(Map.of("log.retention.ms", "500"),
                Map.of()), 3);
        assertThat(other.logConfig().retentionMs()).isEqualTo(500);
        assertThat(DynamicLogDefaults.resolve(STATIC, 1, ConfigsImage.EMPTY, 1))
                .isEqualTo(DynamicLogDefaults.ofStatic(STATIC, 1));
    }

    @Test
    void aStoredValueThatDoesNotParseIsSkippedNotFatal() {
        DynamicLogDefaults d = DynamicLogDefaults.resolve(STATIC, 1, image(Map.of("log.retention.ms", "soon",
                "log.segment.bytes", "4194304", "no.such.key", "1"), Map.of()), 1);
        assertThat(d.logConfig().retentionMs()).isEqualTo(1000);
        assertThat(d.logConfig().segmentBytes()).isEqualTo(4 * 1024 * 1024);
    }

    @Test
    void theRulesAcceptTheDynamicLogDefaultsAndRefuseOthersWithKafkasMessages() {
        BrokerConfigRules rules = new BrokerConfigRules(STATIC);
        rules.validate("", Map.of("log.retention.ms", "5", "log.cleanup.policy", "compact,delete",
                "message.max.bytes", "2048", "min.insync.replicas", "2"));
        assertThatThrownBy(() -> rules.validate("", Map.of("log.retention.ms", "soon")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("Invalid value soon for configuration log.retention.ms");
        assertThatThrownBy(() -> rules.validate("1", Map.of("log.segment.bytes", "1000")))
                .isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> rules.validate("1", Map.of("broker.id", "2")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("Invalid config value for resource ConfigResource(type=BROKER, name='1'): Cannot update "
                        + "these configs dynamically: Set(broker.id)");
        assertThat(BrokerConfigRules.refusal("", List.of("compression.type")))
                .contains("Samsa does not update these broker configs dynamically (compression.type)");
        assertThat(BrokerConfigRules.refusal("", List.of("log.retention.hours")))
                .contains("Cannot update these configs dynamically: Set(log.retention.hours)");
        assertThat(rules.defaultValue("log.cleanup.policy")).isEqualTo("delete");
        assertThat(rules.defaultValue("log.retention.ms")).isEqualTo("1000");
    }
}
