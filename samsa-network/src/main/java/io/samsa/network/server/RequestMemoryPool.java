package io.samsa.network.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the bytes of request frames held at once over all connections ({@code queued.max.request.bytes}), so
 * that a few sockets announcing huge frames cannot exhaust the heap. It only counts: buffers are ordinary heap
 * buffers, reserved here before they are allocated and released when their request is done.
 *
 * <p>A reservation is refused while the pool is full; the connection then stops reading (is muted) until
 * memory comes back. One reservation larger than the whole pool is granted when nothing else is reserved, so a
 * request up to {@code socket.request.max.bytes} is never refused for good.
 *
 * <p>Thread-safe: every processor thread reserves and releases here.
 */
final class RequestMemoryPool {
    private final long capacity;
    private final AtomicLong reserved = new AtomicLong();

    /** @param capacity bytes; ≤ 0 for no bound */
    RequestMemoryPool(long capacity) {
        this.capacity = capacity <= 0 ? Long.MAX_VALUE : capacity;
    }

    boolean tryReserve(long bytes) {
        while (true) {
            long current = reserved.get();
            if (current > 0 && current + bytes > capacity) {
                return false;
            }
            if (reserved.compareAndSet(current, current + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        if (bytes > 0) {
            reserved.addAndGet(-bytes);
        }
    }

    long reserved() {
        return reserved.get();
    }
}
