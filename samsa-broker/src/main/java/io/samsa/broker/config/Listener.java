package io.samsa.broker.config;

import org.apache.kafka.common.config.ConfigException;

/** One {@code PLAINTEXT://host:port} listener. Port 0 binds an ephemeral port. */
public record Listener(String host, int port) {

    static Listener parse(String key, String value) {
        if (value.contains(",")) {
            throw new ConfigException(key, value, "Samsa serves one listener; give one PLAINTEXT://host:port");
        }
        String v = value.trim();
        int scheme = v.indexOf("://");
        if (scheme >= 0) {
            String protocol = v.substring(0, scheme);
            if (!protocol.equalsIgnoreCase("PLAINTEXT")) {
                throw new ConfigException(key, value, "only PLAINTEXT listeners are supported, not " + protocol);
            }
            v = v.substring(scheme + 3);
        }
        int colon = v.lastIndexOf(':');
        if (colon < 0) {
            throw new ConfigException(key, value, "expected PLAINTEXT://host:port");
        }
        String host = v.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(v.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException(key, value, "port is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException(key, value, "port must be between 0 and 65535");
        }
        return new Listener(host.isEmpty() ? "0.0.0.0" : host, port);
    }
}
