/**
 * {@link io.samsa.clients.producer.SamsaProducer}: a drop-in replacement for KafkaProducer (same interface,
 * config names, serializers, records, callbacks and exceptions), built on the client core
 * ({@code io.samsa.clients.core}) from the accumulator ({@code batch}), the I/O thread ({@code sender}),
 * partitioners ({@code partition}), transactions ({@code txn}: the state the application moves; the sender
 * carries out the coordinator requests) and metrics. Threads: any number of application threads call {@code send},
 * which serializes, partitions and appends to the accumulator without I/O; one sender thread
 * ({@code samsa-producer-network-thread}) does all I/O and runs the callbacks.
 */
package io.samsa.clients.producer;
