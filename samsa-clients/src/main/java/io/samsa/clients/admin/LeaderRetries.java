package io.samsa.clients.admin;

import java.util.function.Supplier;

import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * A call to a partition's leader, tried again until a deadline while it fails retriably: the leader moved
 * (NOT_LEADER_OR_FOLLOWER), cannot be reached (NetworkException), has no leader yet. An unknown topic or partition is
 * retriable to Kafka's clients but final here: it does not exist. Caller's thread; it sleeps between attempts.
 */
final class LeaderRetries {
    private static final long RETRY_BACKOFF_MS = 100;

    private LeaderRetries() {
    }

    /** Runs {@code attempt} (which looks the leader up itself) until it answers, fails finally, or the deadline. */
    static <T> T untilDeadline(long deadlineMs, Supplier<T> attempt) {
        while (true) {
            RuntimeException retriable;
            try {
                return attempt.get();
            } catch (UnknownTopicOrPartitionException e) {
                throw e;
            } catch (RetriableException e) {
                retriable = e;
            }
            if (System.currentTimeMillis() + RETRY_BACKOFF_MS >= deadlineMs) {
                throw retriable;
            }
            try {
                Thread.sleep(RETRY_BACKOFF_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw retriable;
            }
        }
    }
}
