/**
 * Samsa's consumer, {@link io.samsa.clients.consumer.SamsaConsumer}: kafka-clients' {@code Consumer} interface
 * implemented on Samsa's client core. {@code SamsaConsumer} is the API only: every method enters through
 * {@link io.samsa.clients.consumer.ConsumerGuard} (one application thread at a time, as KafkaConsumer:
 * {@code ConcurrentModificationException} otherwise, {@code IllegalStateException} after close; {@code wakeup}
 * from any thread) and delegates by responsibility: {@code ConsumerMembership} (subscribe, assign, leave),
 * {@code ConsumerPositions} (where fetching starts), {@code ConsumerCommits} (commits and committed offsets),
 * {@code ConsumerLookups} (topic metadata, offsets by time), all on the application thread, with one
 * retry-until-deadline loop ({@code DeadlineRetry}). Subpackages: {@code state} (subscription and positions),
 * {@code fetch} (pipelined fetching, records, offset lookups), {@code group} (classic group membership and
 * committed offsets), {@code io} (the one I/O thread, {@code samsa-consumer-network-thread}).
 */
package io.samsa.clients.consumer;
