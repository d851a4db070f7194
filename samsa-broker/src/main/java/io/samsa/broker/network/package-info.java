/**
 * The broker's non-blocking network layer (plain NIO, no framework): an acceptor thread and a few
 * processor threads, each with its own selector. A processor reads size-prefixed frames, hands each to a
 * {@link io.samsa.broker.network.FrameHandler}, and writes back the {@code Send} it completes with.
 * One request per connection is processed at a time, so responses leave in request order; an idle
 * connection costs a socket and a few small objects. Kafka-specific decoding happens above this layer.
 */
package io.samsa.broker.network;
