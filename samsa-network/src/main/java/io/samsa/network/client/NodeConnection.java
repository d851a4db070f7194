package io.samsa.network.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.protocol.ApiKeys;

import io.samsa.network.auth.ClientAuthenticator;
import io.samsa.network.transport.TransportLayer;

/**
 * One broker connection: its life-cycle state, queued writes, requests awaiting a response, versions, and how long
 * the broker throttles it.
 * <pre>
 *   CONNECTING ──▶ HANDSHAKING ──▶ AUTHENTICATING ──▶ NEGOTIATING ──▶ READY ◀──▶ REAUTHENTICATING
 *   (TCP)          (transport)     (SASL)             (ApiVersions)           (SASL again, KIP-368)
 * </pre>
 * A broker that gives the SASL session a lifetime is re-authenticated on the same connection, as kafka-clients
 * does: at 85–95 % of the lifetime ({@link #reauthAtMs}) new requests wait, and once no response is outstanding the
 * exchange runs again (REAUTHENTICATING), then the waiting requests go out.
 * A plaintext connection passes HANDSHAKING and AUTHENTICATING at once. A closed connection is dropped from
 * {@link NetworkIo}'s map rather than given a state. Every change goes through {@link #moveTo}, which rejects a
 * transition not drawn above.
 *
 * <p>Only the client's I/O thread touches it.
 */
final class NodeConnection {
    enum State {
        /** TCP connect in progress. */
        CONNECTING,
        /** The transport's handshake (TLS); plaintext has none. */
        HANDSHAKING,
        /** Client-side authentication (SASL); plaintext has none. */
        AUTHENTICATING,
        /** ApiVersions sent, versions not known yet. */
        NEGOTIATING,
        /** Requests may be sent. */
        READY,
        /** The SASL exchange again, before the session's lifetime ends; requests wait. */
        REAUTHENTICATING
    }

    private static final Map<State, Set<State>> NEXT = Map.of(
            State.CONNECTING, EnumSet.of(State.HANDSHAKING),
            State.HANDSHAKING, EnumSet.of(State.AUTHENTICATING),
            State.AUTHENTICATING, EnumSet.of(State.NEGOTIATING),
            State.NEGOTIATING, EnumSet.of(State.READY),
            State.READY, EnumSet.of(State.REAUTHENTICATING),
            State.REAUTHENTICATING, EnumSet.of(State.READY));

    /** A request on the wire. {@code handler} is told of the response, or of the write for no-response ones. */
    record Request(ApiKeys key, short version, int correlationId, boolean expectResponse, long sentMs,
                   ResponseHandler handler) {
    }

    record Outgoing(ByteBuffer frame, Request request) {
    }

    final int nodeId;
    final TransportLayer transport;
    final SelectionKey key;
    private State state = State.CONNECTING;
    final ArrayDeque<Outgoing> writes = new ArrayDeque<>();
    final ArrayDeque<Request> awaiting = new ArrayDeque<>();
    final Map<ApiKeys, Short> versions = new EnumMap<>(ApiKeys.class);
    final ByteBuffer sizeBuffer = ByteBuffer.allocate(4);
    ByteBuffer body;
    final long startedMs;
    /**
     * Until when the broker asked this client to send nothing more (KIP-219 throttle_time_ms); 0 when it
     * is not throttled. Queued requests wait in {@link #writes} until then.
     */
    long throttledUntilMs;
    /** When to re-authenticate (wall clock ms); 0: never (no session lifetime). */
    long reauthAtMs;
    /** When the current re-authentication began: bounded by request.timeout.ms like the first one. */
    long reauthStartedMs;
    /** Set by {@link NetworkIo} right after construction; none for PLAINTEXT and SSL. */
    ClientAuthenticator authenticator = ClientAuthenticator.none();

    NodeConnection(int nodeId, TransportLayer transport, SelectionKey key, long startedMs) {
        this.startedMs = startedMs;
        this.nodeId = nodeId;
        this.transport = transport;
        this.key = key;
    }

    State state() {
        return state;
    }

    /** The one place a state changes; throws on a transition the life cycle does not have. */
    void moveTo(State next) {
        if (!NEXT.get(state).contains(next)) {
            throw new IllegalStateException("Connection to node " + nodeId + ": no transition " + state + " -> " + next);
        }
        state = next;
    }

    /** Still before NEGOTIATING: connecting, handshaking or authenticating (bounded by request.timeout.ms). */
    boolean settingUp() {
        return state.compareTo(State.NEGOTIATING) < 0;
    }

    /**
     * From a completed TCP connect, through the handshake and authentication as far as the transport allows.
     *
     * @return true once the connection may negotiate versions
     */
    boolean advanceSetup() throws IOException {
        if (state == State.CONNECTING) {
            moveTo(State.HANDSHAKING);
        }
        if (state == State.HANDSHAKING) {
            if (!transport.handshake()) {
                return false;
            }
            moveTo(State.AUTHENTICATING);
        }
        return state == State.AUTHENTICATING && authenticator.authenticate();
    }

    /** The selector interest while setting up: writability too while the authenticator has bytes stuck. */
    int setupInterestOps() {
        // a TLS handshake record or a SASL request the socket did not take yet goes out when it is writable
        boolean pending = transport.hasPendingWrites()
                || (state == State.AUTHENTICATING || state == State.REAUTHENTICATING) && authenticator.wantsWrite();
        return pending ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
    }

    /**
     * The session is (re-)authenticated: the next re-authentication is due at a random 85–95 % of the lifetime the
     * broker told (kafka-clients' spread, so that connections do not all re-authenticate at once).
     */
    void sessionStarted(long nowMs) {
        long lifetimeMs = authenticator.sessionLifetimeMs();
        reauthAtMs = lifetimeMs <= 0 ? 0 : nowMs + (long) (lifetimeMs * (0.85 + 0.1 * Math.random()));
    }

    /** Whether a written request still awaits its response ({@link #awaiting} also holds the queued ones). */
    boolean responsesOutstanding() {
        return awaiting.size() > writes.stream().filter(o -> o.request().expectResponse()).count();
    }

    /** Whether new requests must wait for a re-authentication. */
    boolean reauthDue(long nowMs) {
        return reauthAtMs > 0 && nowMs >= reauthAtMs;
    }

    /** Whether new requests are held back: the broker throttles, or the session must be renewed first. */
    boolean holdsNewRequests(long nowMs) {
        return throttled(nowMs) || reauthDue(nowMs);
    }

    /** Whether the broker's throttle still holds new requests back at {@code nowMs}. */
    boolean throttled(long nowMs) {
        return nowMs < throttledUntilMs;
    }

    /** Holds new requests back until {@code untilMs}, or later if an earlier response asked for longer. */
    void throttle(long untilMs) {
        throttledUntilMs = Math.max(throttledUntilMs, untilMs);
    }

    int inFlight() {
        return awaiting.size() + (int) writes.stream().filter(o -> !o.request().expectResponse()).count();
    }
}
