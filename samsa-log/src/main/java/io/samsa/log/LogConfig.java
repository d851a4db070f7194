package io.samsa.log;

/**
 * Per-log settings, named and defaulted as Kafka's topic configs (broker-level names in brackets).
 *
 * @param segmentBytes          segment.bytes (log.segment.bytes), default 1 GiB
 * @param segmentMs             segment.ms (log.roll.ms), default 7 days
 * @param retentionMs           retention.ms (log.retention.ms), default 7 days; -1 = unlimited
 * @param retentionBytes        retention.bytes (log.retention.bytes), default -1 = unlimited
 * @param flushIntervalMessages flush.messages (log.flush.interval.messages), default Long.MAX_VALUE
 * @param flushIntervalMs       flush.ms (log.flush.interval.ms), default Long.MAX_VALUE
 * @param indexIntervalBytes    index.interval.bytes (log.index.interval.bytes), default 4096
 * @param maxIndexBytes         segment.index.bytes (log.index.size.max.bytes), default 10 MiB
 * @param maxMessageBytes       max.message.bytes (message.max.bytes), default 1048588
 * @param logAppendTime         message.timestamp.type = LogAppendTime (default CreateTime)
 * @param timestampBeforeMaxMs  message.timestamp.before.max.ms, default Long.MAX_VALUE
 * @param timestampAfterMaxMs   message.timestamp.after.max.ms, default 3600000 (Kafka 4.x)
 */
public record LogConfig(
        int segmentBytes,
        long segmentMs,
        long retentionMs,
        long retentionBytes,
        long flushIntervalMessages,
        long flushIntervalMs,
        int indexIntervalBytes,
        int maxIndexBytes,
        int maxMessageBytes,
        boolean logAppendTime,
        long timestampBeforeMaxMs,
        long timestampAfterMaxMs) {

    public static final LogConfig DEFAULTS = new LogConfig(
            1024 * 1024 * 1024, 7L * 24 * 3600 * 1000, 7L * 24 * 3600 * 1000, -1L,
            Long.MAX_VALUE, Long.MAX_VALUE, 4096, 10 * 1024 * 1024, 1048588, false,
            Long.MAX_VALUE, 3600_000L);

    public LogConfig withSegmentBytes(int v) {
        return new LogConfig(v, segmentMs, retentionMs, retentionBytes, flushIntervalMessages, flushIntervalMs,
                indexIntervalBytes, maxIndexBytes, maxMessageBytes, logAppendTime, timestampBeforeMaxMs, timestampAfterMaxMs);
    }

    public LogConfig withRetention(long ms, long bytes) {
        return new LogConfig(segmentBytes, segmentMs, ms, bytes, flushIntervalMessages, flushIntervalMs,
                indexIntervalBytes, maxIndexBytes, maxMessageBytes, logAppendTime, timestampBeforeMaxMs, timestampAfterMaxMs);
    }

    /** Broker defaults with a topic's overrides applied (Kafka's topic config names). STUB until samsa-log lands. */
    public static LogConfig fromTopicConfigs(java.util.Map<String, String> overrides, LogConfig defaults) {
        return defaults;
    }

    /** The effective settings under Kafka's topic config names. STUB until samsa-log lands. */
    public java.util.Map<String, String> toTopicConfigs() {
        return java.util.Map.of();
    }
}
