package io.samsa.clients.consumer.io;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Where the application thread waits for the I/O thread. The I/O thread {@link #signal}s after it changed
 * something; {@link #wakeup} (any thread) makes the current or next wait throw {@link WakeupException}, and
 * {@link #authenticationFailed} (the I/O thread) makes it throw that AuthenticationException once, as Kafka's
 * consumer throws its metadata's fatal error from the next network poll.
 */
public final class Waiter {
    private boolean wakeupRequested;
    private AuthenticationException authenticationError;

    public synchronized void signal() {
        notifyAll();
    }

    public synchronized void wakeup() {
        wakeupRequested = true;
        notifyAll();
    }

    /** A connection failed to authenticate: the current or next wait throws {@code e}. */
    public synchronized void authenticationFailed(AuthenticationException e) {
        authenticationError = e;
        notifyAll();
    }

    /**
     * Throws WakeupException if {@link #wakeup} was called since the last wait that threw, or the authentication
     * failure reported since.
     */
    public synchronized void checkWakeup() {
        if (wakeupRequested) {
            wakeupRequested = false;
            throw new WakeupException();
        }
        if (authenticationError != null) {
            AuthenticationException e = authenticationError;
            authenticationError = null;
            throw e;
        }
    }

    /** Waits until {@code done} or {@code deadlineMs}; returns {@code done}'s last value. */
    public boolean await(BooleanSupplier done, long deadlineMs) {
        synchronized (this) {
            while (true) {
                checkWakeup();
                if (done.getAsBoolean()) {
                    return true;
                }
                long wait = deadlineMs - System.currentTimeMillis();
                if (wait <= 0) {
                    return false;
                }
                try {
                    wait(Math.min(wait, 100));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptException(e);
                }
            }
        }
    }

    /** The future's value, waiting until {@code deadlineMs}; Kafka's TimeoutException after that. */
    public <T> T get(CompletableFuture<T> future, long deadlineMs, String what) {
        if (!await(future::isDone, deadlineMs)) {
            throw new TimeoutException("Timeout expired while " + what);
        }
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new KafkaException(cause);
        }
    }
}
