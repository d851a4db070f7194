/**
 * The byte streams under connections: {@link io.samsa.network.transport.TransportLayer} (read, write, transfer
 * a file region, a handshake step, close) and its plaintext implementation. Broker and clients both use it, so
 * TLS ({@code io.samsa.network.tls.SslTransport}) is one more transport (its {@code transferFrom} copies through
 * {@link io.samsa.network.transport.FileCopy} instead of sendfile), not a change in each connection state machine.
 */
package io.samsa.network.transport;
