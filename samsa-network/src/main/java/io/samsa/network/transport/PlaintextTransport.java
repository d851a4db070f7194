package io.samsa.network.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;

/**
 * A plaintext socket: no handshake, and file regions go out with {@code FileChannel.transferTo} (sendfile), so a
 * Fetch response's records never enter the heap. Owned by its connection's thread.
 */
public final class PlaintextTransport implements TransportLayer {
    private final SocketChannel socket;

    public PlaintextTransport(SocketChannel socket) {
        this.socket = socket;
    }

    @Override
    public SocketChannel socketChannel() {
        return socket;
    }

    @Override
    public boolean handshake() {
        return true;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return socket.read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return socket.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return socket.write(srcs, offset, length);
    }

    @Override
    public boolean zeroCopy() {
        return true;
    }

    @Override
    public long transferFrom(FileChannel file, long position, long count) throws IOException {
        return file.transferTo(position, count, socket);
    }

    @Override
    public boolean hasPendingWrites() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
