/**
 * The transaction coordinator (issue 12), built up in steps. Today: its decisions ({@link
 * io.samsa.broker.txn.TxnStateMachine}: InitProducerId with a transactional id and fencing, AddPartitionsToTxn,
 * EndTxn, timeouts, expiry, for clients of Kafka's transaction version 1) over the records it writes to the
 * transaction log ({@link io.samsa.broker.txn.TxnRecord}, one per transactional id, newest wins; states {@link
 * io.samsa.broker.txn.TxnState} with Kafka's names and transitions). Not yet wired: the transaction log topic
 * {@code __transaction_state} and its loading, the markers (the log side writes them), the request handlers and
 * transactional offsets in the group coordinator; until then the broker answers a transactional InitProducerId
 * as before. The state machine is single-threaded by design: the coordinator will call it from one thread, as
 * the group coordinator does.
 */
package io.samsa.broker.txn;
