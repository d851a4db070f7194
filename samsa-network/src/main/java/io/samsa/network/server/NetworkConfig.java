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
 */
public record NetworkConfig(List<Endpoint> endpoints, int processors, int maxRequestBytes, long maxIdleMs,
                            int maxConnections, int maxConnectionsPerIp, long queuedMaxRequestBytes) {

    public NetworkConfig {
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one listener is needed");
        }
    }
}
