package io.samsa.network.auth.sasl;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.apache.kafka.common.errors.IllegalSaslStateException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.network.auth.Authenticator;
import io.samsa.network.auth.Principal;
import io.samsa.network.auth.SaslFailure;
import io.samsa.network.auth.SaslMechanismServer;
import io.samsa.network.transport.TransportLayer;
import io.samsa.protocol.DecodedRequest;
import io.samsa.protocol.RequestFrameHeader;
import io.samsa.protocol.ResponseSend;
import io.samsa.protocol.WireCodec;

/**
 * The server side of Kafka's SASL exchange (KIP-43, KIP-152) on one connection of a SASL_PLAINTEXT or SASL_SSL
 * listener, before any request reaches the broker:
 * <pre>
 *   INITIAL ──ApiVersions──▶ HANDSHAKE ──SaslHandshake v1──▶ AUTHENTICATE ──SaslAuthenticate…──▶ COMPLETE
 *      └────────────────SaslHandshake v0───────────────────▶ AUTHENTICATE_RAW ──raw tokens…──┘
 * </pre>
 * It reads the size-prefixed frames itself, at most {@code sasl.server.max.receive.size} bytes each (a larger
 * size closes the connection before anything is allocated), and writes the responses through the transport,
 * waiting for it to be writable when a response does not go out at once ({@link #wantsWrite()}).
 *
 * <p>As Kafka's SaslServerAuthenticator: before the handshake only ApiVersions (once, or again after an
 * UNSUPPORTED_VERSION answer) and SaslHandshake are accepted, anything else closes the connection unanswered;
 * an unknown mechanism gets UNSUPPORTED_SASL_MECHANISM, a failed exchange SASL_AUTHENTICATION_FAILED, and another
 * request after the handshake its error response with ILLEGAL_SASL_STATE — each flushed, then the connection
 * closes. SaslHandshake v0 (still in Kafka 4, used by kafka-python) is followed by raw size-prefixed tokens, and
 * a failure then closes the connection without a response, as in Kafka.
 *
 * <p>Re-authentication (KIP-368): with {@code connections.max.reauth.ms} set for the mechanism, SaslAuthenticate
 * tells the client its session lifetime, and a SaslHandshake the network layer reads from the authenticated
 * connection comes back here ({@link #beginReauthentication}) to run the exchange again from HANDSHAKE: same
 * mechanism, same principal ({@link SaslSession}), or SASL_AUTHENTICATION_FAILED and the connection closes. A
 * session past its lifetime ({@link #sessionExpired}) is closed by the network layer at its next request.
 *
 * <p>One instance per connection; called only on the connection's network thread.
 */
public final class SaslServerAuthenticator implements Authenticator {
    /** Kafka's {@code sasl.server.max.receive.size} default. */
    public static final int DEFAULT_MAX_RECEIVE_SIZE = 524288;
    private static final Logger log = LoggerFactory.getLogger(SaslServerAuthenticator.class);

    private enum State { INITIAL, HANDSHAKE, AUTHENTICATE, AUTHENTICATE_RAW, COMPLETE }

    private final TransportLayer transport;
    private final SaslServerMechanisms mechanisms;
    private final ApiVersionsResponder apiVersions;
    private final int maxReceiveSize;
    private final SaslSession session;
    private final long failureDelayMs;
    /** When the answer to a failed login may go out (wall clock ms); 0 until a failure is pending. */
    private long failureAnswerAtMs;
    private final ByteBuffer sizeBuffer = ByteBuffer.allocate(4);
    /** The SaslHandshake that began a re-authentication, read by the network layer: handled before reading more. */
    private ByteBuffer pendingFrame;
    /** Set when a re-authentication asked for another mechanism: its SaslAuthenticate then fails with this. */
    private String refusedMechanism;
    private ByteBuffer payload;
    private State state = State.INITIAL;
    private SaslMechanismServer server;
    /** The response being written, or null. */
    private ResponseSend out;
    /** Thrown once {@link #out} is written: the connection closes after the client has the error response. */
    private AuthenticationFailedException failure;
    private Principal principal;

    public SaslServerAuthenticator(TransportLayer transport, SaslServerMechanisms mechanisms,
                                   ApiVersionsResponder apiVersions) {
        this(transport, mechanisms, apiVersions, DEFAULT_MAX_RECEIVE_SIZE);
    }

    public SaslServerAuthenticator(TransportLayer transport, SaslServerMechanisms mechanisms,
                                   ApiVersionsResponder apiVersions, int maxReceiveSize) {
        this(transport, mechanisms, apiVersions, new SaslServerSettings(maxReceiveSize, mechanism -> 0L, 0));
    }

    public SaslServerAuthenticator(TransportLayer transport, SaslServerMechanisms mechanisms,
                                   ApiVersionsResponder apiVersions, SaslServerSettings settings) {
        this.transport = transport;
        this.mechanisms = mechanisms;
        this.apiVersions = apiVersions;
        this.maxReceiveSize = settings.maxReceiveSize();
        this.failureDelayMs = settings.failedAuthenticationDelayMs();
        this.session = new SaslSession(settings.maxReauthMs());
    }

    @Override
    public boolean authenticate() throws IOException {
        while (true) {
            if (out != null && !flush()) {
                return false;
            }
            if (state == State.COMPLETE) {
                return true;
            }
            ByteBuffer frame = pendingFrame != null ? pendingFrame : readFrame();
            pendingFrame = null;
            if (frame == null) {
                return false;
            }
            if (state == State.AUTHENTICATE_RAW) {
                handleRawToken(frame);
            } else {
                handleRequest(frame);
            }
        }
    }

    @Override
    public boolean wantsWrite() {
        return out != null && failureDelayedUntilMs() == 0;
    }

    @Override
    public boolean beginReauthentication(ByteBuffer saslHandshakeFrame, long nowNanos) {
        if (state != State.COMPLETE) {
            throw new IllegalStateException("Re-authentication before authentication, in state " + state);
        }
        if (!session.beginReauthentication(nowNanos)) {
            return false;
        }
        ByteBuffer copy = ByteBuffer.allocate(saslHandshakeFrame.remaining());
        copy.put(saslHandshakeFrame.duplicate()).flip();
        pendingFrame = copy;
        server = null;
        refusedMechanism = null;
        state = State.HANDSHAKE;
        log.debug("Re-authenticating {}", principal);
        return true;
    }

    @Override
    public boolean sessionExpired(long nowNanos) {
        return session.expired(nowNanos);
    }

    @Override
    public Principal principal() {
        if (principal == null) {
            throw new IllegalStateException("Not authenticated");
        }
        return principal;
    }

    @Override
    public long failureDelayedUntilMs() {
        return failure != null && out != null && failureAnswerAtMs > System.currentTimeMillis() ? failureAnswerAtMs
                : 0;
    }

    /**
     * Writes what the transport takes of {@link #out}; throws the pending failure once it is all out. A failure's
     * answer first waits for {@code connection.failed.authentication.delay.ms}, as Kafka's does.
     */
    private boolean flush() throws IOException {
        if (failure != null && failureDelayMs > 0) {
            if (failureAnswerAtMs == 0) {
                failureAnswerAtMs = System.currentTimeMillis() + failureDelayMs;
            }
            if (failureDelayedUntilMs() > 0) {
                return false;
            }
        }
        if (!out.writeTo(transport)) {
            return false;
        }
        out = null;
        if (failure != null) {
            throw failure;
        }
        return true;
    }

    /** One whole frame (size prefix removed), or null while more bytes are needed. */
    private ByteBuffer readFrame() throws IOException {
        if (payload == null) {
            if (transport.read(sizeBuffer) < 0) {
                throw new IOException("Connection closed by peer during SASL authentication");
            }
            if (sizeBuffer.hasRemaining()) {
                return null;
            }
            int size = sizeBuffer.getInt(0);
            if (size < 0 || size > maxReceiveSize) {
                throw new AuthenticationFailedException("Failing SASL authentication due to invalid receive size "
                        + size + " (sasl.server.max.receive.size=" + maxReceiveSize + ")");
            }
            payload = ByteBuffer.allocate(size);
        }
        if (payload.hasRemaining() && transport.read(payload) < 0) {
            throw new IOException("Connection closed by peer during SASL authentication");
        }
        if (payload.hasRemaining()) {
            return null;
        }
        ByteBuffer frame = payload.flip();
        payload = null;
        sizeBuffer.clear();
        return frame;
    }

    private void handleRequest(ByteBuffer frame) throws IOException {
        RequestFrameHeader header;
        try {
            header = WireCodec.parseHeader(frame);
        } catch (InvalidRequestException e) {
            throw new AuthenticationFailedException("Invalid request, potential reasons: kafka client configured with"
                    + " the wrong security protocol, it does not support KIP-43 or it is not a kafka client ("
                    + e.getMessage() + ")");
        }
        ApiKeys key = header.apiKey();
        if (state == State.AUTHENTICATE) {
            handleAuthenticate(header, frame);
        } else if (key == ApiKeys.API_VERSIONS) {
            handleApiVersions(header, frame);
        } else if (key == ApiKeys.SASL_HANDSHAKE) {
            handleHandshake(header, frame);
        } else {
            throw new AuthenticationFailedException("Unexpected Kafka request of type " + key
                    + " during SASL handshake.");
        }
    }

    private void handleApiVersions(RequestFrameHeader header, ByteBuffer frame) throws IOException {
        if (state != State.INITIAL) {
            throw new AuthenticationFailedException("Unexpected ApiVersions request received during SASL"
                    + " authentication state " + state);
        }
        short version = header.apiVersion();
        if (!apiVersions.supports(version) || !WireCodec.canDecode(header)) {
            // KIP-511: a v0 answer the client can read, listing the versions it may retry with; still INITIAL.
            ApiVersionsResponseData body = apiVersions.respond((short) 0, new ApiVersionsRequestData())
                    .setErrorCode(Errors.UNSUPPORTED_VERSION.code());
            out = WireCodec.encodeResponse(WireCodec.headerOnly(header), body, (short) 0);
            return;
        }
        DecodedRequest request = decode(header, frame);
        out = WireCodec.encodeResponse(request,
                apiVersions.respond(version, (ApiVersionsRequestData) request.body()), version);
        state = State.HANDSHAKE;
    }

    private void handleHandshake(RequestFrameHeader header, ByteBuffer frame) throws IOException {
        DecodedRequest request = decode(header, frame);
        String mechanism = ((SaslHandshakeRequestData) request.body()).mechanism();
        server = mechanisms.start(mechanism);
        SaslHandshakeResponseData body = new SaslHandshakeResponseData()
                .setMechanisms(mechanisms.enabledForResponse());
        out = WireCodec.encodeResponse(request, body, request.apiVersion());
        if (server == null) {
            body.setErrorCode(Errors.UNSUPPORTED_SASL_MECHANISM.code());
            failure = new AuthenticationFailedException("Unsupported SASL mechanism " + mechanism);
            return;
        }
        // As Kafka: the handshake itself succeeds; the exchange that follows fails with the reason.
        refusedMechanism = session.refusedMechanism(mechanism);
        state = request.apiVersion() >= 1 ? State.AUTHENTICATE : State.AUTHENTICATE_RAW;
    }

    private void handleAuthenticate(RequestFrameHeader header, ByteBuffer frame) throws IOException {
        DecodedRequest request = decode(header, frame);
        if (header.apiKey() != ApiKeys.SASL_AUTHENTICATE) {
            String message = "Unexpected Kafka request of type " + header.apiKey() + " during SASL authentication.";
            try {
                out = WireCodec.encodeResponse(request, request.errorResponse(new IllegalSaslStateException(message)),
                        request.apiVersion());
            } catch (RuntimeException unanswerable) {
                // kafka-clients cannot build this request's error response: close without one
                throw new AuthenticationFailedException(message);
            }
            failure = new AuthenticationFailedException(message);
            return;
        }
        byte[] token = ((SaslAuthenticateRequestData) request.body()).authBytes();
        SaslAuthenticateResponseData body = new SaslAuthenticateResponseData();
        out = WireCodec.encodeResponse(request, body, request.apiVersion());
        if (refusedMechanism != null) {
            refuse(body, refusedMechanism, new AuthenticationFailedException(refusedMechanism));
            return;
        }
        try {
            byte[] response = server.evaluate(token);
            body.setAuthBytes(response);
            if (server.isComplete()) {
                body.setSessionLifetimeMs(complete());
            }
        } catch (SaslFailure e) {
            refuse(body, e.clientMessage(server.mechanismName()), new AuthenticationFailedException(
                    "Failed authentication with SASL mechanism " + server.mechanismName() + ": " + e.getMessage()));
        } catch (AuthenticationFailedException e) {
            refuse(body, e.getMessage(), e);
        }
    }

    /** Answers SASL_AUTHENTICATION_FAILED with the client's message; the connection closes once it is out. */
    private void refuse(SaslAuthenticateResponseData body, String clientMessage, AuthenticationFailedException e) {
        body.setErrorCode(Errors.SASL_AUTHENTICATION_FAILED.code())
                .setErrorMessage(clientMessage)
                .setAuthBytes(new byte[0]);
        failure = e;
    }

    /** After SaslHandshake v0: the frame is the mechanism's token itself, and so is the answer. */
    private void handleRawToken(ByteBuffer frame) throws IOException {
        byte[] token = new byte[frame.remaining()];
        frame.get(token);
        byte[] response;
        try {
            response = server.evaluate(token);
        } catch (SaslFailure e) {
            throw new AuthenticationFailedException("Failed authentication with SASL mechanism "
                    + server.mechanismName() + ": " + e.getMessage());
        }
        if (refusedMechanism != null) {
            throw new AuthenticationFailedException(refusedMechanism);
        }
        out = ResponseSend.ofBuffers(ByteBuffer.allocate(4).putInt(0, response.length), ByteBuffer.wrap(response));
        if (server.isComplete()) {
            complete();
        }
    }

    /**
     * The exchange succeeded: the session starts (again). Returns its lifetime, told to SaslAuthenticate v1+
     * clients (0: no re-authentication).
     *
     * @throws AuthenticationFailedException if a re-authentication changed the principal
     */
    private long complete() throws AuthenticationFailedException {
        Principal authenticated = new Principal("User", server.authorizationId());
        boolean again = session.reauthenticating();
        long lifetimeMs = session.authenticated(server.mechanismName(), authenticated, System.nanoTime());
        principal = authenticated;
        state = State.COMPLETE;
        log.debug("{} {} with SASL mechanism {}; session lifetime {} ms", again ? "Re-authenticated" : "Authenticated",
                principal, server.mechanismName(), lifetimeMs);
        return lifetimeMs;
    }

    private static DecodedRequest decode(RequestFrameHeader header, ByteBuffer frame) throws IOException {
        if (!WireCodec.canDecode(header)) {
            throw new AuthenticationFailedException("Unsupported " + header.apiKey() + " version "
                    + header.apiVersion() + " during SASL authentication");
        }
        try {
            return WireCodec.decodeBody(header, frame);
        } catch (InvalidRequestException e) {
            throw new AuthenticationFailedException(e.getMessage());
        }
    }

    /** Authentication failed or broke the protocol: the connection closes (after any error response is out). */
    static final class AuthenticationFailedException extends IOException {
        AuthenticationFailedException(String message) {
            super(message);
        }
    }
}
