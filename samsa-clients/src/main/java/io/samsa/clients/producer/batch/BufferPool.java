package io.samsa.clients.producer.batch;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.common.errors.InterruptException;

/**
 * {@code buffer.memory} bytes handed out as batch buffers. Buffers of exactly {@code batch.size} are kept for
 * reuse (no zeroing, no garbage); other sizes are allocated and dropped but still counted. A caller that finds
 * the pool empty waits at most its remaining {@code max.block.ms}, then gets {@link BufferExhaustedException}
 * (a {@code TimeoutException}).
 */
public final class BufferPool {
    private final long totalMemory;
    private final int poolableSize;
    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition moreMemory = lock.newCondition();
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private long nonPooledAvailable;
    private int waiters;
    private long waitTimeNanosTotal;
    private boolean closed;

    public BufferPool(long totalMemory, int poolableSize) {
        this.totalMemory = totalMemory;
        this.poolableSize = poolableSize;
        this.nonPooledAvailable = totalMemory;
    }

    /** A cleared buffer of at least {@code size} bytes; blocks up to {@code maxBlockMs} for memory. */
    public ByteBuffer allocate(int size, long maxBlockMs) {
        if (size > totalMemory) {
            throw new IllegalArgumentException("Attempt to allocate " + size + " bytes, but there is a hard limit of "
                    + totalMemory + " on memory allocations.");
        }
        lock.lock();
        try {
            if (size == poolableSize && !free.isEmpty()) {
                return free.pollFirst().clear();
            }
            long remainingNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, maxBlockMs));
            long started = System.nanoTime();
            waiters++;
            try {
                while (!closed && availableLocked() < size) {
                    if (size == poolableSize && !free.isEmpty()) {
                        return free.pollFirst().clear();
                    }
                    if (remainingNanos <= 0) {
                        throw new BufferExhaustedException("Failed to allocate " + size + " bytes within the configured"
                                + " max blocking time " + maxBlockMs + " ms. Total memory: " + totalMemory
                                + " bytes. Available memory: " + availableLocked() + " bytes. Poolable size: "
                                + poolableSize + " bytes");
                    }
                    remainingNanos = moreMemory.awaitNanos(remainingNanos);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptException(e);
            } finally {
                waiters--;
                waitTimeNanosTotal += System.nanoTime() - started;
            }
            if (closed) {
                throw new IllegalStateException("Producer closed while allocating memory");
            }
            if (size == poolableSize && !free.isEmpty()) {
                return free.pollFirst().clear();
            }
            while (nonPooledAvailable < size) {
                free.pollLast();
                nonPooledAvailable += poolableSize;
            }
            nonPooledAvailable -= size;
            if (waiters > 0 && availableLocked() > 0) {
                moreMemory.signal();
            }
        } finally {
            lock.unlock();
        }
        return ByteBuffer.allocate(size);
    }

    /** Gives a buffer back (its capacity is what was taken). */
    public void release(ByteBuffer buffer) {
        lock.lock();
        try {
            if (buffer.capacity() == poolableSize) {
                free.addLast(buffer);
            } else {
                nonPooledAvailable += buffer.capacity();
            }
            moreMemory.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes and fails every waiter: used by close. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            moreMemory.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public long availableMemory() {
        lock.lock();
        try {
            return availableLocked();
        } finally {
            lock.unlock();
        }
    }

    public long totalMemory() {
        return totalMemory;
    }

    /** Some caller is blocked waiting for memory: the sender should send what it has without lingering. */
    public boolean hasWaiters() {
        lock.lock();
        try {
            return waiters > 0;
        } finally {
            lock.unlock();
        }
    }

    public long waitTimeNanosTotal() {
        lock.lock();
        try {
            return waitTimeNanosTotal;
        } finally {
            lock.unlock();
        }
    }

    private long availableLocked() {
        return nonPooledAvailable + (long) free.size() * poolableSize;
    }
}
