package io.samsa.network.auth.sasl;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;

import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import io.samsa.protocol.WireCodec;

/**
 * A blocking client for the tests: Kafka request frames made by kafka-clients' generated message classes, raw
 * frames, and a check that the server closed the connection.
 */
final class SaslTestClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private int correlationId;

    SaslTestClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
    }

    /** Sends a request, reads its response, decoded at {@code responseVersion}. */
    ApiMessage request(ApiKeys key, short version, ApiMessage body, short responseVersion) throws IOException {
        int id = ++correlationId;
        ByteBuffer frame = WireCodec.encodeRequest(key, version, "sasl-test", id, body);
        socket.getOutputStream().write(frame.array(), frame.arrayOffset(), frame.remaining());
        return WireCodec.decodeResponse(ByteBuffer.wrap(readFrame()), key, responseVersion, id);
    }

    ApiMessage request(ApiKeys key, short version, ApiMessage body) throws IOException {
        return request(key, version, body, version);
    }

    SaslHandshakeResponseData handshake(String mechanism) throws IOException {
        return (SaslHandshakeResponseData) request(ApiKeys.SASL_HANDSHAKE, (short) 1,
                new SaslHandshakeRequestData().setMechanism(mechanism));
    }

    SaslAuthenticateResponseData authenticate(byte[] token) throws IOException {
        return (SaslAuthenticateResponseData) request(ApiKeys.SASL_AUTHENTICATE, (short) 2,
                new SaslAuthenticateRequestData().setAuthBytes(token));
    }

    /** Writes a request frame without waiting for an answer. */
    void send(ApiKeys key, short version, ApiMessage body) throws IOException {
        ByteBuffer frame = WireCodec.encodeRequest(key, version, "sasl-test", ++correlationId, body);
        socket.getOutputStream().write(frame.array(), frame.arrayOffset(), frame.remaining());
    }

    void write(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
    }

    /** Writes {@code payload} with its size prefix and reads one size-prefixed frame back. */
    byte[] exchangeRaw(byte[] payload) throws IOException {
        write(ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array());
        return readFrame();
    }

    byte[] readFrame() throws IOException {
        byte[] frame = new byte[in.readInt()];
        in.readFully(frame);
        return frame;
    }

    /** True if the server closed the connection (end of stream or reset) with nothing more sent; waits up to 10 s. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (EOFException | SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
