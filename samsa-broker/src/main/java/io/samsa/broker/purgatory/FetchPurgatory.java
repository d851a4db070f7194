package io.samsa.broker.purgatory;

import java.io.Closeable;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import io.samsa.broker.replica.PartitionKey;
import io.samsa.broker.replica.PartitionListener;
import io.samsa.log.FetchIsolation;

/**
 * Long-polling fetches waiting for data (Kafka's fetch "purgatory"). A waiter watches some partitions, each
 * for the advance that can give it more to read: a consumer's for the high watermark, a follower replica's for
 * the log end ({@link Watch}). Such an advance makes it re-read on this class's thread
 * ({@code samsa-fetch-purgatory}), and it answers as soon as the read has enough bytes, or with whatever there
 * is when its max wait expires — the re-reads, the expiry read and so the response encoding all run on that
 * thread. The advancing thread (a produce's request handler) only enqueues work, so a produce never pays for
 * the reads of the fetches it wakes.
 *
 * <p>A finished waiter leaves no trace: its timeout is removed from the timer queue at once (a cancelled
 * timeout would otherwise pin the request and response until the original max wait, up to 24 days), a
 * partition nobody waits on any more is dropped from the index, and a waiter whose client connection closed
 * ({@link #connectionClosed}) is dropped without reading or answering.
 */
public final class FetchPurgatory implements PartitionListener, Closeable {
    private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "samsa-fetch-purgatory");
        t.setDaemon(true);
        return t;
    });
    private final Map<Watch, Set<Waiter<?>>> byPartition = new ConcurrentHashMap<>();
    /** One request in flight per connection, so at most one waiter per connection. */
    private final Map<Long, Waiter<?>> byConnection = new ConcurrentHashMap<>();
    /**
     * Connections that closed while their request was in flight but before it became a waiter (it may still be
     * queued for a request handler thread), with when they closed: a fetch arriving for one is dropped at once
     * instead of living until its max wait. Entries are forgotten after {@link #ABANDONED_MEMORY_NANOS}.
     */
    private final Map<Long, Long> abandoned = new ConcurrentHashMap<>();
    private static final long ABANDONED_MEMORY_NANOS = TimeUnit.MINUTES.toNanos(5);

    /** A partition a waiter watches, and the advance that wakes it (see {@link FetchIsolation}). */
    public record Watch(PartitionKey partition, FetchIsolation isolation) {
    }

    public FetchPurgatory() {
        executor.setRemoveOnCancelPolicy(true);
    }

    /**
     * @param connectionId the client connection the fetch came on, to drop the waiter if it closes
     * @param enoughRead   reads and returns the response if it now has enough bytes, else null
     * @param finalRead    reads whatever there is, for when the wait expires
     */
    public <T> CompletableFuture<T> await(long connectionId, Collection<Watch> partitionKeys, long maxWaitMs,
                                          Supplier<T> enoughRead, Supplier<T> finalRead) {
        Waiter<T> waiter = new Waiter<>(connectionId, partitionKeys, enoughRead, finalRead);
        byConnection.put(connectionId, waiter);
        // Registered first, then checked (connectionClosed does the opposite), so one of the two sees the other.
        if (abandoned.remove(connectionId) != null) {
            waiter.finish();
            return waiter.future;
        }
        for (Watch key : partitionKeys) {
            byPartition.compute(key, (k, set) -> {
                Set<Waiter<?>> s = set != null ? set : ConcurrentHashMap.newKeySet();
                s.add(waiter);
                return s;
            });
        }
        waiter.timeout = executor.schedule(waiter::expire, maxWaitMs, TimeUnit.MILLISECONDS);
        if (waiter.done.get()) {
            waiter.unregister(); // answered or dropped while it was being registered
        }
        // An append may have landed between the caller's first read and the registration above.
        executor.execute(waiter::tryComplete);
        return waiter.future;
    }

    /** Wakes consumer fetches of the partition. Called on the advancing thread; only enqueues. */
    @Override
    public void onHighWatermarkAdvanced(PartitionKey partition) {
        wake(new Watch(partition, FetchIsolation.HIGH_WATERMARK));
    }

    /** Wakes follower fetches of the partition. Called on the appending thread; only enqueues. */
    @Override
    public void onLogEndAdvanced(PartitionKey partition) {
        wake(new Watch(partition, FetchIsolation.LOG_END));
    }

    private void wake(Watch watch) {
        Set<Waiter<?>> waiters = byPartition.get(watch);
        if (waiters == null || waiters.isEmpty()) {
            return;
        }
        for (Waiter<?> w : waiters) {
            executor.execute(w::tryComplete);
        }
    }

    /**
     * The client connection went away while a request was in flight: its waiter, if any, is dropped and never
     * answers; if the request has not become a waiter yet, it is dropped when it does.
     */
    public void connectionClosed(long connectionId) {
        long now = System.nanoTime();
        abandoned.values().removeIf(closedAt -> now - closedAt > ABANDONED_MEMORY_NANOS);
        abandoned.put(connectionId, now);
        Waiter<?> w = byConnection.get(connectionId);
        if (w != null) {
            abandoned.remove(connectionId);
            w.finish();
        }
    }

    /** Waiters not yet answered. */
    public int size() {
        return byConnection.size();
    }

    /** Partitions some waiter watches; a partition nobody waits on is not kept. */
    int watchedPartitions() {
        return byPartition.size();
    }

    /** Timeouts in the timer queue; a finished waiter's timeout is not kept. */
    int pendingTimeouts() {
        return executor.getQueue().size();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    private final class Waiter<T> {
        final long connectionId;
        final Collection<Watch> keys;
        final Supplier<T> enoughRead;
        final Supplier<T> finalRead;
        final CompletableFuture<T> future = new CompletableFuture<>();
        final AtomicBoolean done = new AtomicBoolean();
        volatile ScheduledFuture<?> timeout;

        Waiter(long connectionId, Collection<Watch> keys, Supplier<T> enoughRead, Supplier<T> finalRead) {
            this.connectionId = connectionId;
            this.keys = keys;
            this.enoughRead = enoughRead;
            this.finalRead = finalRead;
        }

        void tryComplete() {
            if (done.get()) {
                return;
            }
            try {
                T response = enoughRead.get();
                if (response != null && finish()) {
                    future.complete(response);
                }
            } catch (RuntimeException e) {
                if (finish()) {
                    future.completeExceptionally(e);
                }
            }
        }

        void expire() {
            if (finish()) {
                try {
                    future.complete(finalRead.get());
                } catch (RuntimeException e) {
                    future.completeExceptionally(e);
                }
            }
        }

        /** Takes the waiter out of every index and the timer queue; true for the one caller that did it. */
        boolean finish() {
            if (!done.compareAndSet(false, true)) {
                return false;
            }
            unregister();
            return true;
        }

        /** Idempotent; run again by {@link #await} if the waiter finished before it was fully registered. */
        void unregister() {
            byConnection.remove(connectionId, this);
            for (Watch key : keys) {
                byPartition.computeIfPresent(key, (k, set) -> {
                    set.remove(this);
                    return set.isEmpty() ? null : set;
                });
            }
            ScheduledFuture<?> t = timeout;
            if (t != null) {
                t.cancel(false);
            }
        }
    }
}
