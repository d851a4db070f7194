/**
 * The transaction coordinator (issue 12), built up in steps. Its decisions ({@link
 * io.samsa.broker.txn.TxnStateMachine}: InitProducerId with a transactional id and fencing, AddPartitionsToTxn,
 * EndTxn, timeouts, expiry, for clients of Kafka's transaction versions 1 and 2) over the records it writes to the
 * transaction log ({@link io.samsa.broker.txn.TxnRecord}, one per transactional id, newest wins; states {@link
 * io.samsa.broker.txn.TxnState} with Kafka's names and transitions), and the coordinator around them ({@link
 * io.samsa.broker.txn.TransactionCoordinator}: one state machine per led transaction log partition, writes
 * through {@link io.samsa.broker.txn.TxnLog}, markers through {@link io.samsa.broker.txn.MarkerWriter}, timers;
 * one thread, {@code samsa-txn-coordinator}). Every broker runs it, on a single node as in a cluster:
 * {@code __transaction_state} ({@link io.samsa.broker.txn.TransactionStateTopic}) is created on the first
 * FindCoordinator for a transactional id, and {@code lifecycle.CoordinatorShardPublisher} loads the partitions this
 * broker leads (a coordinator failover is a load on the new leader, which resumes prepared transactions);
 * {@code lifecycle.ReplicatedTxnLog} writes them; markers go through {@code lifecycle.LocalMarkerWriter} (a
 * partition led here; {@code __consumer_offsets} through the group coordinator) or, in a cluster,
 * {@code lifecycle.ClusterMarkerWriter} (WriteTxnMarkers to the leader). Partition leaders verify a transaction's
 * first batch with it ({@link io.samsa.broker.txn.TransactionCoordinator#verify}; from another broker
 * AddPartitionsToTxn v4+), and for clients of transaction version 2 (finalized at 2) add the partition on the
 * producer's behalf; EndTxn v5 bumps the producer epoch at every end.
 */
package io.samsa.broker.txn;
