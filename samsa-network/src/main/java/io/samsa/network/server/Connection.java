package io.samsa.network.server;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.protocol.ApiKeys;

import io.samsa.network.auth.Authenticator;
import io.samsa.network.transport.TransportLayer;
import io.samsa.protocol.ResponseSend;

/**
 * One client connection and its life cycle:
 * <pre>
 *   HANDSHAKING ──▶ AUTHENTICATING ──▶ READING ──▶ PROCESSING ──▶ SENDING ──┐
 *   (transport)     (authenticator)      ▲  (size, payload)  │ no response  │
 *                          ▲             ├───────────────────┴──────────────┤ throttled
 *                          │             │                   │ throttled    ▼ (response out)
 *                          │             └────────────────── THROTTLED ◀────┘
 *                          │               throttle time over (muted: nothing read)
 *                          └── READING: a SaslHandshake re-authenticates (KIP-368)
 *   any state ──▶ CLOSED
 * </pre>
 * A plaintext connection passes HANDSHAKING and AUTHENTICATING at once (no handshake, principal
 * {@code User:ANONYMOUS}); no request frame is read before AUTHENTICATING is over, so every frame carries an
 * authenticated {@link Session}. While PROCESSING or SENDING only a few KiB are read ahead, to notice a peer that
 * closes ({@link FrameReader#readAhead}); at most one request per connection is in flight, so responses leave in
 * request order. Every change of state goes through {@link #moveTo}, which rejects a transition not drawn above.
 * A SASL session with a lifetime goes back to AUTHENTICATING when the client re-authenticates
 * ({@link #beginReauthentication}), and ends at its first request after the lifetime ({@link #sessionExpired}).
 *
 * <p>Throttling (KIP-219): a response with a throttle time ({@link ResponseSend#throttleMs}) is written at once; the
 * connection then waits in THROTTLED, with no selector interest (nothing is read, not even to notice a close), until
 * {@link #unmuteAtMs}, counted from when the response was ready. A request without a response (acks=0) goes
 * straight from PROCESSING to THROTTLED. The idle timeout does not run while THROTTLED; closing frees it as any.
 *
 * <p>Only the owning processor thread touches it.
 */
final class Connection {
    /** The states above; see the class comment for the transitions. */
    enum State {
        /** The transport's own handshake (TLS); plaintext has none. */
        HANDSHAKING,
        /** The authenticator runs (SASL); plaintext yields {@code User:ANONYMOUS} at once. */
        AUTHENTICATING,
        /** Reading the next request frame. */
        READING,
        /** A request is with the handlers. */
        PROCESSING,
        /** Writing the response. */
        SENDING,
        /** Muted until the throttle time of the last response has passed: nothing is read. */
        THROTTLED,
        CLOSED
    }

    private static final Map<State, Set<State>> NEXT = Map.of(
            State.HANDSHAKING, EnumSet.of(State.AUTHENTICATING, State.CLOSED),
            State.AUTHENTICATING, EnumSet.of(State.READING, State.CLOSED),
            State.READING, EnumSet.of(State.PROCESSING, State.AUTHENTICATING, State.CLOSED),
            State.PROCESSING, EnumSet.of(State.SENDING, State.READING, State.THROTTLED, State.CLOSED),
            State.SENDING, EnumSet.of(State.READING, State.THROTTLED, State.CLOSED),
            State.THROTTLED, EnumSet.of(State.READING, State.CLOSED),
            State.CLOSED, EnumSet.of(State.CLOSED));

    final long id;
    final TransportLayer transport;
    final InetAddress remoteAddress;
    final FrameHandler.ClientAddress address;
    final Endpoint endpoint;
    final FrameReader reader = new FrameReader();
    private final Authenticator authenticator;
    SelectionKey key;
    private State state = State.HANDSHAKING;
    /** Set when authentication completes; null before. */
    private Session session;
    long lastActiveMs;
    /**
     * When the connection was registered, or began re-authenticating: HANDSHAKING and AUTHENTICATING must end within
     * the setup timeout of it.
     */
    long setupStartedMs;
    /** In the processor's queue of connections to serve without waiting for the selector. */
    boolean queuedForRead;
    /** Pool bytes held by the request in flight, released when it is done or the connection closes. */
    long requestReservation;
    /** When the throttle of the last response ends (wall clock ms); 0 when it was not throttled. */
    long unmuteAtMs;

    private ResponseSend sending;

    Connection(long id, TransportLayer transport, Authenticator authenticator, InetAddress remoteAddress,
               FrameHandler.ClientAddress address, Endpoint endpoint, long nowMs) {
        this.id = id;
        this.transport = transport;
        this.authenticator = authenticator;
        this.remoteAddress = remoteAddress;
        this.address = address;
        this.endpoint = endpoint;
        this.lastActiveMs = nowMs;
        this.setupStartedMs = nowMs;
    }

    State state() {
        return state;
    }

    /** The one place a state changes; throws on a transition the life cycle does not have. */
    void moveTo(State next) {
        if (!NEXT.get(state).contains(next)) {
            throw new IllegalStateException("Connection " + id + ": no transition " + state + " -> " + next);
        }
        state = next;
    }

    /** Who is calling; null until the connection has authenticated. */
    Session session() {
        return session;
    }

    /**
     * Advances the transport handshake, then authentication, as far as the bytes available allow.
     *
     * @return true once the connection is READING (authenticated); false while it needs more bytes
     */
    boolean advanceSetup() throws IOException {
        if (state == State.HANDSHAKING) {
            if (!transport.handshake()) {
                return false;
            }
            moveTo(State.AUTHENTICATING);
        }
        if (state == State.AUTHENTICATING) {
            if (!authenticator.authenticate()) {
                return false;
            }
            session = new Session(address, endpoint.listenerName(), endpoint.securityProtocol(),
                    authenticator.principal());
            moveTo(State.READING);
        }
        return state != State.CLOSED;
    }

    /**
     * KIP-368: a SaslHandshake request read from the authenticated connection begins a re-authentication if the
     * authenticator's session has a lifetime; the connection is then AUTHENTICATING again and the authenticator
     * answers the frame. False (any other frame, or no lifetime): the frame is an ordinary request.
     *
     * @throws IOException if the client sent more bytes behind the SaslHandshake: it must wait for the answer
     */
    boolean beginReauthentication(ByteBuffer frame, long nowMs, long nowNanos) throws IOException {
        if (frame.remaining() < 2 || frame.getShort(frame.position()) != ApiKeys.SASL_HANDSHAKE.id
                || !authenticator.beginReauthentication(frame, nowNanos)) {
            return false;
        }
        if (reader.holdsBytes()) {
            throw new IOException("request bytes sent behind a re-authentication SaslHandshake");
        }
        moveTo(State.AUTHENTICATING);
        setupStartedMs = nowMs;
        return true;
    }

    /** While AUTHENTICATING: when a failed login's delayed answer may go out (wall clock ms); 0 when none waits. */
    long authenticationDelayedUntilMs() {
        return state == State.AUTHENTICATING ? authenticator.failureDelayedUntilMs() : 0;
    }

    /** Whether the SASL session outlived connections.max.reauth.ms without re-authenticating. */
    boolean sessionExpired(long nowNanos) {
        return authenticator.sessionExpired(nowNanos);
    }

    /** Starts (or continues) writing a response; true once it is all written. */
    boolean write(ResponseSend send) throws IOException {
        if (send != null) {
            sending = send;
        }
        if (sending.writeTo(transport)) {
            sending = null;
            return true;
        }
        return false;
    }

    /** The selector interest that goes with the current state. */
    int interestOps() {
        // An if-chain rather than a switch on the enum, which javac may compile to a synthetic switch-map class loaded
        // on the first call: that may be the first connection after file descriptors ran out (see preloadClasses).
        boolean watchForClose = reader.canReadAhead();
        if (state == State.HANDSHAKING) {
            // a TLS handshake record the socket did not take yet goes out when it is writable
            return SelectionKey.OP_READ | (transport.hasPendingWrites() ? SelectionKey.OP_WRITE : 0);
        }
        if (state == State.AUTHENTICATING) {
            if (authenticationDelayedUntilMs() > 0) {
                return 0; // a failed login's answer waits for its time: nothing to read or write meanwhile
            }
            // While a response is stuck, only writability matters: the next frame is read once it is out.
            return authenticator.wantsWrite() || transport.hasPendingWrites() ? SelectionKey.OP_WRITE
                    : SelectionKey.OP_READ;
        }
        if (state == State.READING) {
            return reader.waitingForMemory() ? 0 : SelectionKey.OP_READ;
        }
        if (state == State.PROCESSING) {
            return watchForClose ? SelectionKey.OP_READ : 0;
        }
        if (state == State.SENDING) {
            return SelectionKey.OP_WRITE | (watchForClose ? SelectionKey.OP_READ : 0);
        }
        return 0;
    }

    /**
     * True when bytes already taken from the socket wait for the current state: read ahead by the frame reader, or
     * held inside the transport (TLS decrypts whole records). The selector will not report them (they left the
     * socket), so the processor serves such a connection without waiting for it.
     */
    boolean hasBufferedBytes() {
        if (state == State.HANDSHAKING || state == State.AUTHENTICATING) {
            return transport.hasBytesBuffered();
        }
        if (state == State.READING) {
            return !reader.waitingForMemory() && (reader.holdsBytes() || transport.hasBytesBuffered());
        }
        return false;
    }

    void close() {
        moveTo(State.CLOSED);
        sending = null;
        if (key != null) {
            key.cancel();
        }
        try {
            transport.close();
        } catch (IOException ignored) {
            // nothing more to do with a socket that fails to close
        }
    }

    static final class EndOfStreamException extends IOException {
        EndOfStreamException() {
            super("Connection closed by peer");
        }
    }

    static final class InvalidFrameException extends IOException {
        InvalidFrameException(String message) {
            super(message);
        }
    }
}
