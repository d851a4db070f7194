package io.samsa.broker.purgatory;

import java.io.Closeable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.protocol.Errors;

import io.samsa.broker.replica.PartitionKey;
import io.samsa.broker.replica.PartitionListener;

/**
 * acks=all produces waiting for their partitions' high watermarks (Kafka's produce purgatory), watched by
 * partition and woken by {@link #onHighWatermarkAdvanced}.
 *
 * <p>Threads: a delayed produce is completed on the thread that advanced the last high watermark it waited for:
 * a request handler thread (on one node the producer's own, inside its append, so acks=all answers at once and
 * nothing is ever registered here; with replication the thread of the follower fetch that moved the high
 * watermark); its response is encoded later by the connection's network thread. If its timeout expires first, it is completed on this class's
 * timer thread ({@code samsa-produce-purgatory}). Checking a waiter only compares offsets, so the advancing
 * thread pays little. A finished waiter leaves no trace: it leaves every partition's set and its timeout the
 * timer queue.
 */
public final class ProducePurgatory implements PartitionListener, Closeable {
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "samsa-produce-purgatory");
        t.setDaemon(true);
        return t;
    });
    private final Map<PartitionKey, Set<DelayedProduce>> watching = new ConcurrentHashMap<>();

    public ProducePurgatory() {
        timer.setRemoveOnCancelPolicy(true);
    }

    /**
     * Completes the produce now if every partition's high watermark already passed it, else watches its
     * partitions until they do or {@code timeoutMs} expires.
     */
    public CompletableFuture<List<Errors>> await(DelayedProduce produce, long timeoutMs) {
        if (produce.tryComplete()) {
            return produce.result();
        }
        for (DelayedProduce.PartitionAck ack : produce.acks()) {
            // Added inside compute: unregister drops a partition's set once empty, and an add outside the map's
            // lock could land in a set just dropped, where no high-watermark advance would ever find it.
            watching.compute(ack.partition().key(), (k, set) -> {
                Set<DelayedProduce> s = set != null ? set : ConcurrentHashMap.newKeySet();
                s.add(produce);
                return s;
            });
        }
        produce.timeout = timer.schedule(() -> {
            if (produce.expire()) {
                unregister(produce);
            }
        }, Math.max(0, timeoutMs), TimeUnit.MILLISECONDS);
        // The high watermark may have passed between the first check and the registration above.
        if (produce.tryComplete() || produce.result().isDone()) {
            unregister(produce);
        }
        return produce.result();
    }

    @Override
    public void onHighWatermarkAdvanced(PartitionKey partition) {
        Set<DelayedProduce> waiting = watching.get(partition);
        if (waiting == null || waiting.isEmpty()) {
            return;
        }
        for (DelayedProduce produce : waiting) {
            if (produce.tryComplete()) {
                unregister(produce);
            }
        }
    }

    @Override
    public void onLogEndAdvanced(PartitionKey partition) {
        // acks=all waits for the high watermark only.
    }

    /** Produces waiting. */
    public int size() {
        return (int) watching.values().stream().flatMap(Set::stream).distinct().count();
    }

    /** Partitions some produce waits on; a partition nobody waits on is not kept. */
    int watchedPartitions() {
        return watching.size();
    }

    /** Timeouts in the timer queue; a finished produce's timeout is not kept. */
    int pendingTimeouts() {
        return timer.getQueue().size();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    private void unregister(DelayedProduce produce) {
        for (DelayedProduce.PartitionAck ack : produce.acks()) {
            watching.computeIfPresent(ack.partition().key(), (k, set) -> {
                set.remove(produce);
                return set.isEmpty() ? null : set;
            });
        }
        ScheduledFuture<?> t = produce.timeout;
        if (t != null) {
            t.cancel(false);
        }
    }
}
