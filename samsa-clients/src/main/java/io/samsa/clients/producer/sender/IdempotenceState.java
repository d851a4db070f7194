package io.samsa.clients.producer.sender;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

/**
 * Producer id, epoch and per-partition sequences (I/O thread only). A batch gets its base sequence the first
 * time it is drained and keeps it across retries, so the broker can discard a duplicate and reject a gap.
 *
 * <p>The broker keeps producer state per partition, so each partition remembers the (producer id, epoch) its
 * sequences belong to. When a partition's sequences can no longer continue (a sequenced batch failed for good
 * and was not written, or the broker lost or rejected our sequence), the partition is reset: the producer epoch
 * is bumped locally (KIP-360; a new producer id is requested when the epoch is exhausted) and the partition
 * starts again at sequence 0 under the new epoch. Other partitions keep their epoch until they need a reset
 * themselves: a broker accepts any epoch not older than the one it has seen for that partition.
 */
final class IdempotenceState {
    /** One partition's sequence bookkeeping. */
    static final class PartitionSequence {
        long producerId = -1;
        short epoch = -1;
        int next;
        int lastAcked = -1;
        /** Produce requests holding a batch of this partition (0 or 1 for retries and first batches). */
        int inFlight;
        /**
         * A sequenced batch failed for good: later sequences are refused unless it was written after all.
         * Resolved by the next acknowledged batch after it, or by a reset once nothing can prove it was written.
         */
        boolean gap;
        int gapSequence;
        /** The broker proved the partition's sequence cannot continue (OutOfOrder for the next batch, unknown id). */
        boolean resetRequired;

        boolean hasIdentity() {
            return producerId >= 0;
        }

        boolean needsReset() {
            return gap || resetRequired;
        }
    }

    private long producerId = -1;
    private short epoch = -1;
    private int epochBumps;
    private final Map<TopicPartition, PartitionSequence> partitions = new HashMap<>();

    boolean hasProducerId() {
        return producerId >= 0;
    }

    void producerId(long id, short epoch) {
        this.producerId = id;
        this.epoch = epoch;
    }

    /**
     * A transactional producer's new producer id or epoch from its coordinator (InitProducerId): every partition
     * starts again at sequence 0 under it. Only when no batch is in flight.
     */
    void restartAll(long id, short epoch) {
        if (hasProducerId() && (id != producerId || epoch != this.epoch)) {
            epochBumps++;
        }
        this.producerId = id;
        this.epoch = epoch;
        partitions.clear();
    }

    long producerId() {
        return producerId;
    }

    short epoch() {
        return epoch;
    }

    /** How many times the epoch was bumped or the producer id replaced (for tests and logs). */
    int epochBumps() {
        return epochBumps;
    }

    PartitionSequence partition(TopicPartition tp) {
        return partitions.computeIfAbsent(tp, k -> new PartitionSequence());
    }

    /**
     * Reserves {@code count} sequences under the partition's producer id and epoch (taking the producer's
     * current ones if the partition has none yet); wraps at Integer.MAX_VALUE as Kafka does.
     */
    int assign(TopicPartition tp, int count) {
        PartitionSequence s = partition(tp);
        if (!s.hasIdentity()) {
            s.producerId = producerId;
            s.epoch = epoch;
        }
        int base = s.next;
        s.next = increment(base, count);
        return base;
    }

    /**
     * Starts the partition again at sequence 0 under a newer epoch than the one its sequences belong to.
     * Returns false when a new producer id must be obtained first (epoch exhausted): call again once it is.
     */
    boolean resetPartition(TopicPartition tp) {
        PartitionSequence s = partition(tp);
        if (!hasProducerId()) {
            return false;
        }
        if (s.producerId == producerId && s.epoch == epoch) {
            if (epoch == Short.MAX_VALUE) {
                producerId = -1; // the epoch cannot grow: InitProducerId gives a fresh id at epoch 0
                epoch = -1;
                epochBumps++;
                return false;
            }
            epoch++;
            epochBumps++;
        }
        s.producerId = producerId;
        s.epoch = epoch;
        s.next = 0;
        s.lastAcked = -1;
        s.gap = false;
        s.resetRequired = false;
        return true;
    }

    static int increment(int sequence, int by) {
        long next = (long) sequence + by;
        return next > Integer.MAX_VALUE ? (int) (next - Integer.MAX_VALUE - 1) : (int) next;
    }

    /** Whether sequence {@code a} comes after {@code b} (within half the sequence space, for wrap-around). */
    static boolean after(int a, int b) {
        long d = ((long) a - b) & 0x7fffffffL;
        return d != 0 && d < (1L << 30);
    }
}
