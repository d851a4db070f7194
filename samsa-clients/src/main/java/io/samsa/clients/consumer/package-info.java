/**
 * Samsa's consumer, {@link io.samsa.clients.consumer.SamsaConsumer}: kafka-clients' {@code Consumer} interface
 * implemented on Samsa's own network layer. Subpackages: {@code state} (subscription and positions), {@code fetch}
 * (pipelined fetching, records, offset lookups), {@code group} (classic group membership and committed offsets),
 * {@code io} (the one I/O thread).
 */
package io.samsa.clients.consumer;
