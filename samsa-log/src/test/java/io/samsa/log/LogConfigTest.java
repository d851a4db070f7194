package io.samsa.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class LogConfigTest {

    @Test
    void parsesKafkaTopicConfigNames() {
        LogConfig c = LogConfig.fromTopicConfigs(Map.ofEntries(
                Map.entry("segment.bytes", "1048576"), Map.entry("segment.ms", "1000"),
                Map.entry("retention.ms", "-1"), Map.entry("retention.bytes", "5000000"),
                Map.entry("flush.messages", "10"), Map.entry("flush.ms", "500"),
                Map.entry("index.interval.bytes", "1024"), Map.entry("segment.index.bytes", "4096"),
                Map.entry("max.message.bytes", "2000000"), Map.entry("message.timestamp.type", "LogAppendTime"),
                Map.entry("message.timestamp.before.max.ms", "100"), Map.entry("message.timestamp.after.max.ms", "200"),
                Map.entry("cleanup.policy", "delete"), Map.entry("min.insync.replicas", "2"),
                Map.entry("compression.type", "zstd")), LogConfig.DEFAULTS);
        assertThat(c).isEqualTo(LogConfig.builder().segmentBytes(1048576).segmentMs(1000)
                .retentionMs(-1).retentionBytes(5000000).flushIntervalMessages(10).flushIntervalMs(500)
                .indexIntervalBytes(1024).maxIndexBytes(4096).maxMessageBytes(2000000).logAppendTime(true)
                .timestampBeforeMaxMs(100).timestampAfterMaxMs(200).build());
        assertThat(c.toTopicConfigs()).containsEntry("message.timestamp.type", "LogAppendTime")
                .containsEntry("segment.bytes", "1048576").containsEntry("cleanup.policy", "delete");
        assertThat(LogConfig.fromTopicConfigs(
                Map.copyOf(c.toTopicConfigs()), LogConfig.DEFAULTS)).isEqualTo(c);
        assertThat(LogConfig.TOPIC_CONFIG_NAMES).contains("retention.ms", "min.insync.replicas");
    }

    @Test
    void rejectsInvalidValuesAndUnknownNames() {
        assertThatThrownBy(() -> LogConfig.fromTopicConfigs(Map.of("segment.bytes", "abc"), LogConfig.DEFAULTS))
                .isInstanceOf(ConfigException.class).hasMessageContaining("segment.bytes");
        assertThatThrownBy(() -> LogConfig.fromTopicConfigs(Map.of("retention.ms", "-2"), LogConfig.DEFAULTS))
                .isInstanceOf(ConfigException.class).hasMessageContaining("at least -1");
        assertThatThrownBy(() -> LogConfig.fromTopicConfigs(Map.of("message.timestamp.type", "Now"),
                LogConfig.DEFAULTS)).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> LogConfig.fromTopicConfigs(Map.of("no.such.config", "1"), LogConfig.DEFAULTS))
                .isInstanceOf(ConfigException.class).hasMessageContaining("no.such.config");
    }

    @Test
    void segmentBytesHasKafka4sMinimumAndATestOnlyOverride() {
        assertThatThrownBy(() -> LogConfig.fromTopicConfigs(Map.of("segment.bytes", "1048575"), LogConfig.DEFAULTS))
                .isInstanceOf(ConfigException.class).hasMessageContaining("at least 1048576");
        assertThat(LogConfig.fromTopicConfigs(Map.of("segment.bytes", "1048576"), LogConfig.DEFAULTS).segmentBytes())
                .isEqualTo(1048576);
        LogConfig small = LogConfig.fromTopicConfigs(Map.of("internal.segment.bytes", "1000",
                "segment.bytes", "2097152"), LogConfig.DEFAULTS);
        assertThat(small.segmentBytes()).isEqualTo(1000);
        assertThat(small.toTopicConfigs()).doesNotContainKey("internal.segment.bytes");
    }

    @Test
    void parsesTheCompactionConfigsWithKafkasDefaultsAndChecks() {
        assertThat(LogConfig.DEFAULTS.toTopicConfigs()).containsEntry("cleanup.policy", "delete")
                .containsEntry("delete.retention.ms", "86400000").containsEntry("min.cleanable.dirty.ratio", "0.5")
                .containsEntry("min.compaction.lag.ms", "0")
                .containsEntry("max.compaction.lag.ms", "9223372036854775807");
        LogConfig c = LogConfig.fromTopicConfigs(Map.of("cleanup.policy", "compact", "delete.retention.ms", "100",
                "min.cleanable.dirty.ratio", "0.1", "min.compaction.lag.ms", "5", "max.compaction.lag.ms", "50"),
                LogConfig.DEFAULTS);
        assertThat(c.compact()).isTrue();
        assertThat(c.delete()).isFalse();
        assertThat(c.toTopicConfigs()).containsEntry("cleanup.policy", "compact")
                .containsEntry("delete.retention.ms", "100").containsEntry("min.cleanable.dirty.ratio", "0.1")
                .containsEntry("min.compaction.lag.ms", "5").containsEntry("max.compaction.lag.ms", "50");
        assertThat(LogConfig.fromTopicConfigs(Map.copyOf(c.toTopicConfigs()), LogConfig.DEFAULTS)).isEqualTo(c);
        assertThat(c.maxSegmentMs()).isEqualTo(50); // a compacted log rolls by max.compaction.lag.ms too
        assertThat(LogConfig.DEFAULTS.withSegmentMs(1000).toBuilder().maxCompactionLagMs(10).build().maxSegmentMs())
                .isEqualTo(1000); // not compacted
        LogConfig both = LogConfig.fromTopicConfigs(Map.of("cleanup.policy", "delete, compact"), LogConfig.DEFAULTS);
        assertThat(both.compact() && both.delete()).isTrue();
        assertThat(both.cleanupPolicy()).isEqualTo("compact,delete");

        for (Map<String, String> bad : List.of(Map.of("cleanup.policy", "shrink"), Map.of("cleanup.policy", ""),
                Map.of("min.cleanable.dirty.ratio", "1.5"), Map.of("min.cleanable.dirty.ratio", "x"),
                Map.of("delete.retention.ms", "-1"), Map.of("max.compaction.lag.ms", "0"),
                Map.of("min.compaction.lag.ms", "10", "max.compaction.lag.ms", "5"))) {
            assertThatThrownBy(() -> LogConfig.fromTopicConfigs(bad, LogConfig.DEFAULTS))
                    .as(bad.toString()).isInstanceOf(ConfigException.class);
        }
    }
}
