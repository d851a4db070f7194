/**
 * The broker's non-blocking network layer (plain NIO, no framework): one {@link io.samsa.network.server.Acceptor}
 * thread per listener ({@link io.samsa.network.server.Endpoint}: Kafka's {@code NAME://host:port} and its security
 * protocol) and a few shared {@link io.samsa.network.server.Processor} threads ({@code samsa-network-N}), each with
 * its own selector. A processor takes each new connection through its transport's handshake and its listener's
 * authenticator ({@link io.samsa.network.server.ChannelBuilder}), then reads size-prefixed frames, hands each to a
 * {@link io.samsa.network.server.FrameHandler} with the connection's {@link io.samsa.network.server.Session} (who
 * is calling, on which listener), and encodes and writes the {@code ResponseSend} it completes with (completed on
 * any thread; encoded on the processor's). See {@code io.samsa.network} for the threads as a whole.
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
