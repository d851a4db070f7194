package io.samsa.network.client;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long a client waits before connecting to a broker again, as Kafka's clients do: {@code reconnect.backoff.ms}
 * after the first failure, doubling with each failure in a row up to {@code reconnect.backoff.max.ms}, with ±20 %
 * jitter so that many clients do not retry in step; a connection that becomes ready starts over. A broker that keeps
 * refusing (down, or a wrong password) is then tried about once a second, not twenty times.
 *
 * <p>Only the client's I/O thread touches it.
 */
final class ReconnectBackoff {
    /** Kafka's {@code reconnect.backoff.max.ms} default. */
    static final long DEFAULT_MAX_MS = 1000;
    private static final double JITTER = 0.2;

    private record Failures(int inARow, long lastMs, long waitMs) {
    }

    private final long baseMs;
    private final long maxMs;
    private final Map<Integer, Failures> failures = new HashMap<>();

    ReconnectBackoff(long baseMs, long maxMs) {
        this.baseMs = Math.max(0, baseMs);
        this.maxMs = Math.max(this.baseMs, maxMs);
    }

    /** Whether a connection to the node may be attempted now. */
    boolean mayConnect(int nodeId, long nowMs) {
        Failures f = failures.get(nodeId);
        return f == null || nowMs - f.lastMs >= f.waitMs;
    }

    /** A connection failed or was closed: the next attempt waits longer than the last. */
    void failed(int nodeId, long nowMs) {
        Failures previous = failures.get(nodeId);
        int inARow = previous == null ? 1 : previous.inARow + 1;
        double exponential = baseMs * Math.pow(2, Math.min(inARow - 1, 30));
        double jitter = 1 + JITTER * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        long waitMs = (long) (Math.min(exponential, maxMs) * jitter);
        failures.put(nodeId, new Failures(inARow, nowMs, waitMs));
    }

    /** A connection became ready: the next failure waits {@code reconnect.backoff.ms} again. */
    void succeeded(int nodeId) {
        failures.remove(nodeId);
    }
}
