package io.samsa.broker.purgatory;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

import org.apache.kafka.common.protocol.Errors;

import io.samsa.broker.replica.Partition;
import io.samsa.broker.replica.PartitionRole;

/**
 * An acks=all produce whose records are in the leader's log but not yet below every partition's high
 * watermark. Each partition is acknowledged (NONE) once its high watermark reaches {@code requiredOffset} (the
 * offset after its last appended record) — or NOT_ENOUGH_REPLICAS_AFTER_APPEND if by then its ISR is smaller than
 * {@code min.insync.replicas} —, refused with NOT_LEADER_OR_FOLLOWER if this node stops leading it,
 * or given REQUEST_TIMED_OUT when the request's timeout expires first — per partition, as Kafka does. The result
 * lists one outcome per {@link PartitionAck}, in order, once no partition is pending.
 *
 * <p>Thread-safe: checked concurrently by the threads advancing its partitions' high watermarks and by the
 * purgatory's timer; exactly one of them completes it (see {@link ProducePurgatory} for which).
 */
public final class DelayedProduce {
    /**
     * One appended partition, the high watermark that acknowledges it, and the topic's {@code min.insync.replicas}
     * (checked again when the high watermark gets there: Kafka answers NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR
     * shrank below it meanwhile).
     */
    public record PartitionAck(Partition partition, long requiredOffset, int minInsyncReplicas) {
        public PartitionAck(Partition partition, long requiredOffset) {
            this(partition, requiredOffset, 1);
        }
    }

    private final List<PartitionAck> acks;
    private final Errors[] outcomes; // guarded by this; null while pending
    private boolean completed; // guarded by this
    private final CompletableFuture<List<Errors>> result = new CompletableFuture<>();
    volatile ScheduledFuture<?> timeout;

    public DelayedProduce(List<PartitionAck> acks) {
        this.acks = List.copyOf(acks);
        this.outcomes = new Errors[this.acks.size()];
    }

    public List<PartitionAck> acks() {
        return acks;
    }

    /** Completes with one outcome per partition, in the order given. */
    public CompletableFuture<List<Errors>> result() {
        return result;
    }

    /** Settles what can be settled now; completes if nothing is left pending. True for the call that completed. */
    boolean tryComplete() {
        // Offsets are read with no lock held: reading a high watermark may advance it and call back into the
        // purgatory, and so into this method, on this thread.
        Errors[] seen = new Errors[acks.size()];
        for (int i = 0; i < seen.length; i++) {
            seen[i] = check(acks.get(i));
        }
        List<Errors> done;
        synchronized (this) {
            if (completed) {
                return false;
            }
            boolean pending = false;
            for (int i = 0; i < outcomes.length; i++) {
                if (outcomes[i] == null) {
                    outcomes[i] = seen[i];
                }
                pending |= outcomes[i] == null;
            }
            if (pending) {
                return false;
            }
            completed = true;
            done = List.copyOf(Arrays.asList(outcomes));
        }
        result.complete(done);
        return true;
    }

    /** The request timeout expired: partitions still pending get REQUEST_TIMED_OUT. True if this call completed. */
    boolean expire() {
        List<Errors> done;
        synchronized (this) {
            if (completed) {
                return false;
            }
            for (int i = 0; i < outcomes.length; i++) {
                if (outcomes[i] == null) {
                    outcomes[i] = Errors.REQUEST_TIMED_OUT;
                }
            }
            completed = true;
            done = List.copyOf(Arrays.asList(outcomes));
        }
        result.complete(done);
        return true;
    }

    private static Errors check(PartitionAck ack) {
        Partition p = ack.partition();
        if (p.role() != PartitionRole.LEADER) {
            return Errors.NOT_LEADER_OR_FOLLOWER;
        }
        if (p.highWatermark() < ack.requiredOffset()) {
            return null;
        }
        return p.maximalIsr().size() >= ack.minInsyncReplicas() ? Errors.NONE
                : Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND;
    }
}
