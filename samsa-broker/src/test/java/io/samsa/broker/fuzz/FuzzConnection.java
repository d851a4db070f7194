package io.samsa.broker.fuzz;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One socket to the broker that sends a fuzz frame followed by an ApiVersions v0 probe and reads until the
 * probe's answer, the end of the stream, or the liveness bound. The broker answers a connection's requests in
 * order, so the probe's answer means the fuzz frame was dealt with (answered, or silently dropped as an acks=0
 * produce is). Owned by one worker thread.
 */
final class FuzzConnection implements AutoCloseable {
    enum Outcome {
        /** The probe was answered: the frame was handled and the connection still works. */
        ANSWERED,
        /** The broker closed the connection (end of stream or reset). */
        CLOSED,
        /** Nothing within the liveness bound. */
        NO_ANSWER
    }

    private static final int MAX_RESPONSE_BYTES = 64 << 20;
    private static final int PROBE_CORRELATION_BASE = 0x5a5a0000;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int probes;
    private byte[] answer;

    FuzzConnection(int port, int connectTimeoutMs) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), connectTimeoutMs);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Sends the frame and a probe; waits at most {@code timeoutMs} between bytes of the answers. */
    Outcome exchange(FuzzFrame frame, int timeoutMs) throws IOException {
        socket.setSoTimeout(timeoutMs);
        int probeId = PROBE_CORRELATION_BASE + probes++;
        answer = null;
        try {
            out.write(frame.bytes());
            out.write(probe(probeId));
            out.flush();
        } catch (SocketException e) {
            return Outcome.CLOSED; // closed while we were still writing
        }
        try {
            while (true) {
                int size = in.readInt();
                if (size < 4 || size > MAX_RESPONSE_BYTES) {
                    throw new IOException("broker sent a response size of " + size);
                }
                byte[] body = new byte[size];
                in.readFully(body);
                if (ByteBuffer.wrap(body).getInt() == probeId) {
                    return Outcome.ANSWERED;
                }
                answer = answer == null ? body : answer;
            }
        } catch (SocketTimeoutException e) {
            return Outcome.NO_ANSWER;
        } catch (EOFException | SocketException e) {
            return Outcome.CLOSED;
        }
    }

    /** The last exchange's answer to the fuzz frame itself (size prefix removed), or null if it had none. */
    byte[] answer() {
        return answer;
    }

    private static byte[] probe(int correlationId) {
        byte[] clientId = "fuzz-probe".getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + 10 + clientId.length).putInt(10 + clientId.length).putShort((short) 18)
                .putShort((short) 0).putInt(correlationId).putShort((short) clientId.length).put(clientId).array();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
