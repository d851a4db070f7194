package io.samsa.clients.producer.sender;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

/**
 * Producer id, epoch and per-partition sequences (I/O thread only). A batch gets its base sequence the first
 * time it is drained and keeps it across retries, so the broker can discard a duplicate and reject a gap.
 */
final class IdempotenceState {
    static final class PartitionSequence {
        int next;
        int lastAcked = -1;
        int inFlight;
    }

    private long producerId = -1;
    private short epoch = -1;
    private final Map<TopicPartition, PartitionSequence> partitions = new HashMap<>();

    boolean hasProducerId() {
        return producerId >= 0;
    }

    void producerId(long id, short epoch) {
        this.producerId = id;
        this.epoch = epoch;
    }

    long producerId() {
        return producerId;
    }

    short epoch() {
        return epoch;
    }

    PartitionSequence partition(TopicPartition tp) {
        return partitions.computeIfAbsent(tp, k -> new PartitionSequence());
    }

    /** Reserves {@code count} sequences; wraps at Integer.MAX_VALUE as Kafka does. */
    int assign(TopicPartition tp, int count) {
        PartitionSequence s = partition(tp);
        int base = s.next;
        long next = (long) base + count;
        s.next = next > Integer.MAX_VALUE ? (int) (next - Integer.MAX_VALUE - 1) : (int) next;
        return base;
    }
}
