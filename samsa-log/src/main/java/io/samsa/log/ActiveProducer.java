package io.samsa.log;

/**
 * One idempotent producer a partition's log holds state for (DescribeProducers): its id and epoch, the sequence of
 * its last batch, and that batch's max timestamp.
 */
public record ActiveProducer(long producerId, short epoch, int lastSequence, long lastTimestamp) {
}
