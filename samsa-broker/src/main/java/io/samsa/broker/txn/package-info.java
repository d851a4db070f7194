/**
 * The transaction coordinator (issue 12), built up in steps. Its decisions ({@link
 * io.samsa.broker.txn.TxnStateMachine}: InitProducerId with a transactional id and fencing, AddPartitionsToTxn,
 * EndTxn, timeouts, expiry, for clients of Kafka's transaction version 1) over the records it writes to the
 * transaction log ({@link io.samsa.broker.txn.TxnRecord}, one per transactional id, newest wins; states {@link
 * io.samsa.broker.txn.TxnState} with Kafka's names and transitions), and the coordinator around them ({@link
 * io.samsa.broker.txn.TransactionCoordinator}: one state machine per led transaction log partition, writes
 * through {@link io.samsa.broker.txn.TxnLog}, markers through {@link io.samsa.broker.txn.MarkerWriter}, timers;
 * one thread, {@code samsa-txn-coordinator}). The broker runs it on a single node: {@code __transaction_state}
 * ({@link io.samsa.broker.txn.TransactionStateTopic}) is created on the first FindCoordinator for a transactional
 * id and led through {@code lifecycle.CoordinatorShardPublisher}; {@code lifecycle.ReplicatedTxnLog} writes it and
 * {@code lifecycle.LocalMarkerWriter} appends the markers. Not yet: WriteTxnMarkers to other brokers (so no
 * transactions in a cluster), AddOffsetsToTxn/TxnOffsetCommit (transactional offsets in the group coordinator),
 * transaction version 2 (KIP-890).
 */
package io.samsa.broker.txn;
