package io.samsa.clients.admin;

/**
 * A producer the leader of a partition keeps state for (DescribeProducers): its epoch, the last sequence and
 * timestamp it wrote, the epoch of the coordinator that last wrote a marker for it ({@code coordinatorEpoch}, -1
 * none) and the first offset of its open transaction ({@code currentTransactionStartOffset}, -1 none).
 */
public record ProducerState(long producerId, int producerEpoch, int lastSequence, long lastTimestamp,
                            int coordinatorEpoch, long currentTransactionStartOffset) {
}
