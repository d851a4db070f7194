package io.samsa.clients.producer.txn;

/**
 * A transactional producer's states, as Kafka's TransactionManager has them. {@code ABORTABLE_ERROR}: the
 * transaction cannot commit, the application must abort it; {@code FATAL_ERROR}: only close is left (fenced by a
 * newer instance, not authorized, ...).
 */
public enum TransactionState {
    UNINITIALIZED, INITIALIZING, READY, IN_TRANSACTION, COMMITTING, ABORTING, ABORTABLE_ERROR, FATAL_ERROR
}
