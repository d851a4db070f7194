package io.samsa.broker.replica;

import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * What a leading {@link Partition} needs to keep its ISR: the way to ask the controller for a change, the lag after
 * which a follower leaves the ISR, the pause after a refused change, the clock its follower times are read from,
 * and the counters of committed changes. Immutable.
 */
public record IsrContext(AlterPartitionSender sender, long lagTimeMaxMs, long retryBackoffMs, LongSupplier clockMs,
                         ReplicationMetrics metrics) {

    /** A single node: its ISR never changes, so the sender is never called (and refuses if it were). */
    public static IsrContext singleNode() {
        return new IsrContext((partition, current, isr) -> CompletableFuture.failedFuture(
                new IllegalStateException("No controller to alter the ISR of " + partition)),
                ReplicationSettings.DEFAULTS.lagTimeMaxMs(), ReplicationSettings.DEFAULTS.fetchBackoffMs(),
                System::currentTimeMillis, new ReplicationMetrics());
    }

    public static IsrContext of(ReplicationSettings settings, AlterPartitionSender sender, ReplicationMetrics metrics) {
        return new IsrContext(sender, settings.lagTimeMaxMs(), settings.fetchBackoffMs(), System::currentTimeMillis,
                metrics);
    }
}
