package io.samsa.network.transport;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;

import io.samsa.protocol.FrameSink;

/**
 * The byte stream under one connection, broker or client side: plaintext ({@link PlaintextTransport}) or TLS
 * ({@code io.samsa.network.tls.SslTransport}). Everything above it (framing, authentication, responses) reads and writes through it, never through the
 * socket, so that a TLS transport slots in without touching the state machines. Non-blocking throughout.
 *
 * <p>Owned by the thread that owns its connection (a broker network thread, a client's I/O thread).
 */
public interface TransportLayer extends FrameSink, Closeable {

    /** The socket, for selector registration and addresses only: bytes go through this transport. */
    SocketChannel socketChannel();

    /**
     * One non-blocking step of the transport's own handshake (TLS); plaintext has none.
     *
     * @return true once the handshake is complete and application bytes may flow
     */
    boolean handshake() throws IOException;

    /** Reads what is available into {@code dst}; -1 at end of stream. */
    int read(ByteBuffer dst) throws IOException;

    /**
     * True when bytes already taken from the socket wait inside the transport (TLS: records decrypted but not yet
     * read, or whole records not yet decrypted). The socket need not become readable again for them, so the owner
     * must call {@link #read} again without waiting for the selector. Plaintext: never.
     */
    default boolean hasBytesBuffered() {
        return false;
    }

    /** Writes what the transport takes now of {@code src}. */
    default int write(ByteBuffer src) throws IOException {
        return (int) write(new ByteBuffer[] {src}, 0, 1);
    }

    /**
     * Whether file regions go out without passing through user space. A transport that answers false implements
     * {@link #transferFrom} with {@link FileCopy#transfer}, a copy through a buffer.
     */
    boolean zeroCopy();

    @Override
    long transferFrom(FileChannel file, long position, long count) throws IOException;

    boolean isOpen();

    @Override
    void close() throws IOException;
}
