package io.samsa.network.server;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import org.apache.kafka.common.network.Send;

/**
 * One client connection and its life cycle:
 * READING (size, then payload) → PROCESSING → SENDING → READING, or CLOSED from any state.
 * While PROCESSING or SENDING only a few KiB are read ahead, to notice a peer that closes
 * ({@link FrameReader#readAhead}); at most one request per connection is in flight, so responses leave in
 * request order.
 * Only the owning processor thread touches it.
 */
final class Connection {
    enum State { READING, PROCESSING, SENDING, CLOSED }

    final long id;
    final SocketChannel socket;
    final InetAddress remoteAddress;
    final SocketTransferableChannel transfer;
    final FrameHandler.ClientAddress address;
    final FrameReader reader = new FrameReader();
    SelectionKey key;
    State state = State.READING;
    long lastActiveMs;
    /** Pool bytes held by the request in flight, released when it is done or the connection closes. */
    long requestReservation;

    private Send sending;

    Connection(long id, SocketChannel socket, InetAddress remoteAddress, FrameHandler.ClientAddress address,
               long nowMs) {
        this.id = id;
        this.socket = socket;
        this.remoteAddress = remoteAddress;
        this.transfer = new SocketTransferableChannel(socket);
        this.address = address;
        this.lastActiveMs = nowMs;
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

    /** The selector interest that goes with the current state. */
    int interestOps() {
        boolean watchForClose = reader.canReadAhead();
        return switch (state) {
            case READING -> reader.waitingForMemory() ? 0 : SelectionKey.OP_READ;
            case PROCESSING -> watchForClose ? SelectionKey.OP_READ : 0;
            case SENDING -> SelectionKey.OP_WRITE | (watchForClose ? SelectionKey.OP_READ : 0);
            case CLOSED -> 0;
        };
    }

    void close() {
        state = State.CLOSED;
        sending = null;
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
