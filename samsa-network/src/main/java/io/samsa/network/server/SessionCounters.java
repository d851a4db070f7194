package io.samsa.network.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * KIP-368 counts across a server's network threads: SASL sessions renewed on their connection, and connections
 * closed because their session outlived {@code connections.max.reauth.ms} (Kafka's
 * expired-connections-killed-count). Thread-safe.
 */
final class SessionCounters {
    final AtomicLong reauthentications = new AtomicLong();
    final AtomicLong expiredClosed = new AtomicLong();
}
