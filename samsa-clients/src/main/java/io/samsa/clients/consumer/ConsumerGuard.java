package io.samsa.clients.consumer;

import java.util.ConcurrentModificationException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * KafkaConsumer's single-thread rule in one place: the first thread into a public method owns the consumer
 * until it leaves (re-entry by the same thread is counted); another thread meanwhile gets
 * {@link ConcurrentModificationException}, and any method after {@code close} gets
 * {@link IllegalStateException}. Thread-safe (that is its job); {@code wakeup} does not go through it.
 */
final class ConsumerGuard {
    private static final long NO_OWNER = -1L;

    private final AtomicLong owner = new AtomicLong(NO_OWNER);
    /** Only the owning thread touches it. */
    private int depth;
    private volatile boolean closed;

    /** Runs {@code body} as the owning thread of an open consumer. */
    <T> T call(Supplier<T> body) {
        acquireOpen();
        try {
            return body.get();
        } finally {
            release();
        }
    }

    void run(Runnable body) {
        acquireOpen();
        try {
            body.run();
        } finally {
            release();
        }
    }

    /** Runs {@code body} as the owning thread, open or closed (close itself). */
    void runEvenIfClosed(Runnable body) {
        acquire();
        try {
            body.run();
        } finally {
            release();
        }
    }

    boolean isClosed() {
        return closed;
    }

    void markClosed() {
        closed = true;
    }

    private void acquire() {
        long me = Thread.currentThread().getId();
        if (owner.get() != me && !owner.compareAndSet(NO_OWNER, me)) {
            throw new ConcurrentModificationException("KafkaConsumer is not safe for multi-threaded access");
        }
        depth++;
    }

    private void release() {
        if (--depth == 0) {
            owner.set(NO_OWNER);
        }
    }

    private void acquireOpen() {
        acquire();
        if (closed) {
            release();
            throw new IllegalStateException("This consumer has already been closed.");
        }
    }
}
