package io.samsa.network.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The copying path of {@link TransportLayer#transferFrom} for transports that cannot hand a file region to the
 * kernel (TLS encrypts in user space): reads a chunk of the file into a buffer and writes it. Bytes read but not
 * taken by the transport are not lost: the next call starts from the position after what was written.
 */
public final class FileCopy {
    /** Most bytes read from the file per call. */
    static final int CHUNK_BYTES = 64 * 1024;

    private FileCopy() {
    }

    /** Copies up to {@code count} bytes of {@code file} at {@code position} into {@code out}; the bytes written. */
    public static long transfer(FileChannel file, long position, long count, TransportLayer out) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(count, CHUNK_BYTES));
        int read = file.read(chunk, position);
        if (read <= 0) {
            return 0;
        }
        chunk.flip();
        return out.write(new ByteBuffer[] {chunk}, 0, 1);
    }
}
