package io.samsa.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.testing.BrokerProcess;
import io.samsa.broker.testing.Clients;

/**
 * Found by FrameFuzzTest: a topic config Kafka refuses (unknown name, or a value that does not parse) got
 * UNKNOWN_SERVER_ERROR (-1) and an ERROR log line; Kafka answers INVALID_CONFIG (40) for both
 * (ConfigurationControlManager catches the config framework's ConfigException by type), with or without
 * validateOnly, and creates nothing.
 */
class CreateTopicsInvalidConfigTest {
    @TempDir
    Path dir;

    @Test
    void anUnknownConfigNameOrAnUnparsableValueIsInvalidConfig() throws Exception {
        int metricsPort = BrokerProcess.freePort();
        try (BrokerProcess broker = BrokerProcess.start(Files.createDirectories(dir.resolve("data")),
                BrokerProcess.freePort(), Map.of("num.network.threads", "2", "metrics.port",
                        Integer.toString(metricsPort)))) {
            try (Admin admin = Clients.admin(broker.bootstrapServers())) {
                assertInvalidConfig(admin, new NewTopic("unknown-name", 1, (short) 1)
                        .configs(Map.of("no.such.config", "1")), false);
                assertInvalidConfig(admin, new NewTopic("empty-name", 1, (short) 1).configs(Map.of("", "1")), false);
                assertInvalidConfig(admin, new NewTopic("bad-value", 1, (short) 1)
                        .configs(Map.of("retention.ms", "soon")), false);
                assertInvalidConfig(admin, new NewTopic("bad-value-validate-only", 1, (short) 1)
                        .configs(Map.of("segment.bytes", "big")), true);
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                        .doesNotContain("unknown-name", "empty-name", "bad-value", "bad-value-validate-only");
            }
            assertThat(broker.output()).doesNotContain("Creating topic");
            broker.health(2, metricsPort).assertHealthy("CreateTopics with invalid configs", 0);
        }
    }

    private static void assertInvalidConfig(Admin admin, NewTopic topic, boolean validateOnly) {
        assertThatThrownBy(() -> admin.createTopics(List.of(topic), new CreateTopicsOptions().validateOnly(validateOnly))
                .all().get(30, TimeUnit.SECONDS))
                .as(topic.name())
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(InvalidConfigurationException.class);
    }
}
