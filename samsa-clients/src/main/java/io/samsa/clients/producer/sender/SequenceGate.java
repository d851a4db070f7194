package io.samsa.clients.producer.sender;

import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.clients.producer.batch.ProducerBatch;
import io.samsa.clients.producer.batch.RecordAccumulator;

/**
 * The idempotent producer's drain gate: whether a partition's head batch may go now, given its sequences in
 * flight. Asked by the accumulator under the partition's lock, on the sender thread only.
 *
 * <p>A retry goes alone, in sequence order, so the broker never sees a gap. So does a partition's first batch:
 * a broker accepts any first sequence from a producer it does not know yet, so a later batch overtaking a failed
 * first one would be taken and the first one rejected forever. A partition whose sequence cannot continue waits
 * until nothing of it is in flight, then either sends a batch that may already be written (its answer settles
 * whether the failed batch before it was written), or starts again at sequence 0 under a bumped epoch.
 */
final class SequenceGate implements RecordAccumulator.DrainGate {
    private static final Logger LOG = LoggerFactory.getLogger(Sender.class);

    private final IdempotenceState idempotence;
    private final boolean localEpochBumps;

    /**
     * {@code localEpochBumps}: false for a transactional producer, whose partition then waits (the transaction
     * is abortable; its abort gets a new epoch from the coordinator and restarts every sequence).
     */
    SequenceGate(IdempotenceState idempotence, boolean localEpochBumps) {
        this.idempotence = idempotence;
        this.localEpochBumps = localEpochBumps;
    }

    @Override
    public boolean mayDrain(TopicPartition tp, ProducerBatch head, Iterable<ProducerBatch> queue) {
        IdempotenceState.PartitionSequence seq = idempotence.partition(tp);
        if (seq.inFlight > 0) {
            return !head.hasSequence() && seq.lastAcked >= 0 && !seq.needsReset();
        }
        if (!seq.needsReset()) {
            return true;
        }
        boolean probe = !seq.resetRequired && head.hasSequence() && head.maybeWritten();
        if (probe) {
            return true;
        }
        if (!localEpochBumps) {
            return false;
        }
        long oldId = seq.producerId;
        short oldEpoch = seq.epoch;
        if (!idempotence.resetPartition(tp)) {
            return false; // a new producer id is on its way
        }
        int resequenced = 0;
        for (ProducerBatch b : queue) {
            if (b.hasSequence()) {
                b.clearSequence();
                resequenced++;
            }
        }
        LOG.info("{}: sequence cannot continue under producer id {} epoch {}; starting again at 0 under producer id"
                + " {} epoch {} ({} queued batch(es) get new sequences)", tp, oldId, oldEpoch, seq.producerId,
                seq.epoch, resequenced);
        return true;
    }
}
