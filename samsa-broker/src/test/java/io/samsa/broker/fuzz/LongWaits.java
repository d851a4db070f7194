package io.samsa.broker.fuzz;

import java.util.Random;

import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Requests that legitimately ask the broker to wait longer than the fuzz liveness bound (a long-poll fetch, a
 * join with a long rebalance timeout). The fuzzer gives them a short bound and, if unanswered, abandons them by
 * closing the socket: the broker must then free the connection at once (the health check at the end of the run
 * finds the open-connection gauge back at its baseline) and keep answering everyone else. {@link #stretch} makes
 * such requests from valid ones. Stateless.
 */
final class LongWaits {
    /** The fuzz broker's group.max.session.timeout.ms: a member that stops heartbeating is gone within this. */
    static final int SESSION_TIMEOUT_MAX_MS = 10_000;

    private LongWaits() {
    }

    /** What long wait this request asks for, or null if it asks for none beyond {@code boundMs}. */
    static String requested(ApiMessage body, int boundMs) {
        if (body instanceof FetchRequestData r && r.maxWaitMs() > boundMs) {
            return "a fetch waiting up to " + r.maxWaitMs() + " ms";
        }
        if (body instanceof JoinGroupRequestData r && r.rebalanceTimeoutMs() > boundMs) {
            return "a join with a rebalance timeout of " + r.rebalanceTimeoutMs() + " ms";
        }
        return null;
    }

    /**
     * Makes a valid Fetch or JoinGroup ask for a long wait (a fetch also for more bytes than are there, so that
     * it waits); returns what it did, or null for other requests (or a JoinGroup version without the field).
     */
    static String stretch(ApiMessage body, Random random) {
        int wait = new int[] {Integer.MAX_VALUE, 0x10000000, 120_000}[random.nextInt(3)];
        if (body instanceof FetchRequestData r) {
            r.setMaxWaitMs(wait).setMinBytes(Integer.MAX_VALUE);
            return "fetch maxWaitMs " + wait + ", minBytes " + Integer.MAX_VALUE;
        }
        if (body instanceof JoinGroupRequestData r) {
            r.setRebalanceTimeoutMs(wait);
            return "join rebalanceTimeoutMs " + wait;
        }
        return null;
    }
}
