/**
 * Non-blocking connections to brokers, driven by one I/O thread: connect, pass the transport's handshake and
 * authentication (immediate on plaintext), negotiate API versions with ApiVersions (min of ours and the broker's),
 * frame requests through {@code io.samsa.protocol.WireCodec}, match responses in order, time requests out and
 * report disconnects to each waiting request.
 */
package io.samsa.network.client;
