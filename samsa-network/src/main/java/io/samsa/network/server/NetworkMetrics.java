package io.samsa.network.server;

/** What the network layer reports to the metrics endpoint. Safe to call from any thread. */
public interface NetworkMetrics {
    /** Open client connections. */
    int connections();

    /** Network threads that ended unexpectedly and were replaced since start. */
    long networkThreadRestarts();

    /** SASL sessions renewed on their connection (KIP-368 re-authentication) since start. */
    long reauthentications();

    /** Connections closed since start because their SASL session outlived {@code connections.max.reauth.ms}. */
    long expiredSessionsClosed();

    /** Bytes of request frames currently reserved from the {@code queued.max.request.bytes} pool. */
    long queuedRequestBytes();
}
