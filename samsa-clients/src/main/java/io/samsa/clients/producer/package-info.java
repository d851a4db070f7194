/**
 * {@link io.samsa.clients.producer.SamsaProducer}: a drop-in replacement for KafkaProducer (same interface,
 * config names, serializers, records, callbacks and exceptions), built from the accumulator
 * ({@code batch}), the I/O thread ({@code sender}), partitioners ({@code partition}) and metrics.
 */
package io.samsa.clients.producer;
