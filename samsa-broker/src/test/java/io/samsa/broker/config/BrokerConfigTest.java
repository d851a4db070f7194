package io.samsa.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import io.samsa.log.LogCleaner;
import io.samsa.log.LogConfig;

class BrokerConfigTest {

    @Test
    void defaultsAreKafkas() {
        BrokerConfig c = BrokerConfig.from(Map.of());
        assertThat(c.listener()).isEqualTo(new Listener("127.0.0.1", 9092));
        assertThat(c.dataDir()).isEqualTo(Path.of(BrokerConfig.DEFAULT_DATA_DIR));
        assertThat(c.numPartitions()).isEqualTo(1);
        assertThat(c.autoCreateTopics()).isTrue();
        assertThat(c.socketRequestMaxBytes()).isEqualTo(104857600);
        assertThat(c.logDefaults().segmentBytes()).isEqualTo(1 << 30);
        assertThat(c.logDefaults().retentionMs()).isEqualTo(168L * 3600 * 1000);
        assertThat(c.logDefaults().maxMessageBytes()).isEqualTo(1048588);
    }

    @Test
    void requestHandlingDefaultsAndBoundsAreKafkas() {
        BrokerConfig c = BrokerConfig.from(Map.of());
        assertThat(c.numIoThreads()).isEqualTo(8);
        assertThat(c.queuedMaxRequests()).isEqualTo(500);
        assertThat(c.fetchMaxBytes()).isEqualTo(57671680);
        assertThat(c.effectiveValues()).containsEntry("num.io.threads", "8");
        for (String key : new String[] {"num.io.threads", "queued.max.requests"}) {
            assertThatThrownBy(() -> BrokerConfig.from(Map.of(key, "0")))
                    .isInstanceOf(ConfigException.class).hasMessageContaining(key);
        }
        assertThatThrownBy(() -> BrokerConfig.from(Map.of("fetch.max.bytes", "1023")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("fetch.max.bytes");
    }

    @Test
    void quotaWindowsDefaultToKafkasAndMustBePositive() {
        assertThat(BrokerConfig.from(Map.of()).quotaConfig())
                .isEqualTo(new io.samsa.broker.quota.QuotaConfig(11, 1));
        assertThat(BrokerConfig.from(Map.of("quota.window.num", "5", "quota.window.size.seconds", "2"))
                .quotaConfig()).isEqualTo(new io.samsa.broker.quota.QuotaConfig(5, 2));
        for (String key : new String[] {"quota.window.num", "quota.window.size.seconds"}) {
            assertThatThrownBy(() -> BrokerConfig.from(Map.of(key, "0")))
                    .isInstanceOf(ConfigException.class).hasMessageContaining(key);
        }
    }

    @Test
    void kafkaKeyNamesAndPrecedence() {
        BrokerConfig c = BrokerConfig.from(Map.of(
                "listeners", "PLAINTEXT://0.0.0.0:19092",
                "advertised.listeners", "PLAINTEXT://broker.example:29092",
                "log.dirs", "/var/lib/samsa",
                "log.retention.hours", "1",
                "log.retention.minutes", "30",
                "log.message.timestamp.type", "LogAppendTime"));
        assertThat(c.listener()).isEqualTo(new Listener("0.0.0.0", 19092));
        assertThat(c.advertisedListener()).isEqualTo(new Listener("broker.example", 29092));
        assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/samsa"));
        assertThat(c.logDefaults().retentionMs()).as("minutes win over hours, as in Kafka").isEqualTo(30 * 60_000L);
        assertThat(c.logDefaults().logAppendTime()).isTrue();
    }

    @Test
    void logSegmentBytesHasKafka4sMinimumAndATestOnlyOverride() {
        assertThatThrownBy(() -> BrokerConfig.from(Map.of("log.segment.bytes", "65536")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("log.segment.bytes");
        assertThat(BrokerConfig.from(Map.of("internal.log.segment.bytes", "65536")).logDefaults().segmentBytes())
                .isEqualTo(65536);
        assertThat(BrokerConfig.from(Map.of("log.flush.offset.checkpoint.interval.ms", "500"))
                .logManagerSettings().checkpointIntervalMs()).isEqualTo(500);
    }

    @Test
    void logCleanerSettingsAndTheCompactionDefaultsUseKafkasNames() {
        BrokerConfig defaults = BrokerConfig.from(Map.of());
        assertThat(defaults.logManagerSettings().cleaner()).isEqualTo(LogCleaner.Settings.DEFAULTS);
        assertThat(defaults.logDefaults().cleanupPolicy()).isEqualTo("delete");
        BrokerConfig c = BrokerConfig.from(Map.of("log.cleaner.enable", "false", "log.cleaner.threads", "2",
                "log.cleaner.dedupe.buffer.size", "1048576", "log.cleaner.io.max.bytes.per.second", "1e6",
                "log.cleaner.backoff.ms", "100", "log.cleanup.policy", "compact,delete",
                "log.cleaner.delete.retention.ms", "1000", "log.cleaner.min.cleanable.ratio", "0.2",
                "log.cleaner.min.compaction.lag.ms", "5", "log.cleaner.max.compaction.lag.ms", "500"));
        assertThat(c.logManagerSettings().cleaner()).isEqualTo(new LogCleaner.Settings(false, 2, 1048576, 1e6, 100));
        LogConfig d = c.logDefaults();
        assertThat(d.compact() && d.delete()).isTrue();
        assertThat(d.deleteRetentionMs()).isEqualTo(1000);
        assertThat(d.minCleanableDirtyRatio()).isEqualTo(0.2);
        assertThat(d.minCompactionLagMs()).isEqualTo(5);
        assertThat(d.maxCompactionLagMs()).isEqualTo(500);
        assertThatThrownBy(() -> BrokerConfig.from(Map.of("log.cleanup.policy", "forever")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cleanup.policy");
    }

    @Test
    void invalidValuesAreRejectedNamingTheKey() {
        assertThatThrownBy(() -> BrokerConfig.from(Map.of("num.partitions", "zero")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("num.partitions");
        assertThatThrownBy(() -> BrokerConfig.from(Map.of("num.partitions", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("num.partitions");
        assertThatThrownBy(() -> BrokerConfig.from(Map.of("listeners", "SASL_SSL://localhost:9093")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sasl.enabled.mechanisms");
        assertThatThrownBy(() -> BrokerConfig.from(Map.of("listeners", "PLAINTEXT://localhost:99999")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("port");
        assertThatThrownBy(() -> BrokerConfig.from(Map.of("auto.create.topics.enable", "yes")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("auto.create.topics.enable");
        assertThatThrownBy(() -> BrokerConfig.from(Map.of("log.message.timestamp.type", "Wallclock")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("log.message.timestamp.type");
    }

    @Test
    void unknownKeysAreAcceptedButNotInEffect() {
        BrokerConfig c = BrokerConfig.from(Map.of("some.future.setting", "1", "num.io.threads", "8"));
        assertThat(c.effectiveValues()).doesNotContainKey("some.future.setting");
        assertThat(c.effectiveValues()).containsEntry("num.partitions", "1");
    }
}
