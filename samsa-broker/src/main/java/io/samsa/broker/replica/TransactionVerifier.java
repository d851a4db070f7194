package io.samsa.broker.replica;

import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * Whether a transactional batch may be appended: its producer (id and epoch) has an ongoing transaction to which
 * its coordinator has added the partition — Kafka's server-side defence of KIP-890, which keeps a late or stray
 * transactional write from opening a transaction nothing will ever end (its open state would hold read_committed
 * consumers at that offset). The answer is the coordinator's: NONE, INVALID_TXN_STATE (not in the transaction),
 * PRODUCER_FENCED, NOT_COORDINATOR, NETWORK_EXCEPTION (coordinator unreachable) and so on; {@link
 * VerificationErrors} turns it into the Produce answer. It never completes exceptionally.
 *
 * <p>{@code add}: transaction version 2, where the leader adds the partition on the producer's behalf; false for
 * version 1 (verify only). {@code transactionalId} may be null for a coordinator's own write whose id is not known
 * here (the group coordinator's transactional offsets). Thread-safe: asked on request handler threads and the group
 * coordinator's thread; the answer may complete on another thread.
 */
@FunctionalInterface
public interface TransactionVerifier {
    CompletionStage<Errors> verify(String transactionalId, long producerId, short producerEpoch,
                                   TopicPartition partition, boolean add);
}
