package io.samsa.network.server;

/**
 * The listener's settings (Kafka key names in brackets).
 *
 * @param processors           network threads ({@code num.network.threads})
 * @param maxRequestBytes      largest request frame accepted ({@code socket.request.max.bytes})
 * @param maxIdleMs            a connection with no I/O for this long is closed, whatever its state; -1 never
 *                             ({@code connections.max.idle.ms})
 * @param maxConnections       open connections over all addresses ({@code max.connections})
 * @param maxConnectionsPerIp  open connections from one address ({@code max.connections.per.ip})
 * @param queuedMaxRequestBytes bytes of request frames held at once, ≤ 0 for no bound
 *                             ({@code queued.max.request.bytes}); see {@link RequestMemoryPool}
 */
public record NetworkConfig(String host, int port, int processors, int maxRequestBytes, long maxIdleMs,
                            int maxConnections, int maxConnectionsPerIp, long queuedMaxRequestBytes) {
}
