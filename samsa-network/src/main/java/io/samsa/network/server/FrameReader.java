package io.samsa.network.server;

import java.io.IOException;
import java.nio.ByteBuffer;

import io.samsa.network.transport.TransportLayer;

/**
 * Reads one size-prefixed request frame at a time from a connection's transport, without trusting the size.
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
    /** Most bytes read ahead while a request is in flight (allocated then, dropped once read). */
    static final int LOOKAHEAD_BYTES = 4096;

    private final ByteBuffer sizeBuffer = ByteBuffer.allocate(4);
    private ByteBuffer payload;
    private int frameSize;
    private long reserved;
    private boolean restReserved;
    private boolean waitingForMemory;
    /** Bytes read ahead while a request was in flight, not yet taken by {@link #read} (write mode), or null. */
    private ByteBuffer lookahead;

    /**
     * Reads as much of the current frame as the socket has, reserving memory as needed.
     *
     * @return the complete frame, or null if more bytes (or pool memory: see {@link #waitingForMemory()}) are needed
     * @throws IOException on EOF, a socket error, or a size outside (0, maxBytes]
     */
    ByteBuffer read(TransportLayer socket, int maxBytes, RequestMemoryPool pool) throws IOException {
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
     * While a request is being processed: reads what the peer sent next into a small look-ahead buffer (at most
     * {@link #LOOKAHEAD_BYTES}), only so that a peer that closes is noticed (EOF throws) even when it had sent its
     * next requests already, as pipelining clients do. {@link #read} takes its bytes from there first.
     */
    void readAhead(TransportLayer socket) throws IOException {
        if (lookahead == null) {
            lookahead = ByteBuffer.allocate(LOOKAHEAD_BYTES);
        }
        if (lookahead.hasRemaining() && socket.read(lookahead) < 0) {
            throw new Connection.EndOfStreamException();
        }
        if (lookahead.position() == 0) {
            lookahead = null;
        }
    }

    /**
     * Whether {@link #readAhead} may read more. False once the look-ahead buffer is full: from then on a peer that
     * closes is noticed only when the request in flight is done (or the connection idles out), as in Kafka, which
     * reads nothing while a request is in flight.
     */
    boolean canReadAhead() {
        return lookahead == null || lookahead.hasRemaining();
    }

    /** True when bytes were read ahead: {@link #read} must be called even if the peer sends nothing more. */
    boolean holdsBytes() {
        return lookahead != null && lookahead.position() > 0;
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
        lookahead = null;
    }

    private boolean readSize(TransportLayer socket) throws IOException {
        if (sizeBuffer.hasRemaining() && fill(socket, sizeBuffer) < 0) {
            throw new Connection.EndOfStreamException();
        }
        return !sizeBuffer.hasRemaining();
    }

    private int readWindow(TransportLayer socket, ByteBuffer buffer) throws IOException {
        int limit = buffer.limit();
        buffer.limit(Math.min(limit, buffer.position() + READ_WINDOW));
        try {
            return fill(socket, buffer);
        } finally {
            buffer.limit(limit);
        }
    }

    /** Reads into {@code dst} from the look-ahead bytes if there are any, else from the socket. */
    private int fill(TransportLayer socket, ByteBuffer dst) throws IOException {
        if (lookahead == null || lookahead.position() == 0) {
            return socket.read(dst);
        }
        lookahead.flip();
        int n = Math.min(lookahead.remaining(), dst.remaining());
        ByteBuffer part = lookahead.slice();
        part.limit(n);
        dst.put(part);
        lookahead.position(lookahead.position() + n);
        lookahead.compact();
        if (lookahead.position() == 0) {
            lookahead = null;
        }
        return n;
    }
}
