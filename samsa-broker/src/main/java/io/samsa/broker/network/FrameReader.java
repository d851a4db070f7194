package io.samsa.broker.network;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Reads one size-prefixed request frame at a time from a socket, without trusting the size.
 *
 * <p>The 4-byte size alone allocates nothing large: the first {@link #UNPOOLED_BYTES} of a frame go into a
 * small buffer that every connection may have. Only once the peer has actually sent that much is the rest of a
 * larger frame reserved from the {@link RequestMemoryPool}, all at once (so frames that hold a reservation can
 * always complete, and partial frames cannot deadlock the pool), and allocated in steps as the bytes arrive (so a
 * peer that sent a little and left costs little even after its reservation). Small requests — ApiVersions, Metadata,
 * heartbeats, commits — therefore never wait for the pool. The bytes reserved for a complete frame travel with
 * it ({@link #takeReservation()}) and are released when its request is done.
 *
 * <p>Owned by the connection's processor thread.
 */
final class FrameReader {
    /** Bytes of a frame read before the pool is asked for the rest. */
    static final int UNPOOLED_BYTES = 16 * 1024;
    /**
     * Most bytes asked of the socket per read: a read into a heap buffer goes through a JDK temporary direct
     * buffer of the same size, cached per thread, which must not grow to the frame size.
     */
    private static final int READ_WINDOW = 256 * 1024;

    private final ByteBuffer sizeBuffer = ByteBuffer.allocate(4);
    private ByteBuffer payload;
    private int frameSize;
    private long reserved;
    private boolean restReserved;
    private boolean waitingForMemory;

    /**
     * Reads as much of the current frame as the socket has, reserving memory as needed.
     *
     * @return the complete frame, or null if more bytes (or pool memory: see {@link #waitingForMemory()}) are needed
     * @throws IOException on EOF, a socket error, or a size outside (0, maxBytes]
     */
    ByteBuffer read(SocketChannel socket, int maxBytes, RequestMemoryPool pool) throws IOException {
        if (payload == null) {
            if (!readSize(socket)) {
                return null;
            }
            int size = sizeBuffer.getInt(0);
            if (size <= 0 || size > maxBytes) {
                throw new Connection.InvalidFrameException("Invalid request size " + size
                        + " (socket.request.max.bytes=" + maxBytes + ")");
            }
            frameSize = size;
            payload = ByteBuffer.allocate(Math.min(size, UNPOOLED_BYTES));
        }
        while (true) {
            if (!payload.hasRemaining()) {
                if (payload.capacity() == frameSize) {
                    ByteBuffer frame = payload.flip();
                    payload = null;
                    restReserved = false;
                    sizeBuffer.clear();
                    return frame;
                }
                if (!tryReserveRest(pool)) {
                    return null;
                }
                grow();
            }
            int n = readWindow(socket, payload);
            if (n < 0) {
                throw new Connection.EndOfStreamException();
            }
            if (n == 0) {
                return null;
            }
        }
    }

    /**
     * Within the reservation, the buffer grows fourfold as bytes arrive rather than to the whole frame at once:
     * a peer that sent a little and left (or stalls) costs a few times what it sent, not the size it announced.
     */
    private void grow() {
        ByteBuffer larger = ByteBuffer.allocate((int) Math.min(frameSize, 4L * payload.capacity()));
        larger.put(payload.flip());
        payload = larger;
    }

    /**
     * While a request is being processed: reads at most the next frame's 4-byte size, only so that a peer that
     * closes is noticed (EOF throws). Returns true once the size is complete (then there is nothing to watch).
     */
    boolean readAhead(SocketChannel socket) throws IOException {
        return readSize(socket);
    }

    /** True when the next frame's size has been read completely (nothing more is read until it is processed). */
    boolean sizeComplete() {
        return !sizeBuffer.hasRemaining();
    }

    /** True when the frame's first bytes are in and the pool had no room for the rest. */
    boolean waitingForMemory() {
        return waitingForMemory;
    }

    /** Reserves the rest of the current frame (retried while it waits for memory); true once it holds it. */
    boolean tryReserveRest(RequestMemoryPool pool) {
        if (restReserved) {
            return true;
        }
        long rest = (long) frameSize - payload.capacity();
        if (!pool.tryReserve(rest)) {
            waitingForMemory = true;
            return false;
        }
        waitingForMemory = false;
        restReserved = true;
        reserved += rest;
        return true;
    }

    /** Hands over the reservation of the frame just returned by {@link #read}. */
    long takeReservation() {
        long r = reserved;
        reserved = 0;
        return r;
    }

    /** On close: gives back whatever a partial frame holds. */
    void release(RequestMemoryPool pool) {
        pool.release(reserved);
        reserved = 0;
        restReserved = false;
        payload = null;
    }

    private boolean readSize(SocketChannel socket) throws IOException {
        if (sizeBuffer.hasRemaining() && socket.read(sizeBuffer) < 0) {
            throw new Connection.EndOfStreamException();
        }
        return !sizeBuffer.hasRemaining();
    }

    private static int readWindow(SocketChannel socket, ByteBuffer buffer) throws IOException {
        int limit = buffer.limit();
        buffer.limit(Math.min(limit, buffer.position() + READ_WINDOW));
        try {
            return socket.read(buffer);
        } finally {
            buffer.limit(limit);
        }
    }
}
