package io.samsa.bench.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One failover round's acknowledgements on the partitions the signalled node led, and the write pause they show.
 *
 * <p>The figure is the time "from SIGKILL to the first acknowledged acks=all write on the new leader".
 * A client cannot see which broker appended a record, so "on the new leader" is pinned down by send time: a record
 * the producer handed over at or after the old leader was gone ({@link #oldLeaderGone}: for SIGKILL the moment the
 * signal was sent, for SIGTERM the moment the process had exited) cannot have been appended by it. So:
 * <ul>
 *   <li>{@code write_pause_ms} = per partition, the ack time of the first record sent at or after that cut-off,
 *       minus the time the signal was sent; the round's figure is the longest over the node's partitions (when
 *       every one of them takes writes again). Acks after the signal for records sent before it (in flight on the
 *       dying leader, or retried on the new one) do not end the pause.</li>
 *   <li>{@code longest_ack_gap_ms} = the longest stretch without any acknowledgement on a partition between the
 *       signal and that first new-leader ack (the signal counts as the first point). For SIGKILL it is close to the
 *       pause; for SIGTERM, where the old leader keeps acknowledging during its controlled shutdown, it is the
 *       figure that says how long writes actually stopped.</li>
 * </ul>
 * Times are {@code System.nanoTime()} of the one JVM that sends the signal and runs the producer. The producer's
 * I/O thread calls {@link #onAck}; the round's thread calls the rest.
 */
final class WritePause {
    /** One acknowledged record: its partition, when it was handed to the producer, when its ack arrived. */
    record Ack(int partition, long sendNanos, long ackNanos) {
    }

    /** The round's figures, in milliseconds. */
    record Result(double pauseMs, double longestGapMs) {
    }

    private final long signalNanos;
    private final Set<Integer> partitions;
    private final List<Ack> acks = new ArrayList<>();
    private long cutoffNanos = Long.MAX_VALUE;

    /** {@code signalNanos}: taken just before the signal is sent; {@code partitions}: those the node led. */
    WritePause(long signalNanos, Set<Integer> partitions) {
        if (partitions.isEmpty()) {
            throw new IllegalArgumentException("no partitions to watch");
        }
        this.signalNanos = signalNanos;
        this.partitions = Set.copyOf(partitions);
    }

    /** From {@code nanos} on, a record handed to the producer can only be appended by a new leader. */
    synchronized void oldLeaderGone(long nanos) {
        cutoffNanos = Math.max(signalNanos, nanos);
    }

    synchronized void onAck(int partition, long sendNanos, long ackNanos) {
        if (partitions.contains(partition) && ackNanos >= signalNanos) {
            acks.add(new Ack(partition, sendNanos, ackNanos));
        }
    }

    /** Present once every watched partition has had a write acknowledged on its new leader. */
    synchronized Optional<Result> result() {
        double pause = 0;
        double gap = 0;
        for (int partition : partitions) {
            long firstNew = Long.MAX_VALUE;
            for (Ack a : acks) {
                if (a.partition() == partition && a.sendNanos() >= cutoffNanos) {
                    firstNew = Math.min(firstNew, a.ackNanos());
                }
            }
            if (firstNew == Long.MAX_VALUE) {
                return Optional.empty();
            }
            pause = Math.max(pause, (firstNew - signalNanos) / 1e6);
            gap = Math.max(gap, longestGap(partition, firstNew) / 1e6);
        }
        return Optional.of(new Result(pause, gap));
    }

    private long longestGap(int partition, long until) {
        long[] times = acks.stream().filter(a -> a.partition() == partition && a.ackNanos() <= until)
                .mapToLong(Ack::ackNanos).sorted().toArray();
        long previous = signalNanos;
        long longest = 0;
        for (long t : times) {
            longest = Math.max(longest, t - previous);
            previous = t;
        }
        return longest;
    }
}
