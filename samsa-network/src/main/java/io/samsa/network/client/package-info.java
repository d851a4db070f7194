/**
 * Non-blocking connections to brokers, driven by one I/O thread: connect, negotiate API versions with
 * ApiVersions (min of ours and the broker's), frame requests through {@code io.samsa.protocol.WireCodec}, match
 * responses in order, time requests out and report disconnects to each waiting request.
 */
package io.samsa.network.client;
