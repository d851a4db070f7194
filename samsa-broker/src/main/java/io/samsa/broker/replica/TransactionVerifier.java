package io.samsa.broker.replica;

import org.apache.kafka.common.TopicPartition;

/**
 * Whether a transactional batch may be appended: its producer (id and epoch) has an ongoing transaction to which
 * its coordinator has added the partition — Kafka's server-side defence of KIP-890, which keeps a late or stray
 * transactional write from opening a transaction nothing will ever end (its open state would hold read_committed
 * consumers at that offset). Thread-safe: asked on request handler threads.
 */
@FunctionalInterface
public interface TransactionVerifier {
    boolean inTransaction(long producerId, short producerEpoch, TopicPartition partition);
}
