package io.samsa.network.auth;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The server side of a connection's authentication ({@code sasl.SaslServerAuthenticator}), run after the
 * transport's handshake and before the first request frame is read: until {@link #authenticate()} returns true, the network layer hands nothing
 * to the request handlers. One instance per connection; called only on the connection's network thread.
 */
public interface Authenticator {

    /**
     * One non-blocking step, reading and writing through the connection's transport.
     *
     * @return true once authenticated (and every byte it wrote is out); false to be called again when the
     *     transport is readable, or writable if {@link #wantsWrite()}
     * @throws IOException on a failed authentication or a transport error: the connection is closed
     */
    boolean authenticate() throws IOException;

    /**
     * True while a response it wrote is only partly out (the socket buffer was full): the connection then waits
     * for the transport to be writable as well, and calls {@link #authenticate()} again.
     */
    default boolean wantsWrite() {
        return false;
    }

    /**
     * Called with a SaslHandshake request frame read from the authenticated connection (KIP-368): true if it begins
     * a re-authentication (the connection goes back to authenticating, and {@link #authenticate()} starts with that
     * frame), false if the frame is an ordinary request. The frame is copied, not kept.
     */
    default boolean beginReauthentication(ByteBuffer saslHandshakeFrame, long nowNanos) {
        return false;
    }

    /**
     * When a failed authentication's answer may go out (wall clock ms; Kafka's
     * {@code connection.failed.authentication.delay.ms}), or 0: until then the connection neither reads nor writes,
     * and {@link #authenticate()} is called again at that time.
     */
    default long failureDelayedUntilMs() {
        return 0;
    }

    /** Whether the authenticated session has outlived {@code connections.max.reauth.ms} without re-authenticating. */
    default boolean sessionExpired(long nowNanos) {
        return false;
    }

    /** Who the peer is; valid once {@link #authenticate()} returned true. */
    Principal principal();

    /** The authenticator of plaintext listeners: nothing to exchange, the peer is {@link Principal#ANONYMOUS}. */
    static Authenticator anonymous() {
        return AnonymousAuthenticator.INSTANCE;
    }
}
