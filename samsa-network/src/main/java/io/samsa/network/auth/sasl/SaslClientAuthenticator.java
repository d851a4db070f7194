package io.samsa.network.auth.sasl;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.apache.kafka.common.errors.IllegalSaslStateException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.UnsupportedSaslMechanismException;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.network.auth.ClientAuthenticator;
import io.samsa.network.auth.SaslFailure;
import io.samsa.network.auth.SaslMechanismClient;
import io.samsa.network.transport.TransportLayer;
import io.samsa.protocol.WireCodec;

/**
 * The client side of Kafka's SASL exchange for Samsa's own clients: SaslHandshake v1, then SaslAuthenticate v1
 * requests carrying the mechanism's tokens until it completes. No ApiVersions first: every broker since Kafka 1.0
 * (and Samsa) takes these versions, and the client's ApiVersions follows authentication anyway. A rejection
 * throws kafka-clients' {@link SaslAuthenticationException} or {@link UnsupportedSaslMechanismException} with
 * the broker's message, as Kafka's clients report it.
 * <pre>
 *   SEND_HANDSHAKE ─▶ RECEIVE_HANDSHAKE ─▶ SEND_TOKEN ─▶ RECEIVE_TOKEN ─┬─▶ COMPLETE
 *                                              ▲─────────────────────┘ (more tokens)
 * </pre>
 * One instance per connection; the client's I/O thread only.
 */
public final class SaslClientAuthenticator implements ClientAuthenticator {
    private static final short HANDSHAKE_VERSION = 1;
    private static final short AUTHENTICATE_VERSION = 1;
    /** A broker's SASL response is small; more than this is not a Kafka broker speaking SASL. */
    private static final int MAX_RESPONSE_BYTES = 1 << 20;

    private enum State { SEND_HANDSHAKE, RECEIVE_HANDSHAKE, SEND_TOKEN, RECEIVE_TOKEN, COMPLETE }

    private final TransportLayer transport;
    private final String clientId;
    private final SaslMechanismClient mechanism;
    private final ByteBuffer sizeBuffer = ByteBuffer.allocate(4);
    private ByteBuffer response;
    private ByteBuffer out;
    private State state = State.SEND_HANDSHAKE;
    private byte[] nextToken;
    private long sessionLifetimeMs;
    private int correlationId;

    public SaslClientAuthenticator(TransportLayer transport, String clientId, SaslMechanismClient mechanism) {
        this.transport = transport;
        this.clientId = clientId;
        this.mechanism = mechanism;
    }

    @Override
    public boolean authenticate() throws IOException {
        while (true) {
            if (out != null) {
                transport.write(out);
                if (out.hasRemaining()) {
                    return false;
                }
                out = null;
            }
            switch (state) {
                case SEND_HANDSHAKE -> {
                    send(ApiKeys.SASL_HANDSHAKE, HANDSHAKE_VERSION,
                            new SaslHandshakeRequestData().setMechanism(mechanism.mechanismName()));
                    state = State.RECEIVE_HANDSHAKE;
                }
                case RECEIVE_HANDSHAKE -> {
                    SaslHandshakeResponseData handshake = (SaslHandshakeResponseData) receive(ApiKeys.SASL_HANDSHAKE,
                            HANDSHAKE_VERSION);
                    if (handshake == null) {
                        return false;
                    }
                    handshakeDone(handshake);
                }
                case SEND_TOKEN -> {
                    send(ApiKeys.SASL_AUTHENTICATE, AUTHENTICATE_VERSION,
                            new SaslAuthenticateRequestData().setAuthBytes(nextToken));
                    state = State.RECEIVE_TOKEN;
                }
                case RECEIVE_TOKEN -> {
                    SaslAuthenticateResponseData answer = (SaslAuthenticateResponseData) receive(
                            ApiKeys.SASL_AUTHENTICATE, AUTHENTICATE_VERSION);
                    if (answer == null) {
                        return false;
                    }
                    tokenAnswered(answer);
                }
                default -> {
                    return true;
                }
            }
        }
    }

    @Override
    public boolean wantsWrite() {
        return out != null;
    }

    @Override
    public long sessionLifetimeMs() {
        return sessionLifetimeMs;
    }

    private void handshakeDone(SaslHandshakeResponseData handshake) {
        if (handshake.errorCode() == Errors.UNSUPPORTED_SASL_MECHANISM.code()) {
            throw new UnsupportedSaslMechanismException("Client SASL mechanism '" + mechanism.mechanismName()
                    + "' not enabled in the server, enabled mechanisms are " + handshake.mechanisms());
        }
        if (handshake.errorCode() != Errors.NONE.code()) {
            throw new IllegalSaslStateException("SaslHandshake failed: " + Errors.forCode(handshake.errorCode()));
        }
        try {
            nextToken = mechanism.initialResponse();
        } catch (SaslFailure e) {
            throw new SaslAuthenticationException(e.getMessage());
        }
        state = State.SEND_TOKEN;
    }

    private void tokenAnswered(SaslAuthenticateResponseData answer) {
        if (answer.errorCode() != Errors.NONE.code()) {
            String message = answer.errorMessage() != null ? answer.errorMessage()
                    : Errors.forCode(answer.errorCode()).message();
            throw new SaslAuthenticationException(message);
        }
        sessionLifetimeMs = answer.sessionLifetimeMs(); // told with the last answer; 0 before
        if (mechanism.isComplete()) {
            state = State.COMPLETE;
            return;
        }
        try {
            nextToken = mechanism.evaluate(answer.authBytes());
        } catch (SaslFailure e) {
            throw new SaslAuthenticationException(e.getMessage());
        }
        if (nextToken != null) {
            state = State.SEND_TOKEN;
        } else if (mechanism.isComplete()) {
            state = State.COMPLETE;
        } else {
            throw new IllegalSaslStateException("SASL " + mechanism.mechanismName()
                    + " has nothing to send but is not complete");
        }
    }

    private void send(ApiKeys key, short version, ApiMessage body) {
        out = WireCodec.encodeRequest(key, version, clientId, ++correlationId, body);
    }

    /** The response to the last request once it is all in, or null. */
    private ApiMessage receive(ApiKeys key, short version) throws IOException {
        if (response == null) {
            if (transport.read(sizeBuffer) < 0) {
                throw new IOException("Connection closed by broker during SASL authentication");
            }
            if (sizeBuffer.hasRemaining()) {
                return null;
            }
            int size = sizeBuffer.getInt(0);
            if (size < 4 || size > MAX_RESPONSE_BYTES) {
                throw new IOException("Invalid SASL response size " + size);
            }
            response = ByteBuffer.allocate(size);
        }
        if (response.hasRemaining() && transport.read(response) < 0) {
            throw new IOException("Connection closed by broker during SASL authentication");
        }
        if (response.hasRemaining()) {
            return null;
        }
        ByteBuffer frame = response.flip();
        response = null;
        sizeBuffer.clear();
        return WireCodec.decodeResponse(frame, key, version, correlationId);
    }
}
