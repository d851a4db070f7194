package io.samsa.broker.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.log.LogConfig;
import io.samsa.log.LogManager;

/** Creation is all or nothing, and every limit is checked before anything is written. */
class TopicRegistryTest {
    @TempDir
    Path data;

    @Test
    void aFailedCreationLeavesNoLogNoFileAndNoTopic() throws Exception {
        TopicRegistry registry = new TopicRegistry(data.resolve("__samsa_meta"), LogConfig.DEFAULTS, 100, 1);
        try (LogManager logs = LogManager.open(data, registry::logConfig, Clock.systemUTC())) {
            registry.attach(logs);
            Files.writeString(data.resolve("x-2"), "in the way"); // partition 2 cannot be created
            assertThatThrownBy(() -> registry.create("x", 3, Map.of())).isInstanceOf(IllegalStateException.class);
            assertThat(registry.get("x")).isEmpty();
            assertThat(logs.logs()).isEmpty();
            assertThat(data.resolve("x-0")).doesNotExist();
            assertThat(data.resolve("__samsa_meta/topics/x.properties")).doesNotExist();

            assertThatThrownBy(() -> registry.create("y", 101, Map.of())).isInstanceOf(PolicyViolationException.class);
            registry.create("y", 60, Map.of());
            assertThatThrownBy(() -> registry.create("z", 41, Map.of()))
                    .isInstanceOf(PolicyViolationException.class).hasMessageContaining("max.partitions");
            assertThatThrownBy(() -> registry.addPartitions("y", 101, false))
                    .isInstanceOf(PolicyViolationException.class);
            assertThatThrownBy(() -> registry.create("z", 1, Map.of("min.insync.replicas", "0")))
                    .isInstanceOf(InvalidConfigurationException.class);
            try (Stream<Path> dirs = Files.list(data)) {
                assertThat(dirs.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("z-"))).isEmpty();
            }
            assertThat(registry.minInsyncReplicas(registry.get("y").orElseThrow())).isEqualTo(1);
        }
    }

    @Test
    void newPartitionsAreOpenedWithTheTopicsOwnConfigs() throws Exception {
        TopicRegistry registry = new TopicRegistry(data.resolve("__samsa_meta"), LogConfig.DEFAULTS, 100, 1);
        try (LogManager logs = LogManager.open(data, registry::logConfig, Clock.systemUTC())) {
            registry.attach(logs);
            registry.create("small", 1, Map.of("max.message.bytes", "4000"));
            registry.addPartitions("small", 2, false);
            assertThat(logs.log("small", 0).config().maxMessageBytes()).isEqualTo(4000);
            assertThat(logs.log("small", 1).config().maxMessageBytes()).isEqualTo(4000);
        }
    }
}
