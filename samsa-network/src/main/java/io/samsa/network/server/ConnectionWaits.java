package io.samsa.network.server;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A network thread's connections that wait for time rather than for bytes, earliest first: muted ones until their
 * throttle ends (THROTTLED), and ones whose failed login is answered only after
 * {@code connection.failed.authentication.delay.ms} (AUTHENTICATING). The processor selects no longer than until
 * the first is due. Only the owning processor thread touches it.
 */
final class ConnectionWaits {
    private record Wait(Connection connection, long dueMs) {
    }

    private final PriorityQueue<Wait> waits = new PriorityQueue<>((a, b) -> Long.compare(a.dueMs, b.dueMs));

    void add(Connection c, long dueMs) {
        waits.add(new Wait(c, dueMs));
    }

    /** Forgets a closed connection. */
    void remove(Connection c) {
        waits.removeIf(w -> w.connection == c);
    }

    /** How long the thread may block before the first wait is due ({@code maxMs} when none is). */
    long timeoutMs(long maxMs, long nowMs) {
        Wait first = waits.peek();
        return first == null ? maxMs : Math.max(1, Math.min(maxMs, first.dueMs - nowMs));
    }

    /** The connections whose time has come, removed from the queue. */
    List<Connection> due(long nowMs) {
        List<Connection> due = List.of();
        while (!waits.isEmpty() && waits.peek().dueMs <= nowMs) {
            if (due.isEmpty()) {
                due = new ArrayList<>();
            }
            due.add(waits.poll().connection);
        }
        return due;
    }
}
