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
 *   <li>compact / delete: cleanup.policy (log.cleanup.policy), default delete; one of delete, compact or both
 *       (compact,delete): compact hands the log to the {@link LogCleaner}, delete keeps time/size retention</li>
 *   <li>deleteRetentionMs: delete.retention.ms (log.cleaner.delete.retention.ms), default 1 day: how long a
 *       tombstone outlives the cleaning that first kept it</li>
 *   <li>minCleanableDirtyRatio: min.cleanable.dirty.ratio (log.cleaner.min.cleanable.ratio), default 0.5</li>
 *   <li>minCompactionLagMs: min.compaction.lag.ms (log.cleaner.min.compaction.lag.ms), default 0</li>
 *   <li>maxCompactionLagMs: max.compaction.lag.ms (log.cleaner.max.compaction.lag.ms), default Long.MAX_VALUE</li>
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
    private final boolean compact;
    private final boolean delete;
    private final long deleteRetentionMs;
    private final double minCleanableDirtyRatio;
    private final long minCompactionLagMs;
    private final long maxCompactionLagMs;

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
        this.compact = b.compact;
        this.delete = b.delete;
        this.deleteRetentionMs = b.deleteRetentionMs;
        this.minCleanableDirtyRatio = b.minCleanableDirtyRatio;
        this.minCompactionLagMs = b.minCompactionLagMs;
        this.maxCompactionLagMs = b.maxCompactionLagMs;
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
        b.compact = compact;
        b.delete = delete;
        b.deleteRetentionMs = deleteRetentionMs;
        b.minCleanableDirtyRatio = minCleanableDirtyRatio;
        b.minCompactionLagMs = minCompactionLagMs;
        b.maxCompactionLagMs = maxCompactionLagMs;
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
        private boolean compact;
        private boolean delete = true;
        private long deleteRetentionMs = 86_400_000L;
        private double minCleanableDirtyRatio = 0.5;
        private long minCompactionLagMs;
        private long maxCompactionLagMs = Long.MAX_VALUE;

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

        /** cleanup.policy: {@code compact} and/or {@code delete}, at least one of them. */
        public Builder cleanupPolicy(boolean compact, boolean delete) {
            if (!compact && !delete) {
                throw new IllegalArgumentException("cleanup.policy needs compact, delete or both");
            }
            this.compact = compact;
            this.delete = delete;
            return this;
        }

        public Builder deleteRetentionMs(long v) { deleteRetentionMs = v; return this; }

        public Builder minCleanableDirtyRatio(double v) { minCleanableDirtyRatio = v; return this; }

        public Builder minCompactionLagMs(long v) { minCompactionLagMs = v; return this; }

        public Builder maxCompactionLagMs(long v) { maxCompactionLagMs = v; return this; }

        public LogConfig build() { return new LogConfig(this); }
    }

    public int segmentBytes() { return segmentBytes; }

    public long segmentMs() { return segmentMs; }

    /**
     * How old the active segment may grow before it rolls: segment.ms, or max.compaction.lag.ms when that is
     * shorter on a compacted log (Kafka's maxSegmentMs), since the cleaner never touches the active segment.
     */
    public long maxSegmentMs() {
        return compact && maxCompactionLagMs > 0 ? Math.min(segmentMs, maxCompactionLagMs) : segmentMs;
    }

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

    /** cleanup.policy holds compact: the log cleaner keeps the newest record of each key. */
    public boolean compact() { return compact; }

    /** cleanup.policy holds delete: retention.ms / retention.bytes delete old segments. */
    public boolean delete() { return delete; }

    /** cleanup.policy as Kafka renders it: {@code delete}, {@code compact} or {@code compact,delete}. */
    public String cleanupPolicy() { return compact && delete ? "compact,delete" : compact ? "compact" : "delete"; }

    public long deleteRetentionMs() { return deleteRetentionMs; }

    public double minCleanableDirtyRatio() { return minCleanableDirtyRatio; }

    public long minCompactionLagMs() { return minCompactionLagMs; }

    public long maxCompactionLagMs() { return maxCompactionLagMs; }

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
                && timestampBeforeMaxMs == c.timestampBeforeMaxMs && timestampAfterMaxMs == c.timestampAfterMaxMs
                && compact == c.compact && delete == c.delete && deleteRetentionMs == c.deleteRetentionMs
                && Double.compare(minCleanableDirtyRatio, c.minCleanableDirtyRatio) == 0
                && minCompactionLagMs == c.minCompactionLagMs && maxCompactionLagMs == c.maxCompactionLagMs;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(segmentBytes, segmentMs, retentionMs, retentionBytes, flushIntervalMessages,
                flushIntervalMs, indexIntervalBytes, maxIndexBytes, maxMessageBytes, logAppendTime,
                timestampBeforeMaxMs, timestampAfterMaxMs, compact, delete, deleteRetentionMs, minCleanableDirtyRatio,
                minCompactionLagMs, maxCompactionLagMs);
    }

    @Override
    public String toString() {
        return "LogConfig" + toTopicConfigs().entrySet().stream().limit(17).toList();
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
    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String DELETE_RETENTION_MS = "delete.retention.ms";
    public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";
    public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
    public static final String MAX_COMPACTION_LAG_MS = "max.compaction.lag.ms";

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
            MESSAGE_TIMESTAMP_TYPE, MESSAGE_TIMESTAMP_BEFORE_MAX_MS, MESSAGE_TIMESTAMP_AFTER_MAX_MS, CLEANUP_POLICY,
            DELETE_RETENTION_MS, MIN_CLEANABLE_DIRTY_RATIO, MIN_COMPACTION_LAG_MS, MAX_COMPACTION_LAG_MS);

    /**
     * Kafka's other topic configs with their defaults: accepted (so that tools that set them work) but
     * not acted upon by the log; rendered by {@link #toTopicConfigs()} for DescribeConfigs.
     */
    public static final Map<String, String> UNMODELED_DEFAULTS = unmodeledDefaults();

    /** Every topic config name accepted by {@link #fromTopicConfigs}. */
    public static final Set<String> TOPIC_CONFIG_NAMES = topicConfigNames();

    private static Map<String, String> unmodeledDefaults() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("compression.type", "producer");
        m.put("compression.gzip.level", "-1");
        m.put("compression.lz4.level", "9");
        m.put("compression.zstd.level", "3");
        m.put("file.delete.delay.ms", "60000");
        m.put("follower.replication.throttled.replicas", "");
        m.put("leader.replication.throttled.replicas", "");
        m.put("local.retention.bytes", "-2");
        m.put("local.retention.ms", "-2");
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
     * knows but the log does not act on (min.insync.replicas, compression.type, ...) are
     * accepted and ignored; unknown names and invalid values throw {@link ConfigException}.
     */
    public static LogConfig fromTopicConfigs(Map<String, String> overrides, LogConfig defaults) {
        return TopicConfigParser.apply(overrides, defaults);
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
        m.put(CLEANUP_POLICY, cleanupPolicy());
        m.put(DELETE_RETENTION_MS, Long.toString(deleteRetentionMs));
        m.put(MIN_CLEANABLE_DIRTY_RATIO, Double.toString(minCleanableDirtyRatio));
        m.put(MIN_COMPACTION_LAG_MS, Long.toString(minCompactionLagMs));
        m.put(MAX_COMPACTION_LAG_MS, Long.toString(maxCompactionLagMs));
        m.putAll(UNMODELED_DEFAULTS);
        return m;
    }
}
