package io.samsa.metadata;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active controller's view of broker liveness (Kafka's {@code BrokerHeartbeatManager}): when each broker last
 * heartbeated and which asked to shut down. In memory only, never in the log: a new active controller starts every
 * registered broker with a fresh session ({@link #resetAll}) rather than fencing them all at once, and does not
 * count its own stalls against them ({@link #checked}). A broker the
 * controller has never heard of since it became active gets its session on first sight. Guarded by the
 * controller's lock.
 */
final class BrokerSessions {
    private static final Logger log = LoggerFactory.getLogger(BrokerSessions.class);
    private final Map<Integer, Long> lastContactMs = new HashMap<>();
    private final Set<Integer> shuttingDown = new HashSet<>();
    private long lastCheckMs = -1;

    void touch(int brokerId, long nowMs) {
        lastContactMs.put(brokerId, nowMs);
    }

    /** A new registration: a fresh session, not shutting down. */
    void registered(int brokerId, long nowMs) {
        touch(brokerId, nowMs);
        shuttingDown.remove(brokerId);
    }

    /**
     * A new active controller: every broker starts a fresh session now, except those {@code knownContactMs} says
     * were last heard from earlier (the former controller's own broker): theirs count from then.
     */
    void resetAll(Collection<Integer> brokerIds, long nowMs, Map<Integer, Long> knownContactMs) {
        lastContactMs.clear();
        shuttingDown.clear();
        brokerIds.forEach(id -> lastContactMs.put(id, nowMs));
        knownContactMs.forEach((id, at) -> {
            if (lastContactMs.containsKey(id) && at < nowMs) {
                log.info("Broker {} (the former controller) was last heard from {} ms ago; its session counts "
                        + "from then", id, nowMs - at);
                lastContactMs.put(id, at);
            }
        });
        lastCheckMs = nowMs;
    }

    /**
     * The controller checks sessions at {@code nowMs}. If the previous check was more than half a session ago, the
     * controller itself was not running (frozen, a long GC pause): it heard nothing because it listened to nothing,
     * so that gap is added to every session. A merely busy controller (checks a few hundred ms late) still fences.
     */
    void checked(long nowMs, long sessionTimeoutMs) {
        long gap = lastCheckMs < 0 ? 0 : nowMs - lastCheckMs;
        lastCheckMs = nowMs;
        if (gap > sessionTimeoutMs / 2) {
            log.warn("Controller checks were {} ms apart; broker sessions are extended by that", gap);
            lastContactMs.replaceAll((id, last) -> last + gap);
        }
    }

    void markShuttingDown(int brokerId) {
        shuttingDown.add(brokerId);
    }

    boolean isShuttingDown(int brokerId) {
        return shuttingDown.contains(brokerId);
    }

    /** Which of {@code live} brokers have not heartbeated for longer than {@code timeoutMs}. */
    List<Integer> expired(Collection<Integer> live, long nowMs, long timeoutMs) {
        List<Integer> expired = new ArrayList<>();
        for (int id : live) {
            long last = lastContactMs.computeIfAbsent(id, k -> nowMs);
            if (nowMs - last > timeoutMs) {
                expired.add(id);
            }
        }
        return expired;
    }
}
