package io.samsa.network.server;

import java.util.List;

/**
 * The listeners and their connection settings (Kafka key names in brackets). Immutable.
 *
 * @param endpoints            the listeners to bind, one acceptor each ({@code listeners}); the first is the one
 *                             {@link SocketServer#port()} reports
 * @param processors           network threads, shared by all listeners ({@code num.network.threads})
 * @param maxRequestBytes      largest request frame accepted ({@code socket.request.max.bytes})
 * @param maxIdleMs            a connection with no I/O for this long is closed, whatever its state; -1 never
 *                             ({@code connections.max.idle.ms})
 * @param maxConnections       open connections over all addresses ({@code max.connections})
 * @param maxConnectionsPerIp  open connections from one address ({@code max.connections.per.ip})
 * @param queuedMaxRequestBytes bytes of request frames held at once, ≤ 0 for no bound
 *                             ({@code queued.max.request.bytes}); see {@link RequestMemoryPool}
 * @param setupTimeoutMs       a connection still in its TLS handshake or authentication this long after it was
 *                             accepted is closed (a plaintext client on a TLS listener, a half-finished handshake, a
 *                             stalled SASL exchange); -1 never. Kafka has no such key and relies on
 *                             {@code connections.max.idle.ms}, which a peer that trickles bytes never reaches
 */
public record NetworkConfig(List<Endpoint> endpoints, int processors, int maxRequestBytes, long maxIdleMs,
                            int maxConnections, int maxConnectionsPerIp, long queuedMaxRequestBytes,
                            long setupTimeoutMs) {
    /** The default of {@link #setupTimeoutMs}: long enough for a TLS handshake and SASL over a slow link. */
    public static final long DEFAULT_SETUP_TIMEOUT_MS = 10_000;

    /** With the default setup timeout. */
    public NetworkConfig(List<Endpoint> endpoints, int processors, int maxRequestBytes, long maxIdleMs,
                         int maxConnections, int maxConnectionsPerIp, long queuedMaxRequestBytes) {
        this(endpoints, processors, maxRequestBytes, maxIdleMs, maxConnections, maxConnectionsPerIp,
                queuedMaxRequestBytes, DEFAULT_SETUP_TIMEOUT_MS);
    }

    public NetworkConfig {
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one listener is needed");
        }
    }
}
