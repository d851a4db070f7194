package io.samsa.broker.topic;

import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidConfigurationException;

import io.samsa.log.LogConfig;
import io.samsa.metadata.TopicConfigValidator;

/**
 * Kafka's checks of topic config overrides, as the controller runs them before a create or an alter: the names
 * and values LogConfig parses, plus Kafka's validators of the topic configs the log does not act on yet
 * (min.insync.replicas, compression.type and levels, cleanup.policy, booleans, the ratio), so that a bad value is
 * refused with INVALID_CONFIG instead of being stored. Also the defaults an APPEND or SUBTRACT starts from.
 */
public final class TopicConfigRules implements TopicConfigValidator {
    static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    private static final Set<String> COMPRESSION_TYPES = Set.of("uncompressed", "zstd", "lz4", "snappy", "gzip",
            "producer");
    private static final Set<String> CLEANUP_POLICIES = Set.of("compact", "delete");
    private static final Set<String> BOOLEANS = Set.of("preallocate", "unclean.leader.election.enable",
            "remote.storage.enable", "remote.log.copy.disable", "remote.log.delete.on.disable",
            "message.downconversion.enable");
    private static final Set<String> NON_NEGATIVE_LONGS = Set.of("delete.retention.ms", "min.compaction.lag.ms",
            "file.delete.delay.ms", "segment.jitter.ms");

    /** Kafka's codec level ranges: min, max, and one more accepted value (gzip's -1, its default). */
    private static final Map<String, int[]> LEVELS = Map.of("compression.gzip.level", new int[] {1, 9, -1},
            "compression.lz4.level", new int[] {1, 17, 1}, "compression.zstd.level", new int[] {-131072, 22, -131072});

    private final LogConfig brokerDefaults;

    public TopicConfigRules(LogConfig brokerDefaults) {
        this.brokerDefaults = brokerDefaults;
    }

    @Override
    public void validate(Map<String, String> configs) {
        configs.forEach((name, raw) -> {
            if (raw != null) {
                check(name, raw.trim());
            }
        });
        LogConfig.fromTopicConfigs(configs, brokerDefaults);
    }

    @Override
    public String defaultValue(String name) {
        return brokerDefaults.toTopicConfigs().get(name);
    }

    private static void check(String name, String value) {
        if (name.equals(MIN_INSYNC_REPLICAS)) {
            parseMinInsyncReplicas(value);
        } else if (name.equals("compression.type") && !COMPRESSION_TYPES.contains(value)) {
            throw new ConfigException(name, value, "String must be one of: uncompressed, zstd, lz4, snappy, gzip, "
                    + "producer");
        } else if (name.equals("cleanup.policy")) {
            for (String policy : value.split(",")) {
                if (!policy.isBlank() && !CLEANUP_POLICIES.contains(policy.trim())) {
                    throw new ConfigException(name, value, "[" + value + "] is not a valid value; valid values "
                            + "are [compact, delete]");
                }
            }
        } else if (BOOLEANS.contains(name) && !value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new ConfigException(name, value, "Expected value to be either true or false");
        } else if (NON_NEGATIVE_LONGS.contains(name) || name.equals("max.compaction.lag.ms")) {
            long min = name.equals("max.compaction.lag.ms") ? 1 : 0;
            try {
                if (Long.parseLong(value) >= min) {
                    return;
                }
            } catch (NumberFormatException e) {
                throw new ConfigException(name, value, "Expected value to be a 64-bit integer (long)");
            }
            throw new ConfigException(name, value, "Value must be at least " + min);
        } else if (LEVELS.containsKey(name)) {
            int[] range = LEVELS.get(name);
            try {
                int level = Integer.parseInt(value);
                if (level == range[2] || (level >= range[0] && level <= range[1])) {
                    return;
                }
            } catch (NumberFormatException e) {
                throw new ConfigException(name, value, "Expected value to be a 32-bit integer");
            }
            throw new ConfigException(name, value, "Value must be between " + range[0] + " and " + range[1]
                    + (range[2] == range[0] ? "" : " or " + range[2]));
        } else if (name.equals("min.cleanable.dirty.ratio")) {
            double ratio;
            try {
                ratio = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new ConfigException(name, value, "Expected value to be a double");
            }
            if (!(ratio >= 0 && ratio <= 1)) {
                throw new ConfigException(name, value, "Value must be between 0 and 1");
            }
        }
    }

    /** Kafka's validator for min.insync.replicas: an int, at least 1. */
    static int parseMinInsyncReplicas(String value) {
        try {
            int v = Integer.parseInt(value.trim());
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidConfigurationException("Invalid value " + value + " for configuration "
                + MIN_INSYNC_REPLICAS + ": Value must be at least 1");
    }
}
