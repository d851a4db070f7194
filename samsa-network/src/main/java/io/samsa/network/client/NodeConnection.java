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
 *   CONNECTING ──▶ HANDSHAKING ──▶ AUTHENTICATING ──▶ NEGOTIATING ──▶ READY
 *   (TCP)          (transport)     (SASL)             (ApiVersions)
 * </pre>
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
        READY
    }

    private static final Map<State, Set<State>> NEXT = Map.of(
            State.CONNECTING, EnumSet.of(State.HANDSHAKING),
            State.HANDSHAKING, EnumSet.of(State.AUTHENTICATING),
            State.AUTHENTICATING, EnumSet.of(State.NEGOTIATING),
            State.NEGOTIATING, EnumSet.of(State.READY),
            State.READY, EnumSet.noneOf(State.class));

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
                || state == State.AUTHENTICATING && authenticator.wantsWrite();
        return pending ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
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
