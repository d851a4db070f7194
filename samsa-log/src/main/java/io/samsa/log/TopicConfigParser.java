package io.samsa.log;

import static io.samsa.log.LogConfig.CLEANUP_POLICY;
import static io.samsa.log.LogConfig.DELETE_RETENTION_MS;
import static io.samsa.log.LogConfig.FLUSH_MESSAGES;
import static io.samsa.log.LogConfig.FLUSH_MS;
import static io.samsa.log.LogConfig.INDEX_INTERVAL_BYTES;
import static io.samsa.log.LogConfig.INTERNAL_SEGMENT_BYTES;
import static io.samsa.log.LogConfig.MAX_COMPACTION_LAG_MS;
import static io.samsa.log.LogConfig.MAX_MESSAGE_BYTES;
import static io.samsa.log.LogConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS;
import static io.samsa.log.LogConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS;
import static io.samsa.log.LogConfig.MESSAGE_TIMESTAMP_TYPE;
import static io.samsa.log.LogConfig.MIN_CLEANABLE_DIRTY_RATIO;
import static io.samsa.log.LogConfig.MIN_COMPACTION_LAG_MS;
import static io.samsa.log.LogConfig.MIN_INTERNAL_SEGMENT_BYTES;
import static io.samsa.log.LogConfig.MIN_SEGMENT_BYTES;
import static io.samsa.log.LogConfig.RETENTION_BYTES;
import static io.samsa.log.LogConfig.RETENTION_MS;
import static io.samsa.log.LogConfig.SEGMENT_BYTES;
import static io.samsa.log.LogConfig.SEGMENT_INDEX_BYTES;
import static io.samsa.log.LogConfig.SEGMENT_MS;
import static io.samsa.log.LogConfig.TOPIC_CONFIG_NAMES;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * Kafka's topic-config names, types and validators applied to a {@link LogConfig} (what
 * {@link LogConfig#fromTopicConfigs} does). Stateless; any thread.
 */
final class TopicConfigParser {

    private TopicConfigParser() {
    }

    /**
     * Applies Kafka topic-config overrides (Kafka's names and validators) to {@code defaults}. Names Kafka
     * knows but the log does not act on (min.insync.replicas, compression.type, ...) are
     * accepted and ignored; unknown names and invalid values throw {@link ConfigException}.
     */
    static LogConfig apply(Map<String, String> overrides, LogConfig defaults) {
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
                case CLEANUP_POLICY -> c = parseCleanupPolicy(c, value);
                case DELETE_RETENTION_MS -> c = c.toBuilder().deleteRetentionMs(parseLong(name, value, 0)).build();
                case MIN_CLEANABLE_DIRTY_RATIO -> c = c.toBuilder().minCleanableDirtyRatio(parseRatio(name, value))
                        .build();
                case MIN_COMPACTION_LAG_MS -> c = c.toBuilder().minCompactionLagMs(parseLong(name, value, 0)).build();
                case MAX_COMPACTION_LAG_MS -> c = c.toBuilder().maxCompactionLagMs(parseLong(name, value, 1)).build();
                default -> {
                    // accepted, not acted upon
                }
            }
        }
        if (c.minCompactionLagMs() > c.maxCompactionLagMs()) {
            // Kafka's LogConfig.validateValues: the one cross-key check among these settings.
            throw new ConfigException("conflict topic config setting " + MIN_COMPACTION_LAG_MS + " ("
                    + c.minCompactionLagMs() + ") > " + MAX_COMPACTION_LAG_MS + " (" + c.maxCompactionLagMs() + ")");
        }
        return internalSegmentBytes == null ? c : c.withSegmentBytes(internalSegmentBytes);
    }

    /** Kafka's ValidList of {compact, delete}: a comma-separated, non-empty list of those two. */
    private static LogConfig parseCleanupPolicy(LogConfig c, String value) {
        boolean compact = false;
        boolean delete = false;
        for (String part : value.split(",")) {
            switch (part.trim()) {
                case "compact" -> compact = true;
                case "delete" -> delete = true;
                default -> throw new ConfigException(CLEANUP_POLICY, value, "String must be one of: compact, delete");
            }
        }
        if (!compact && !delete) {
            throw new ConfigException(CLEANUP_POLICY, value, "String must be one of: compact, delete");
        }
        return c.toBuilder().cleanupPolicy(compact, delete).build();
    }

    private static double parseRatio(String name, String value) {
        double v;
        try {
            v = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new ConfigException(name, value, "Expected value to be a double");
        }
        if (!(v >= 0)) {
            throw new ConfigException(name, value, "Value must be at least 0");
        }
        if (v > 1) {
            throw new ConfigException(name, value, "Value must be no more than 1");
        }
        return v;
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
}
