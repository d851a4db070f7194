package io.samsa.broker.config;

import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;

/**
 * {@code controller.quorum.voters}: {@code id@host:port,...} (Kafka's static quorum), the controllers' node ids
 * and the addresses of their controller listeners. Addresses are left unresolved (a peer's name may not resolve
 * yet when this node starts); the quorum resolves them when it connects.
 */
final class QuorumVoters {
    private QuorumVoters() {
    }

    static final String KEY = "controller.quorum.voters";

    /** The voters in configuration order; empty for an empty value. */
    static Map<Integer, InetSocketAddress> parse(String value) {
        Map<Integer, InetSocketAddress> voters = new LinkedHashMap<>();
        if (value == null) {
            return voters;
        }
        for (String entry : value.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String e = entry.trim();
            int at = e.indexOf('@');
            int colon = e.lastIndexOf(':');
            if (at <= 0 || colon < at + 2 || colon == e.length() - 1) {
                throw new ConfigException(KEY, value, "expected id@host:port, got '" + e + "'");
            }
            int id = number(value, e, e.substring(0, at), "node id");
            String host = e.substring(at + 1, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port = number(value, e, e.substring(colon + 1), "port");
            if (port < 1 || port > 65535) {
                throw new ConfigException(KEY, value, "port of '" + e + "' must be between 1 and 65535");
            }
            if (voters.put(id, InetSocketAddress.createUnresolved(host, port)) != null) {
                throw new ConfigException(KEY, value, "node id " + id + " appears more than once");
            }
        }
        return voters;
    }

    private static int number(String value, String entry, String text, String what) {
        try {
            int n = Integer.parseInt(text.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException ex) {
            throw new ConfigException(KEY, value, "the " + what + " of '" + entry + "' is not a non-negative number");
        }
    }

    static Map<Integer, InetSocketAddress> unmodifiable(Map<Integer, InetSocketAddress> voters) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(voters));
    }
}
