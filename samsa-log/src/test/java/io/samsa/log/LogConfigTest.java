package io.samsa.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
