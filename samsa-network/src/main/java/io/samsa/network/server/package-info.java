/**
 * The broker's non-blocking network layer (plain NIO, no framework): an {@link io.samsa.network.server.Acceptor}
 * thread and a few {@link io.samsa.network.server.Processor} threads ({@code samsa-network-N}), each with its own
 * selector. A processor reads size-prefixed frames, hands each to a {@link io.samsa.network.server.FrameHandler},
 * and writes back the {@code Send} it completes with (on any thread).
 *
 * <p>What keeps one client from hurting the others:
 * <ul>
 *   <li>one request per connection in flight, and at most one read per connection per select pass, so responses
 *       leave in request order and a pipelining client gets its turn like everyone else;</li>
 *   <li>frames larger than 16 KiB are backed by a shared, bounded {@link io.samsa.network.server.RequestMemoryPool}
 *       ({@code queued.max.request.bytes}), reserved only once the peer has sent their first 16 KiB; without
 *       memory the connection stops reading until some is released;</li>
 *   <li>{@code max.connections} / {@code max.connections.per.ip}, checked at accept; accept failures back off;</li>
 *   <li>{@code connections.max.idle.ms} in every state, and a closing peer is noticed even while its request is
 *       being processed, also behind up to 4 KiB of requests it pipelined (read ahead); the waiting request is
 *       then dropped;</li>
 *   <li>an error closes only its connection; a processor thread that ends anyway is replaced and counted.</li>
 * </ul>
 * Kafka-specific decoding happens above this layer.
 */
package io.samsa.network.server;
