/**
 * The consumer's one I/O thread ({@link io.samsa.clients.consumer.io.ConsumerIo}): it owns the
 * {@code NetworkIo} connections, refreshes metadata, runs the fetch and heartbeat loops, and carries requests
 * for the application thread, answering them with futures. The application thread waits through a
 * {@link io.samsa.clients.consumer.io.Waiter}, which {@code wakeup()} can interrupt.
 */
package io.samsa.clients.consumer.io;
