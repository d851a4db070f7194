package io.samsa.broker.replica;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.protocol.Errors;

/**
 * What a producer is answered when its transactional batch failed verification, as Kafka's ReplicaManager and
 * AddPartitionsToTxnManager translate the coordinator's answer: PRODUCER_FENCED becomes INVALID_PRODUCER_EPOCH;
 * TRANSACTION_ABORTABLE and CLUSTER_AUTHORIZATION_FAILED become INVALID_TXN_STATE ("Partition was not added to the
 * transaction"); an unreachable, moving or loading coordinator (NETWORK_EXCEPTION, NOT_COORDINATOR,
 * COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS) or a transaction being ended (CONCURRENT_TRANSACTIONS)
 * becomes NOT_ENOUGH_REPLICAS, which every producer retries without refreshing its metadata. Stateless.
 */
public final class VerificationErrors {
    private VerificationErrors() {
    }

    /** The exception the Produce answers for {@code coordinatorError} (not NONE). */
    public static ApiException forProduce(Errors coordinatorError, TopicPartition partition) {
        switch (coordinatorError) {
            case INVALID_TXN_STATE:
            case TRANSACTION_ABORTABLE:
            case CLUSTER_AUTHORIZATION_FAILED:
                return new InvalidTxnStateException("Partition was not added to the transaction");
            case PRODUCER_FENCED:
                return Errors.INVALID_PRODUCER_EPOCH.exception("Producer fenced while verifying the transaction of "
                        + partition);
            case NETWORK_EXCEPTION:
            case NOT_COORDINATOR:
            case COORDINATOR_NOT_AVAILABLE:
            case COORDINATOR_LOAD_IN_PROGRESS:
            case CONCURRENT_TRANSACTIONS:
                return new NotEnoughReplicasException("Unable to verify the partition has been added to the "
                        + "transaction. Underlying error: " + coordinatorError);
            default:
                return coordinatorError.exception();
        }
    }
}
