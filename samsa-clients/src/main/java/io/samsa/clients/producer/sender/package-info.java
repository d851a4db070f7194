/**
 * The producer's one I/O thread: keeps metadata fresh, obtains a producer id for idempotence, drains ready
 * batches grouped by leader into one ProduceRequest per broker (bounded by {@code max.in.flight}), and turns
 * responses into acknowledgements, ordered retries with exponential backoff, or failures.
 */
package io.samsa.clients.producer.sender;
