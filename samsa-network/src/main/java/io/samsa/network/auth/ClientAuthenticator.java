package io.samsa.network.auth;

import java.io.IOException;

/**
 * The client side of a connection's authentication (SASL), run after the transport's handshake and before the
 * client's first request (ApiVersions). One instance per connection; called only on the client's I/O thread.
 */
public interface ClientAuthenticator {

    /**
     * One non-blocking step, reading and writing through the connection's transport.
     *
     * @return true once authenticated; false to be called again when the transport is readable (or writable, if
     *     {@link #wantsWrite()})
     * @throws IOException on a transport error; a rejected authentication throws kafka-clients'
     *     {@code AuthenticationException} (a runtime exception), as Kafka's clients report it
     */
    boolean authenticate() throws IOException;

    /** True while a request it wrote is only partly out. */
    default boolean wantsWrite() {
        return false;
    }

    /**
     * The session lifetime the broker told once authenticated (KIP-368 SaslAuthenticate session_lifetime_ms): the
     * client re-authenticates before it ends. 0: none, the session lasts as long as the connection.
     */
    default long sessionLifetimeMs() {
        return 0;
    }

    /** No authentication (PLAINTEXT, SSL). */
    static ClientAuthenticator none() {
        return () -> true;
    }
}
