package io.samsa.broker.network;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import org.apache.kafka.common.network.Send;

/**
 * One client connection and its life cycle:
 * READING (size, then payload) → PROCESSING (reads muted) → SENDING → READING, or CLOSED from any state.
 * Only the owning processor thread touches it.
 */
final class Connection {
    enum State { READING, PROCESSING, SENDING, CLOSED }

    final long id;
    final SocketChannel socket;
    final SocketTransferableChannel transfer;
    final FrameHandler.ClientAddress address;
    SelectionKey key;
    State state = State.READING;
    long lastActiveMs;

    private final ByteBuffer sizeBuffer = ByteBuffer.allocate(4);
    private ByteBuffer payload;
    private Send sending;

    Connection(long id, SocketChannel socket, FrameHandler.ClientAddress address, long nowMs) {
        this.id = id;
        this.socket = socket;
        this.transfer = new SocketTransferableChannel(socket);
        this.address = address;
        this.lastActiveMs = nowMs;
    }

    /**
     * Reads as much of the next frame as the socket has.
     *
     * @return the complete frame, or null if more bytes are needed
     * @throws IOException on EOF, a socket error, or a size outside (0, maxBytes]
     */
    ByteBuffer readFrame(int maxBytes) throws IOException {
        if (payload == null) {
            if (socket.read(sizeBuffer) < 0) {
                throw new EndOfStreamException();
            }
            if (sizeBuffer.hasRemaining()) {
                return null;
            }
            int size = sizeBuffer.getInt(0);
            if (size <= 0 || size > maxBytes) {
                throw new InvalidFrameException("Invalid request size " + size + " (socket.request.max.bytes="
                        + maxBytes + ") from " + address);
            }
            payload = ByteBuffer.allocate(size);
        }
        if (socket.read(payload) < 0) {
            throw new EndOfStreamException();
        }
        if (payload.hasRemaining()) {
            return null;
        }
        ByteBuffer frame = payload.flip();
        payload = null;
        sizeBuffer.clear();
        return frame;
    }

    /** Starts (or continues) writing a response; true once it is all written. */
    boolean write(Send send) throws IOException {
        if (send != null) {
            sending = send;
        }
        sending.writeTo(transfer);
        if (sending.completed()) {
            sending = null;
            return true;
        }
        return false;
    }

    void close() {
        state = State.CLOSED;
        if (key != null) {
            key.cancel();
        }
        try {
            socket.close();
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
