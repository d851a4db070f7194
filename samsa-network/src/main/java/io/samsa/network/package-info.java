/**
 * Samsa's network module, used by the broker and the clients alike: non-blocking NIO connections over a
 * {@link io.samsa.network.transport.TransportLayer} (plaintext, or TLS: {@link io.samsa.network.tls}), an
 * {@link io.samsa.network.auth.Authenticator} slot that yields each connection's
 * {@link io.samsa.network.auth.Principal} before its first request, and connection state machines with
 * handshake and authentication states. It depends on samsa-protocol only; what a request means is the
 * caller's business ({@link io.samsa.network.server.FrameHandler}).
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li><b>Acceptor</b> ({@code samsa-acceptor-NAME}, one per listener): accepts sockets, applies
 *       {@code max.connections}/{@code max.connections.per.ip}, and hands each socket, with its listener, to a
 *       processor round-robin (all listeners share the processors). It never reads or writes a socket.</li>
 *   <li><b>Processors</b> ({@code samsa-network-N}, {@code num.network.threads}): each owns a selector and the
 *       connections handed to it, for their whole life — only that thread touches a
 *       {@code server.Connection}, its transport, its authenticator and its buffers. It runs the handshake and
 *       the authenticator, reads frames, calls the {@code FrameHandler} (the broker's request handler pool, which
 *       only enqueues), and writes responses.</li>
 *   <li><b>Where responses are encoded</b>: on the connection's processor thread. A handler's stage may complete
 *       on any thread (a request handler thread, the fetch purgatory, the group coordinator); that thread only
 *       queues the unencoded {@link io.samsa.protocol.ResponseSend} and wakes the selector, and the processor
 *       serializes it ({@code ResponseSend.encode}) just before writing. Why there: one defined thread per
 *       connection for every byte that goes out (a TLS transport must encrypt on the same thread that owns its
 *       engine); the coordinator and fetch-purgatory threads, which complete many responses in a row, stay free
 *       of serialization work; and a response is buffered only once it is about to be written.</li>
 *   <li><b>Client I/O thread</b> (the caller's: the producer's sender, the consumer's and admin's I/O threads):
 *       owns a {@link io.samsa.network.client.NetworkIo} and every connection in it; only
 *       {@code NetworkIo.wakeup} may be called from another thread.</li>
 * </ul>
 */
package io.samsa.network;
