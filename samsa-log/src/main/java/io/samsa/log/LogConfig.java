package io.samsa.log;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;

/**
 * Per-log settings, named and defaulted as Kafka's topic configs (broker-level names in brackets). Immutable and
 * thread-safe; built with {@link #builder()} (Kafka's defaults) or {@link #toBuilder()}, never positionally.
 *
 * <ul>
 *   <li>segmentBytes: segment.bytes (log.segment.bytes), default 1 GiB, at least 1 MiB (Kafka 4, KIP-1030);
 *       tests may go lower with the unadvertised {@code internal.segment.bytes}</li>
 *   <li>segmentMs: segment.ms (log.roll.ms), default 7 days</li>
 *   <li>retentionMs: retention.ms (log.retention.ms), default 7 days; -1 = unlimited</li>
 *   <li>retentionBytes: retention.bytes (log.retention.bytes), default -1 = unlimited</li>
 *   <li>flushIntervalMessages: flush.messages (log.flush.interval.messages), default Long.MAX_VALUE</li>
 *   <li>flushIntervalMs: flush.ms (log.flush.interval.ms), default Long.MAX_VALUE</li>
 *   <li>indexIntervalBytes: index.interval.bytes (log.index.interval.bytes), default 4096</li>
 *   <li>maxIndexBytes: segment.index.bytes (log.index.size.max.bytes), default 10 MiB</li>
 *   <li>maxMessageBytes: max.message.bytes (message.max.bytes), default 1048588</li>
 *   <li>logAppendTime: message.timestamp.type = LogAppendTime (default CreateTime)</li>
 *   <li>timestampBeforeMaxMs: message.timestamp.before.max.ms, default Long.MAX_VALUE</li>
 *   <li>timestampAfterMaxMs: message.timestamp.after.max.ms, default 3600000 (Kafka 4.x)</li>
 * </ul>
 */
public final class LogConfig {

    private final int segmentBytes;
    private final long segmentMs;
    private final long retentionMs;
    private final long retentionBytes;
    private final long flushIntervalMessages;
    private final long flushIntervalMs;
    private final int indexIntervalBytes;
    private final int maxIndexBytes;
    private final int maxMessageBytes;
    private final boolean logAppendTime;
    private final long timestampBeforeMaxMs;
    private final long timestampAfterMaxMs;

    /** Kafka's defaults. */
    public static final LogConfig DEFAULTS = builder().build();

    private LogConfig(Builder b) {
        this.segmentBytes = b.segmentBytes;
        this.segmentMs = b.segmentMs;
        this.retentionMs = b.retentionMs;
        this.retentionBytes = b.retentionBytes;
        this.flushIntervalMessages = b.flushIntervalMessages;
        this.flushIntervalMs = b.flushIntervalMs;
        this.indexIntervalBytes = b.indexIntervalBytes;
        this.maxIndexBytes = b.maxIndexBytes;
        this.maxMessageBytes = b.maxMessageBytes;
        this.logAppendTime = b.logAppendTime;
        this.timestampBeforeMaxMs = b.timestampBeforeMaxMs;
        this.timestampAfterMaxMs = b.timestampAfterMaxMs;
    }

    /** A builder holding Kafka's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.segmentBytes = segmentBytes;
        b.segmentMs = segmentMs;
        b.retentionMs = retentionMs;
        b.retentionBytes = retentionBytes;
        b.flushIntervalMessages = flushIntervalMessages;
        b.flushIntervalMs = flushIntervalMs;
        b.indexIntervalBytes = indexIntervalBytes;
        b.maxIndexBytes = maxIndexBytes;
        b.maxMessageBytes = maxMessageBytes;
        b.logAppendTime = logAppendTime;
        b.timestampBeforeMaxMs = timestampBeforeMaxMs;
        b.timestampAfterMaxMs = timestampAfterMaxMs;
        return b;
    }

    /** Named setters over Kafka's defaults; not thread-safe (a local of one thread). */
    public static final class Builder {
        private int segmentBytes = 1024 * 1024 * 1024;
        private long segmentMs = 7L * 24 * 3600 * 1000;
        private long retentionMs = 7L * 24 * 3600 * 1000;
        private long retentionBytes = -1L;
        private long flushIntervalMessages = Long.MAX_VALUE;
        private long flushIntervalMs = Long.MAX_VALUE;
        private int indexIntervalBytes = 4096;
        private int maxIndexBytes = 10 * 1024 * 1024;
        private int maxMessageBytes = 1048588;
        private boolean logAppendTime;
        private long timestampBeforeMaxMs = Long.MAX_VALUE;
        private long timestampAfterMaxMs = 3600_000L;

        private Builder() {
        }

        public Builder segmentBytes(int v) { segmentBytes = v; return this; }

        public Builder segmentMs(long v) { segmentMs = v; return this; }

        public Builder retentionMs(long v) { retentionMs = v; return this; }

        public Builder retentionBytes(long v) { retentionBytes = v; return this; }

        public Builder flushIntervalMessages(long v) { flushIntervalMessages = v; return this; }

        public Builder flushIntervalMs(long v) { flushIntervalMs = v; return this; }

        public Builder indexIntervalBytes(int v) { indexIntervalBytes = v; return this; }

        public Builder maxIndexBytes(int v) { maxIndexBytes = v; return this; }

        public Builder maxMessageBytes(int v) { maxMessageBytes = v; return this; }

        public Builder logAppendTime(boolean v) { logAppendTime = v; return this; }

        public Builder timestampBeforeMaxMs(long v) { timestampBeforeMaxMs = v; return this; }

        public Builder timestampAfterMaxMs(long v) { timestampAfterMaxMs = v; return this; }

        public LogConfig build() { return new LogConfig(this); }
    }

    public int segmentBytes() { return segmentBytes; }

    public long segmentMs() { return segmentMs; }

    public long retentionMs() { return retentionMs; }

    public long retentionBytes() { return retentionBytes; }

    public long flushIntervalMessages() { return flushIntervalMessages; }

    public long flushIntervalMs() { return flushIntervalMs; }

    public int indexIntervalBytes() { return indexIntervalBytes; }

    public int maxIndexBytes() { return maxIndexBytes; }

    public int maxMessageBytes() { return maxMessageBytes; }

    public boolean logAppendTime() { return logAppendTime; }

    public long timestampBeforeMaxMs() { return timestampBeforeMaxMs; }

    public long timestampAfterMaxMs() { return timestampAfterMaxMs; }

    public LogConfig withSegmentBytes(int v) { return toBuilder().segmentBytes(v).build(); }

    public LogConfig withSegmentMs(long v) { return toBuilder().segmentMs(v).build(); }

    public LogConfig withRetention(long ms, long bytes) { return toBuilder().retentionMs(ms).retentionBytes(bytes).build(); }

    public LogConfig withFlushIntervalMessages(long v) { return toBuilder().flushIntervalMessages(v).build(); }

    public LogConfig withFlushIntervalMs(long v) { return toBuilder().flushIntervalMs(v).build(); }

    public LogConfig withIndexIntervalBytes(int v) { return toBuilder().indexIntervalBytes(v).build(); }

    public LogConfig withMaxIndexBytes(int v) { return toBuilder().maxIndexBytes(v).build(); }

    public LogConfig withMaxMessageBytes(int v) { return toBuilder().maxMessageBytes(v).build(); }

    public LogConfig withLogAppendTime(boolean v) { return toBuilder().logAppendTime(v).build(); }

    public LogConfig withTimestampBounds(long beforeMaxMs, long afterMaxMs) {
        return toBuilder().timestampBeforeMaxMs(beforeMaxMs).timestampAfterMaxMs(afterMaxMs).build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogConfig c && segmentBytes == c.segmentBytes && segmentMs == c.segmentMs
                && retentionMs == c.retentionMs && retentionBytes == c.retentionBytes
                && flushIntervalMessages == c.flushIntervalMessages && flushIntervalMs == c.flushIntervalMs
                && indexIntervalBytes == c.indexIntervalBytes && maxIndexBytes == c.maxIndexBytes
                && maxMessageBytes == c.maxMessageBytes && logAppendTime == c.logAppendTime
                && timestampBeforeMaxMs == c.timestampBeforeMaxMs && timestampAfterMaxMs == c.timestampAfterMaxMs;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(segmentBytes, segmentMs, retentionMs, retentionBytes, flushIntervalMessages,
                flushIntervalMs, indexIntervalBytes, maxIndexBytes, maxMessageBytes, logAppendTime,
                timestampBeforeMaxMs, timestampAfterMaxMs);
    }

    @Override
    public String toString() {
        return "LogConfig" + toTopicConfigs().entrySet().stream().limit(12).toList();
    }

    /** Kafka topic config names this class models. */
    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final String SEGMENT_MS = "segment.ms";
    public static final String RETENTION_MS = "retention.ms";
    public static final String RETENTION_BYTES = "retention.bytes";
    public static final String FLUSH_MESSAGES = "flush.messages";
    public static final String FLUSH_MS = "flush.ms";
    public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";
    public static final String SEGMENT_INDEX_BYTES = "segment.index.bytes";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
    public static final String MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "message.timestamp.before.max.ms";
    public static final String MESSAGE_TIMESTAMP_AFTER_MAX_MS = "message.timestamp.after.max.ms";

    /** Kafka 4's minimum segment.bytes (KIP-1030): tiny segments roll on every append. */
    public static final int MIN_SEGMENT_BYTES = 1024 * 1024;
    /**
     * Kafka's internal, undocumented override that lets tests use segments below {@link #MIN_SEGMENT_BYTES}
     * (it wins over segment.bytes); accepted by {@link #fromTopicConfigs}, never listed by DescribeConfigs.
     */
    public static final String INTERNAL_SEGMENT_BYTES = "internal.segment.bytes";
    /** The smallest segment a v2 batch header fits in, the floor of the internal override. */
    public static final int MIN_INTERNAL_SEGMENT_BYTES = 14;

    /** The names {@link #fromTopicConfigs} interprets. */
    public static final Set<String> MODELED_CONFIG_NAMES = Set.of(SEGMENT_BYTES, SEGMENT_MS, RETENTION_MS,
            RETENTION_BYTES, FLUSH_MESSAGES, FLUSH_MS, INDEX_INTERVAL_BYTES, SEGMENT_INDEX_BYTES, MAX_MESSAGE_BYTES,
            MESSAGE_TIMESTAMP_TYPE, MESSAGE_TIMESTAMP_BEFORE_MAX_MS, MESSAGE_TIMESTAMP_AFTER_MAX_MS);

    /**
     * Kafka's other topic configs with their defaults: accepted (so that tools that set them work) but
     * not acted upon by the log; rendered by {@link #toTopicConfigs()} for DescribeConfigs.
     */
    public static final Map<String, String> UNMODELED_DEFAULTS = unmodeledDefaults();

    /** Every topic config name accepted by {@link #fromTopicConfigs}. */
    public static final Set<String> TOPIC_CONFIG_NAMES = topicConfigNames();

    private static Map<String, String> unmodeledDefaults() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cleanup.policy", "delete");
        m.put("compression.type", "producer");
        m.put("compression.gzip.level", "-1");
        m.put("compression.lz4.level", "9");
        m.put("compression.zstd.level", "3");
        m.put("delete.retention.ms", "86400000");
        m.put("file.delete.delay.ms", "60000");
        m.put("follower.replication.throttled.replicas", "");
        m.put("leader.replication.throttled.replicas", "");
        m.put("local.retention.bytes", "-2");
        m.put("local.retention.ms", "-2");
        m.put("max.compaction.lag.ms", "9223372036854775807");
        m.put("min.cleanable.dirty.ratio", "0.5");
        m.put("min.compaction.lag.ms", "0");
        m.put("min.insync.replicas", "1");
        m.put("preallocate", "false");
        m.put("remote.storage.enable", "false");
        m.put("remote.log.copy.disable", "false");
        m.put("remote.log.delete.on.disable", "false");
        m.put("segment.jitter.ms", "0");
        m.put("unclean.leader.election.enable", "false");
        m.put("message.downconversion.enable", "true");
        m.put("message.format.version", "3.0-IV1");
        m.put("message.timestamp.difference.max.ms", "9223372036854775807");
        return java.util.Collections.unmodifiableMap(m);
    }

    private static Set<String> topicConfigNames() {
        java.util.TreeSet<String> names = new java.util.TreeSet<>(MODELED_CONFIG_NAMES);
        names.addAll(UNMODELED_DEFAULTS.keySet());
        return java.util.Collections.unmodifiableSet(names);
    }

    /**
     * Applies Kafka topic-config overrides (Kafka's names and validators) to {@code defaults}. Names Kafka
     * knows but the log does not act on (cleanup.policy, min.insync.replicas, compression.type, ...) are
     * accepted and ignored; unknown names and invalid values throw {@link ConfigException}.
     */
    public static LogConfig fromTopicConfigs(Map<String, String> overrides, LogConfig defaults) {
        LogConfig c = defaults;
        Integer internalSegmentBytes = null;
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            String name = e.getKey();
            String value = e.getValue() == null ? null : e.getValue().trim();
            if (name.equals(INTERNAL_SEGMENT_BYTES)) {
                if (value != null) {
                    internalSegmentBytes = parseInt(name, value, MIN_INTERNAL_SEGMENT_BYTES);
                }
                continue;
            }
            if (!TOPIC_CONFIG_NAMES.contains(name)) {
                throw new ConfigException("Unknown topic config name: " + name);
            }
            if (value == null) {
                continue; // null = use the default
            }
            switch (name) {
                case SEGMENT_BYTES -> c = c.withSegmentBytes(parseInt(name, value, MIN_SEGMENT_BYTES));
                case SEGMENT_MS -> c = c.withSegmentMs(parseLong(name, value, 1));
                case RETENTION_MS -> c = c.withRetention(parseLong(name, value, -1), c.retentionBytes());
                case RETENTION_BYTES -> c = c.withRetention(c.retentionMs(), parseLong(name, value, Long.MIN_VALUE));
                case FLUSH_MESSAGES -> c = c.withFlushIntervalMessages(parseLong(name, value, 1));
                case FLUSH_MS -> c = c.withFlushIntervalMs(parseLong(name, value, 0));
                case INDEX_INTERVAL_BYTES -> c = c.withIndexIntervalBytes(parseInt(name, value, 0));
                case SEGMENT_INDEX_BYTES -> c = c.withMaxIndexBytes(parseInt(name, value, 4));
                case MAX_MESSAGE_BYTES -> c = c.withMaxMessageBytes(parseInt(name, value, 0));
                case MESSAGE_TIMESTAMP_TYPE -> {
                    if (value.equals("CreateTime")) {
                        c = c.withLogAppendTime(false);
                    } else if (value.equals("LogAppendTime")) {
                        c = c.withLogAppendTime(true);
                    } else {
                        throw new ConfigException(name, value, "String must be one of: CreateTime, LogAppendTime");
                    }
                }
                case MESSAGE_TIMESTAMP_BEFORE_MAX_MS -> c = c.withTimestampBounds(parseLong(name, value, 0),
                        c.timestampAfterMaxMs());
                case MESSAGE_TIMESTAMP_AFTER_MAX_MS -> c = c.withTimestampBounds(c.timestampBeforeMaxMs(),
                        parseLong(name, value, 0));
                default -> {
                    // accepted, not acted upon
                }
            }
        }
        return internalSegmentBytes == null ? c : c.withSegmentBytes(internalSegmentBytes);
    }

    private static long parseLong(String name, String value, long min) {
        long v;
        try {
            v = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ConfigException(name, value, "Expected value to be a 64-bit integer (long)");
        }
        if (v < min) {
            throw new ConfigException(name, value, "Value must be at least " + min);
        }
        return v;
    }

    private static int parseInt(String name, String value, int min) {
        long v;
        try {
            v = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ConfigException(name, value, "Expected value to be a 32-bit integer");
        }
        if (v < min) {
            throw new ConfigException(name, value, "Value must be at least " + min);
        }
        return (int) v;
    }

    /**
     * The effective config under Kafka's names (the modelled settings, then Kafka's defaults for the
     * others), for DescribeConfigs.
     */
    public Map<String, String> toTopicConfigs() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(SEGMENT_BYTES, Integer.toString(segmentBytes));
        m.put(SEGMENT_MS, Long.toString(segmentMs));
        m.put(RETENTION_MS, Long.toString(retentionMs));
        m.put(RETENTION_BYTES, Long.toString(retentionBytes));
        m.put(FLUSH_MESSAGES, Long.toString(flushIntervalMessages));
        m.put(FLUSH_MS, Long.toString(flushIntervalMs));
        m.put(INDEX_INTERVAL_BYTES, Integer.toString(indexIntervalBytes));
        m.put(SEGMENT_INDEX_BYTES, Integer.toString(maxIndexBytes));
        m.put(MAX_MESSAGE_BYTES, Integer.toString(maxMessageBytes));
        m.put(MESSAGE_TIMESTAMP_TYPE, logAppendTime ? "LogAppendTime" : "CreateTime");
        m.put(MESSAGE_TIMESTAMP_BEFORE_MAX_MS, Long.toString(timestampBeforeMaxMs));
        m.put(MESSAGE_TIMESTAMP_AFTER_MAX_MS, Long.toString(timestampAfterMaxMs));
        m.putAll(UNMODELED_DEFAULTS);
        return m;
    }
}
