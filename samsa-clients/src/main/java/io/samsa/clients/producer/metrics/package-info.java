/** The producer's metrics, under Kafka's names (group {@code producer-metrics}, tag {@code client-id}). */
package io.samsa.clients.producer.metrics;
