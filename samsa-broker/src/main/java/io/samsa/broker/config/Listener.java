package io.samsa.broker.config;

import java.util.Locale;

import org.apache.kafka.common.config.ConfigException;

/**
 * One entry of {@code listeners} or {@code advertised.listeners}: Kafka's {@code NAME://host:port}. The name is
 * upper-cased (Kafka's listener names are case-insensitive) and maps to a security protocol in
 * {@code listener.security.protocol.map}. An empty host binds every interface; port 0 binds an ephemeral port.
 */
public record Listener(String name, String host, int port) {

    /** A listener named PLAINTEXT, as {@code PLAINTEXT://host:port} gives. */
    public Listener(String host, int port) {
        this("PLAINTEXT", host, port);
    }

    /** Parses one entry; an entry without {@code NAME://} is a PLAINTEXT listener, as before named listeners. */
    static Listener parse(String key, String entry) {
        String v = entry.trim();
        String name = "PLAINTEXT";
        int scheme = v.indexOf("://");
        if (scheme >= 0) {
            name = v.substring(0, scheme).trim().toUpperCase(Locale.ROOT);
            if (name.isEmpty() || !name.matches("[A-Z0-9_\\-.]+")) {
                throw new ConfigException(key, entry, "a listener name is letters, digits, '_', '-' or '.'");
            }
            v = v.substring(scheme + 3);
        }
        int colon = v.lastIndexOf(':');
        if (colon < 0) {
            throw new ConfigException(key, entry, "expected NAME://host:port");
        }
        String host = v.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(v.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException(key, entry, "port is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException(key, entry, "port must be between 0 and 65535");
        }
        return new Listener(name, host.isEmpty() ? "0.0.0.0" : host, port);
    }

    @Override
    public String toString() {
        return name + "://" + host + ":" + port;
    }
}
