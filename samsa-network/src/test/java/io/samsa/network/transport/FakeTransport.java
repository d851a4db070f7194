package io.samsa.network.transport;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;

/**
 * A transport without a socket, for state-machine tests: its handshake completes after a given number of steps,
 * and it takes at most {@code writeLimit} bytes per write (what a full socket buffer does).
 */
public final class FakeTransport implements TransportLayer {
    private int handshakeStepsLeft;
    private final int writeLimit;
    public final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private boolean open = true;

    public FakeTransport(int handshakeSteps, int writeLimit) {
        this.handshakeStepsLeft = handshakeSteps;
        this.writeLimit = writeLimit;
    }

    @Override
    public SocketChannel socketChannel() {
        return null;
    }

    @Override
    public boolean handshake() {
        if (handshakeStepsLeft > 0) {
            handshakeStepsLeft--;
        }
        return handshakeStepsLeft == 0;
    }

    @Override
    public int read(ByteBuffer dst) {
        return 0;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        long total = 0;
        for (int i = offset; i < offset + length && total < writeLimit; i++) {
            int n = (int) Math.min(srcs[i].remaining(), writeLimit - total);
            byte[] bytes = new byte[n];
            srcs[i].get(bytes);
            written.write(bytes, 0, n);
            total += n;
        }
        return total;
    }

    @Override
    public boolean zeroCopy() {
        return false;
    }

    @Override
    public long transferFrom(FileChannel file, long position, long count) throws java.io.IOException {
        return FileCopy.transfer(file, position, count, this);
    }

    @Override
    public boolean hasPendingWrites() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }
}
