package io.samsa.broker.topic;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.errors.TimeoutException;

/**
 * Lets a caller wait until this broker has applied the metadata up to an offset: a write answered by the active
 * controller (possibly another node) is committed at that offset, and the broker answers its client only once its
 * own view includes it, so a CreateTopics followed by Metadata on the same broker sees the topic.
 * {@link #applied} is called by the publisher that owns the view, after it published that offset. Waiters
 * complete on the common pool, never on the apply thread: their continuations may write metadata again, which
 * must not run inside an apply. A wait that outlasts {@code timeoutMs} (this node cut off from the quorum) fails
 * with REQUEST_TIMED_OUT. Thread-safe.
 */
final class AppliedOffsetWaiter {
    private final long timeoutMs;
    private final SortedMap<Long, List<CompletableFuture<Void>>> waiting = new TreeMap<>(); // guarded by this
    private long applied; // guarded by this

    AppliedOffsetWaiter(long appliedOffset, long timeoutMs) {
        this.applied = appliedOffset;
        this.timeoutMs = timeoutMs;
    }

    synchronized CompletionStage<Void> await(long offset) {
        if (offset <= applied) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> waiter = new CompletableFuture<>();
        waiting.computeIfAbsent(offset, o -> new ArrayList<>()).add(waiter);
        return waiter.orTimeout(timeoutMs, TimeUnit.MILLISECONDS).exceptionally(error -> {
            forget(offset, waiter);
            throw new TimeoutException("This broker has not applied metadata offset " + offset + " within "
                    + timeoutMs + " ms");
        });
    }

    void applied(long offset) {
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        synchronized (this) {
            applied = Math.max(applied, offset);
            SortedMap<Long, List<CompletableFuture<Void>>> due = waiting.headMap(offset + 1);
            for (Map.Entry<Long, List<CompletableFuture<Void>>> e : due.entrySet()) {
                ready.addAll(e.getValue());
            }
            due.clear();
        }
        ready.forEach(w -> w.completeAsync(() -> null));
    }

    private synchronized void forget(long offset, CompletableFuture<Void> waiter) {
        List<CompletableFuture<Void>> list = waiting.get(offset);
        if (list != null && list.remove(waiter) && list.isEmpty()) {
            waiting.remove(offset);
        }
    }
}
