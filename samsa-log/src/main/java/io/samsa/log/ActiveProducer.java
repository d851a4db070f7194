package io.samsa.log;

/**
 * One idempotent or transactional producer a partition's log holds state for (DescribeProducers): its id and
 * epoch, the sequence of its last batch, that batch's max timestamp, the epoch of the coordinator that wrote its
 * last transaction marker (-1: none), and the first offset of its open transaction (-1: none).
 */
public record ActiveProducer(long producerId, short epoch, int lastSequence, long lastTimestamp,
                             int coordinatorEpoch, long currentTxnStartOffset) {
}
