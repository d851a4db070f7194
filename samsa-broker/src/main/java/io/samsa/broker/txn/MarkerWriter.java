package io.samsa.broker.txn;

import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.TopicPartition;

/**
 * Writes a transaction's COMMIT or ABORT marker (a control batch) to one data partition's leader: appended locally
 * when this broker leads it, else sent as WriteTxnMarkers. Completes once the marker is written (acks=all); fails
 * with UnknownTopicOrPartitionException when the partition no longer exists (the coordinator then skips it), with
 * any other exception to be retried. Thread-safe.
 */
public interface MarkerWriter {
    CompletionStage<Void> write(TopicPartition partition, long producerId, short producerEpoch, boolean commit,
                                int coordinatorEpoch);
}
