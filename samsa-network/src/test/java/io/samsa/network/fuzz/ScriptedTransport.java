package io.samsa.network.fuzz;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;

import io.samsa.network.transport.FileCopy;
import io.samsa.network.transport.TransportLayer;

/**
 * A transport without a socket that hands out a fixed input in chunks of the given sizes (as a peer's bytes arrive
 * over several reads) and swallows every write; -1 once the input is used up. For fuzz targets of the state machines
 * above the transport.
 */
final class ScriptedTransport implements TransportLayer {
    private final ByteBuffer input;
    private final int[] chunks;
    private int nextChunk;
    private boolean open = true;

    ScriptedTransport(byte[] input, int[] chunks) {
        this.input = ByteBuffer.wrap(input);
        this.chunks = chunks;
    }

    boolean exhausted() {
        return !input.hasRemaining();
    }

    @Override
    public SocketChannel socketChannel() {
        return null;
    }

    @Override
    public boolean handshake() {
        return true;
    }

    @Override
    public int read(ByteBuffer dst) {
        if (!input.hasRemaining()) {
            return -1;
        }
        int chunk = chunks.length == 0 ? input.remaining() : Math.max(1, chunks[nextChunk++ % chunks.length]);
        int n = Math.min(Math.min(chunk, input.remaining()), dst.remaining());
        ByteBuffer slice = input.slice();
        slice.limit(n);
        dst.put(slice);
        input.position(input.position() + n);
        return n;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += srcs[i].remaining();
            srcs[i].position(srcs[i].limit());
        }
        return total;
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
