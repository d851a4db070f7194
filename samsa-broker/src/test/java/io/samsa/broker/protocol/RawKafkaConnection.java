package io.samsa.broker.protocol;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import io.samsa.protocol.WireCodec;

/** A blocking one-request-at-a-time Kafka connection for tests that speak the protocol directly. */
public final class RawKafkaConnection implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int correlationId;

    RawKafkaConnection(String host, int port) throws IOException {
        this(host, port, 10_000);
    }

    /** @param readTimeoutMs how long {@link #send} waits for a response before it throws */
    public RawKafkaConnection(String host, int port, int readTimeoutMs) throws IOException {
        socket = new Socket(host, port);
        socket.setSoTimeout(readTimeoutMs);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    public ApiMessage send(ApiKeys key, short version, ApiMessage body) throws IOException {
        int id = ++correlationId;
        ByteBuffer frame = WireCodec.encodeRequest(key, version, "raw-test", id, body);
        out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
        out.flush();
        int size = in.readInt();
        byte[] response = new byte[size];
        in.readFully(response);
        return WireCodec.decodeResponse(ByteBuffer.wrap(response), key, version, id);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
