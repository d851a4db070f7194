package io.samsa.metadata.quorum;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The Raft index this node's state machine has applied (batches, rejected batches, the quorum's own entries,
 * an installed snapshot), and futures waiting for it: an append completes only once its entry was applied here.
 * Advanced by the Ratis state-machine updater thread; completed futures run their dependents outside the lock.
 */
final class AppliedIndex {
    private final TreeMap<Long, List<CompletableFuture<Long>>> waiting = new TreeMap<>();
    private long applied = -1;

    CompletableFuture<Long> await(long index) {
        synchronized (this) {
            if (applied < index) {
                CompletableFuture<Long> future = new CompletableFuture<>();
                waiting.computeIfAbsent(index, i -> new ArrayList<>(1)).add(future);
                return future;
            }
        }
        return CompletableFuture.completedFuture(index);
    }

    void advance(long index) {
        List<Map.Entry<Long, List<CompletableFuture<Long>>>> ready = new ArrayList<>();
        synchronized (this) {
            applied = Math.max(applied, index);
            Map<Long, List<CompletableFuture<Long>>> reached = waiting.headMap(applied, true);
            reached.forEach((i, futures) -> ready.add(Map.entry(i, futures)));
            reached.clear();
        }
        ready.forEach(e -> e.getValue().forEach(f -> f.complete(e.getKey())));
    }

    /** Fails whatever still waits (the node is closing). */
    void failAll(Throwable cause) {
        List<CompletableFuture<Long>> all = new ArrayList<>();
        synchronized (this) {
            waiting.values().forEach(all::addAll);
            waiting.clear();
        }
        all.forEach(f -> f.completeExceptionally(cause));
    }
}
