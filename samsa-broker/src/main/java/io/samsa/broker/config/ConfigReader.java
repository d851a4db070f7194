package io.samsa.broker.config;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.kafka.common.config.ConfigException;

/** Typed, range-checked reads from a string map, remembering which keys were consumed. */
final class ConfigReader {
    private final Map<String, String> props;
    private final Set<String> seen = new HashSet<>();
    private final Map<String, String> used = new TreeMap<>();

    ConfigReader(Map<String, String> props) {
        this.props = props;
    }

    /** Whether {@code key} is set to a non-blank value (without marking it read). */
    boolean has(String key) {
        String v = props.get(key);
        return v != null && !v.isBlank();
    }

    String string(String key, String defaultValue) {
        seen.add(key);
        String v = props.get(key);
        String value = v == null || v.isBlank() ? defaultValue : v.trim();
        if (value != null) {
            used.put(key, value);
        }
        return value;
    }

    int intValue(String key, int defaultValue, int min, int max) {
        return (int) longValue(key, defaultValue, min, max);
    }

    long longValue(String key, long defaultValue, long min, long max) {
        String raw = string(key, null);
        long value;
        if (raw == null) {
            value = defaultValue;
        } else {
            try {
                value = Long.parseLong(raw);
            } catch (NumberFormatException e) {
                throw new ConfigException(key, raw, "not a number");
            }
        }
        if (value < min || value > max) {
            throw new ConfigException(key, value, "must be between " + min + " and " + max);
        }
        used.put(key, Long.toString(value));
        return value;
    }

    boolean bool(String key, boolean defaultValue) {
        String raw = string(key, null);
        if (raw == null) {
            used.put(key, Boolean.toString(defaultValue));
            return defaultValue;
        }
        if (!raw.equalsIgnoreCase("true") && !raw.equalsIgnoreCase("false")) {
            throw new ConfigException(key, raw, "must be true or false");
        }
        return Boolean.parseBoolean(raw);
    }

    /**
     * A value that must not be shown (a password, a JAAS line): read and marked known, but kept out of
     * {@link #used()}, which is logged. Null when not set.
     */
    String secret(String key) {
        seen.add(key);
        String v = props.get(key);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** The keys set that start with {@code prefix}, sorted (not marked read). */
    Set<String> keysStartingWith(String prefix) {
        Set<String> keys = new TreeSet<>();
        props.keySet().stream().filter(k -> k.startsWith(prefix)).forEach(keys::add);
        return keys;
    }

    /** Marks a key as known (read through another key, or accepted without effect). */
    void alias(String key) {
        seen.add(key);
    }

    void accept(String key) {
        seen.add(key);
    }

    Set<String> unusedKeys() {
        Set<String> unused = new TreeSet<>(props.keySet());
        unused.removeAll(seen);
        return unused;
    }

    Map<String, String> used() {
        return used;
    }
}
