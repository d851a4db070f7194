package io.samsa.network.server;

import java.util.Locale;

import io.samsa.network.auth.SecurityProtocol;

/**
 * One listener the server binds: Kafka's {@code NAME://host:port} with the security protocol its name maps to in
 * {@code listener.security.protocol.map}. Port 0 binds an ephemeral port ({@link SocketServer#port(String)}).
 * Immutable.
 */
public record Endpoint(String listenerName, String host, int port, SecurityProtocol securityProtocol) {

    public Endpoint {
        listenerName = listenerName.toUpperCase(Locale.ROOT);
    }

    /** A listener named PLAINTEXT speaking plaintext, as a single {@code listeners=PLAINTEXT://host:port} gives. */
    public static Endpoint plaintext(String host, int port) {
        return new Endpoint(SecurityProtocol.PLAINTEXT.name(), host, port, SecurityProtocol.PLAINTEXT);
    }
}
