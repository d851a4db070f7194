/**
 * Requests that wait for a partition's offsets to move (Kafka's purgatories): long-poll fetches
 * ({@code FetchPurgatory}: consumers wait for the high watermark, follower replicas for the log end) and acks=all
 * produces ({@code ProducePurgatory}: wait until the high watermark passes their records — then
 * NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR shrank below {@code min.insync.replicas} meanwhile —, fail with
 * NOT_LEADER_OR_FOLLOWER if the leader loses leadership, or time out with REQUEST_TIMED_OUT). Both are {@code replica.PartitionListener}s, keyed by topic id and partition, woken by the
 * {@code replica.Partition} whose offsets advanced.
 *
 * <p>Threads: a waiting fetch re-reads, expires and completes on {@code samsa-fetch-purgatory}; the advancing
 * thread only enqueues. A delayed produce completes on the thread
 * that advanced the high watermark past it (a request handler thread), or on {@code samsa-produce-purgatory} when
 * its timeout expires. Either way the response is encoded later by the connection's network thread.
 */
package io.samsa.broker.purgatory;
