/**
 * The client core producer, consumer and admin are built on: {@link io.samsa.clients.core.ClientSettings} (the
 * settings they share, read from Kafka's config classes), {@link io.samsa.clients.core.ClientSecurity} (TLS and
 * SASL from {@code security.protocol}, {@code ssl.*}, {@code sasl.*}), {@link io.samsa.clients.core.BootstrapServers} (the one {@code bootstrap.servers} parser) and
 * {@link io.samsa.clients.core.ClientCore} (network, bootstrap addresses, metadata cache and refresher). Each
 * client keeps its own I/O style on top (the producer's sender thread, the consumer's I/O thread, the admin's
 * calling thread); the core owns no thread.
 */
package io.samsa.clients.core;
