/**
 * The transaction coordinator (issue 12), built up in steps. Its decisions ({@link
 * io.samsa.broker.txn.TxnStateMachine}: InitProducerId with a transactional id and fencing, AddPartitionsToTxn,
 * EndTxn, timeouts, expiry, for clients of Kafka's transaction version 1) over the records it writes to the
 * transaction log ({@link io.samsa.broker.txn.TxnRecord}, one per transactional id, newest wins; states {@link
 * io.samsa.broker.txn.TxnState} with Kafka's names and transitions), and the coordinator around them ({@link
 * io.samsa.broker.txn.TransactionCoordinator}: one state machine per led transaction log partition, writes
 * through {@link io.samsa.broker.txn.TxnLog}, markers through {@link io.samsa.broker.txn.MarkerWriter}, timers;
 * one thread, {@code samsa-txn-coordinator}). Not yet wired into the broker: the {@code __transaction_state} topic
 * behind TxnLog, the marker writer over the log's control batches, the request handlers and transactional offsets
 * in the group coordinator; until then the broker answers a transactional InitProducerId as before.
 */
package io.samsa.broker.txn;
