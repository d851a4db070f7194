package io.samsa.broker.handler;

import java.io.Closeable;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Long-polling fetches waiting for data (Kafka's fetch "purgatory"). A waiter watches some partitions;
 * an append to one of them makes it re-read on this class's thread, and it answers as soon as the read
 * has enough bytes, or with whatever there is when its max wait expires. Appenders only enqueue work,
 * so a produce never pays for the reads of the fetches it wakes.
 */
public final class FetchWaiters implements Closeable {
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "samsa-fetch-waiters");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Set<Waiter<?>>> byPartition = new ConcurrentHashMap<>();

    /**
     * @param enoughRead reads and returns the response if it now has enough bytes, else null
     * @param finalRead  reads whatever there is, for when the wait expires
     */
    public <T> CompletableFuture<T> await(Collection<String> partitionKeys, long maxWaitMs,
                                          Supplier<T> enoughRead, Supplier<T> finalRead) {
        Waiter<T> waiter = new Waiter<>(partitionKeys, enoughRead, finalRead);
        for (String key : partitionKeys) {
            byPartition.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(waiter);
        }
        waiter.timeout = executor.schedule(waiter::expire, maxWaitMs, TimeUnit.MILLISECONDS);
        // An append may have landed between the caller's first read and the registration above.
        executor.execute(waiter::tryComplete);
        return waiter.future;
    }

    public static String key(String topic, int partition) {
        return topic + "-" + partition;
    }

    /** Called after every successful append. */
    public void onAppend(String topic, int partition) {
        Set<Waiter<?>> waiters = byPartition.get(key(topic, partition));
        if (waiters == null || waiters.isEmpty()) {
            return;
        }
        for (Waiter<?> w : waiters) {
            executor.execute(w::tryComplete);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    private final class Waiter<T> {
        final Collection<String> keys;
        final Supplier<T> enoughRead;
        final Supplier<T> finalRead;
        final CompletableFuture<T> future = new CompletableFuture<>();
        final AtomicBoolean done = new AtomicBoolean();
        volatile ScheduledFuture<?> timeout;

        Waiter(Collection<String> keys, Supplier<T> enoughRead, Supplier<T> finalRead) {
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

        private boolean finish() {
            if (!done.compareAndSet(false, true)) {
                return false;
            }
            for (String key : keys) {
                Set<Waiter<?>> set = byPartition.get(key);
                if (set != null) {
                    set.remove(this);
                }
            }
            ScheduledFuture<?> t = timeout;
            if (t != null) {
                t.cancel(false);
            }
            return true;
        }
    }
}
