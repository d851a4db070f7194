package io.samsa.clients.consumer;

import java.time.Duration;
import java.util.function.Supplier;

import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;

import io.samsa.clients.consumer.io.Waiter;

/**
 * The consumer's one retry-until-deadline loop: an attempt that fails with a {@link RetriableException} is tried
 * again after {@code retry.backoff.ms} (the wait is interruptible by {@code wakeup}) until the deadline, then the
 * caller's {@link TimeoutException} is thrown. Used on the application thread (under {@link ConsumerGuard}).
 */
final class DeadlineRetry {
    /** Whether a TimeoutException from an attempt (a request that found no connection in time) is tried again. */
    enum OnTimeout { GIVE_UP, RETRY }

    private final Waiter waiter;
    private final long backoffMs;

    DeadlineRetry(Waiter waiter, long backoffMs) {
        this.waiter = waiter;
        this.backoffMs = backoffMs;
    }

    /** {@code now + timeout}, saturating; Kafka's IllegalArgumentException for a negative timeout. */
    static long deadline(long now, Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("Timeout must not be negative");
        }
        long ms = timeout.toMillis();
        return ms > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + ms;
    }

    <T> T until(long deadline, OnTimeout onTimeout, Supplier<T> attempt, Supplier<TimeoutException> timedOut) {
        while (true) {
            try {
                return attempt.get();
            } catch (RetriableException e) {
                boolean giveUp = onTimeout == OnTimeout.GIVE_UP && e instanceof TimeoutException;
                if (giveUp || System.currentTimeMillis() >= deadline) {
                    throw timedOut.get();
                }
                waiter.await(() -> false, Math.min(deadline, System.currentTimeMillis() + backoffMs));
            }
        }
    }
}
