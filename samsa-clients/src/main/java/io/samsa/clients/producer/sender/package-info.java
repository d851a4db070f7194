/**
 * The producer's one I/O thread ({@link io.samsa.clients.producer.sender.Sender},
 * {@code samsa-producer-network-thread}): keeps metadata fresh, obtains a producer id for idempotence, asks the
 * accumulator which leaders are ready, keeps those with a ready connection and room under {@code max.in.flight},
 * drains them through the idempotence gate ({@link io.samsa.clients.producer.sender.SequenceGate}) into one
 * ProduceRequest per broker, and settles each batch's answer ({@link io.samsa.clients.producer.sender.BatchCompletion}):
 * acknowledgement, split, ordered retry with exponential backoff, or failure. Everything here runs on that thread.
 */
package io.samsa.clients.producer.sender;
