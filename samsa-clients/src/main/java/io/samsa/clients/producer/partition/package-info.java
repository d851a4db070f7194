/**
 * Choosing a partition: by key exactly as KafkaProducer does (murmur2, positive, modulo the partition count),
 * and for null keys sticky per batch with KIP-794-style load awareness.
 */
package io.samsa.clients.producer.partition;
