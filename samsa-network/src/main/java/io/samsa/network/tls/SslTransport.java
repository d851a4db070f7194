package io.samsa.network.tls;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

import io.samsa.network.transport.FileCopy;
import io.samsa.network.transport.TransportLayer;

/**
 * TLS over a non-blocking socket with the JDK's {@link SSLEngine}, server mode (broker listeners) or client mode
 * (our clients, inter-broker), TLS 1.2 and 1.3.
 *
 * <p>Three buffers: {@code netRead} holds encrypted bytes read from the socket and not yet decrypted (write mode),
 * {@code appRead} decrypted bytes not yet handed to the caller (write mode), {@code netWrite} encrypted bytes not
 * yet taken by the socket (read mode). The socket is read only when the engine needs more bytes (an empty
 * {@code netRead} or a partial record), so {@link #hasBytesBuffered()} is exact: it is true only when a
 * {@link #read} would make progress without the socket, which the owner must then call without waiting for the
 * selector (the socket is not readable for bytes that already left it). A {@link #write} takes plaintext,
 * encrypts one record at a time and stops when the socket is full; the encrypted rest is
 * {@link #hasPendingWrites() pending} and goes out first on the next call (an empty write only flushes).
 * File regions are copied ({@link FileCopy}): TLS encrypts in user space.
 *
 * <p>Owned by its connection's thread (a network thread, a client's I/O thread).
 */
public final class SslTransport implements TransportLayer {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SocketChannel socket;
    private final SSLEngine engine;
    private ByteBuffer netRead;
    private ByteBuffer netWrite;
    private ByteBuffer appRead;
    private boolean handshakeStarted;
    private boolean handshakeDone;
    /** The last unwrap wanted more bytes than {@code netRead} holds: only the socket can help. */
    private boolean underflow;
    /** The socket reached end of stream; what is buffered may still be read. */
    private boolean socketEof;
    /** The peer sent close_notify. */
    private boolean inboundClosed;
    private boolean closing;

    public SslTransport(SocketChannel socket, SSLEngine engine) {
        this.socket = socket;
        this.engine = engine;
        SSLSession session = engine.getSession();
        this.netRead = ByteBuffer.allocate(session.getPacketBufferSize());
        this.netWrite = ByteBuffer.allocate(session.getPacketBufferSize()).flip();
        this.appRead = ByteBuffer.allocate(session.getApplicationBufferSize());
    }

    @Override
    public SocketChannel socketChannel() {
        return socket;
    }

    /** The TLS session: the peer's certificates once the handshake is done. */
    public SSLSession session() {
        return engine.getSession();
    }

    /**
     * Runs the handshake as far as the peer's bytes and the socket's room allow. False also while handshake bytes
     * wait to be written ({@link #hasPendingWrites()}): the owner then watches for writability as well.
     */
    @Override
    public boolean handshake() throws IOException {
        if (handshakeDone) {
            return true;
        }
        if (!handshakeStarted) {
            handshakeStarted = true;
            engine.beginHandshake();
        }
        try {
            return handshakeSteps();
        } catch (SSLException e) {
            sendAlert();
            throw e;
        }
    }

    private boolean handshakeSteps() throws IOException {
        while (true) {
            if (!flush()) {
                return false;
            }
            switch (engine.getHandshakeStatus()) {
                case NEED_TASK -> runTasks();
                case NEED_WRAP -> {
                    SSLEngineResult r = wrap(new ByteBuffer[] {EMPTY}, 0, 1);
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        flush();
                        throw new EOFException("TLS closed during the handshake");
                    }
                    if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED) {
                        return finished();
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    SSLEngineResult r = unwrap();
                    if (r == null) {
                        if (socketEof) {
                            throw new EOFException("Connection closed during the TLS handshake");
                        }
                        return false;
                    }
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        throw new EOFException("TLS closed by the peer during the handshake");
                    }
                    if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED) {
                        return finished();
                    }
                }
                default -> {
                    if (engine.isInboundDone() || engine.isOutboundDone()) {
                        throw new EOFException("TLS closed during the handshake");
                    }
                    return finished();
                }
            }
        }
    }

    /** Done, unless the last handshake record is still on its way out (then the next step flushes it). */
    private boolean finished() throws IOException {
        if (!flush()) {
            return false;
        }
        handshakeDone = true;
        return true;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int total = drainAppRead(dst);
        while (dst.hasRemaining() && !inboundClosed) {
            SSLEngineResult r = unwrap();
            if (r == null) {
                break;
            }
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                inboundClosed = true;
            }
            // post-handshake messages (TLS 1.3 key update, a 1.2 renegotiation): answer them here
            SSLEngineResult.HandshakeStatus hs = r.getHandshakeStatus();
            if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                runTasks();
            } else if (hs == SSLEngineResult.HandshakeStatus.NEED_WRAP && !inboundClosed) {
                wrap(new ByteBuffer[] {EMPTY}, 0, 1);
                flush();
            }
            total += drainAppRead(dst);
        }
        if (total == 0 && appRead.position() == 0 && (inboundClosed || (socketEof && !hasBytesBuffered()))) {
            return -1;
        }
        return total;
    }

    @Override
    public boolean hasBytesBuffered() {
        return appRead.position() > 0 || (netRead.position() > 0 && !underflow && !inboundClosed);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        if (closing) {
            throw new IOException("TLS transport is closed");
        }
        if (!flush()) {
            return 0;
        }
        long written = 0;
        while (hasRemaining(srcs, offset, length)) {
            SSLEngineResult r = wrap(srcs, offset, length);
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                flush();
                throw new EOFException("TLS closed");
            }
            written += r.bytesConsumed();
            if (!flush() || r.bytesConsumed() == 0) {
                break;
            }
        }
        return written;
    }

    @Override
    public boolean zeroCopy() {
        return false;
    }

    @Override
    public long transferFrom(FileChannel file, long position, long count) throws IOException {
        return FileCopy.transfer(file, position, count, this);
    }

    @Override
    public boolean hasPendingWrites() {
        return netWrite.hasRemaining();
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    /** Sends close_notify if the socket takes it now (never waits), then closes the socket. */
    @Override
    public void close() throws IOException {
        if (closing) {
            socket.close();
            return;
        }
        closing = true;
        try {
            engine.closeOutbound();
            if (socket.isOpen() && flush()) {
                wrap(new ByteBuffer[] {EMPTY}, 0, 1);
                flush();
            }
        } catch (IOException | RuntimeException ignored) {
            // best effort: the peer sees the TCP close instead
        } finally {
            socket.close();
        }
    }

    /** After a failed handshake step: the engine has an alert to send; give it to the socket once, never wait. */
    private void sendAlert() {
        try {
            if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP && flush()) {
                wrap(new ByteBuffer[] {EMPTY}, 0, 1);
                flush();
            }
        } catch (IOException | RuntimeException ignored) {
            // the handshake failed already; the close says the rest
        }
    }

    /** Writes pending encrypted bytes; true once none are left. */
    private boolean flush() throws IOException {
        if (netWrite.hasRemaining()) {
            socket.write(netWrite);
        }
        return !netWrite.hasRemaining();
    }

    /** Encrypts into the (empty) {@code netWrite}, growing it if the session's records are larger. */
    private SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length) throws IOException {
        while (true) {
            netWrite.clear();
            SSLEngineResult r;
            try {
                r = engine.wrap(srcs, offset, length, netWrite);
            } catch (RuntimeException e) {
                throw engineFailure(e);
            } finally {
                netWrite.flip();
            }
            switch (r.getStatus()) {
                case OK -> {
                    if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                        runTasks();
                    }
                    return r;
                }
                case BUFFER_OVERFLOW -> netWrite = ByteBuffer.allocate(
                        Math.max(engine.getSession().getPacketBufferSize(), 2 * netWrite.capacity())).flip();
                case CLOSED -> {
                    return r; // close_notify after closeOutbound, or an alert after a failed handshake
                }
                default -> throw new IllegalStateException("Unexpected wrap status " + r.getStatus());
            }
        }
    }

    /**
     * Decrypts one record from {@code netRead} into {@code appRead}, reading the socket only when the engine needs
     * more bytes than are buffered.
     *
     * @return the engine's result; null if no progress is possible now (the socket has nothing, or has ended:
     *     see {@link #socketEof}; or {@code appRead} is full and must be drained first)
     */
    private SSLEngineResult unwrap() throws IOException {
        while (true) {
            if (netRead.position() == 0 || underflow) {
                if (!netRead.hasRemaining()) {
                    netRead = grow(netRead, engine.getSession().getPacketBufferSize());
                }
                int n = socket.read(netRead);
                if (n < 0) {
                    socketEof = true;
                    return null;
                }
                if (n == 0) {
                    return null;
                }
            }
            netRead.flip();
            SSLEngineResult r;
            try {
                r = engine.unwrap(netRead, appRead);
            } catch (RuntimeException e) {
                throw engineFailure(e);
            } finally {
                netRead.compact();
            }
            switch (r.getStatus()) {
                case OK, CLOSED -> {
                    underflow = false;
                    return r;
                }
                case BUFFER_UNDERFLOW -> underflow = true;
                case BUFFER_OVERFLOW -> {
                    int needed = engine.getSession().getApplicationBufferSize();
                    if (appRead.position() > 0 && appRead.remaining() < needed) {
                        underflow = false;
                        return null; // the caller drains appRead first
                    }
                    appRead = grow(appRead, needed);
                }
                default -> throw new IllegalStateException("Unexpected unwrap status " + r.getStatus());
            }
        }
    }

    /**
     * The JDK's engine throws unchecked exceptions on some malformed handshakes (a ClassCastException inside
     * sun.security.ssl, found by TlsHandshakeFuzzTarget): the peer's bytes are bad, so it is a TLS failure of this
     * connection like any other, an IOException for every caller.
     */
    private static SSLException engineFailure(RuntimeException e) {
        return new SSLException("TLS engine failed on the peer's bytes: " + e, e);
    }

    private int drainAppRead(ByteBuffer dst) {
        if (appRead.position() == 0) {
            return 0;
        }
        appRead.flip();
        int n = Math.min(appRead.remaining(), dst.remaining());
        ByteBuffer part = appRead.slice();
        part.limit(n);
        dst.put(part);
        appRead.position(appRead.position() + n);
        appRead.compact();
        return n;
    }

    private void runTasks() throws SSLException {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                throw engineFailure(e);
            }
        }
    }

    /** A larger buffer in write mode with {@code buffer}'s bytes (write mode) copied in. */
    private static ByteBuffer grow(ByteBuffer buffer, int atLeast) {
        ByteBuffer larger = ByteBuffer.allocate(Math.max(atLeast, buffer.position() + atLeast));
        larger.put(buffer.flip());
        return larger;
    }

    private static boolean hasRemaining(ByteBuffer[] srcs, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (srcs[i].hasRemaining()) {
                return true;
            }
        }
        return false;
    }
}
