package io.samsa.network.auth;

import java.io.IOException;

/**
 * The server side of a connection's authentication (SASL next), run after the transport's handshake and before
 * the first request frame is read: until {@link #authenticate()} returns true, the network layer hands nothing
 * to the request handlers. One instance per connection; called only on the connection's network thread.
 */
public interface Authenticator {

    /**
     * One non-blocking step, reading and writing through the connection's transport.
     *
     * @return true once authenticated; false to be called again when the transport is readable
     * @throws IOException on a failed authentication or a transport error: the connection is closed
     */
    boolean authenticate() throws IOException;

    /** Who the peer is; valid once {@link #authenticate()} returned true. */
    Principal principal();

    /** The authenticator of plaintext listeners: nothing to exchange, the peer is {@link Principal#ANONYMOUS}. */
    static Authenticator anonymous() {
        return AnonymousAuthenticator.INSTANCE;
    }
}
