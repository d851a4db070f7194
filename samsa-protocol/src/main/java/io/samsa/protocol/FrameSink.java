package io.samsa.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Where a {@link ResponseSend} writes its bytes: a connection's transport (plaintext socket, later TLS). A
 * transport that can hand file regions to the kernel ({@code sendfile}) does so in {@link #transferFrom}; one that
 * cannot (TLS encrypts in user space) copies them through a buffer. Non-blocking: each call writes what fits.
 */
public interface FrameSink {

    /** Writes as much of {@code srcs[offset, offset + length)} as the transport takes now. */
    long write(ByteBuffer[] srcs, int offset, int length) throws IOException;

    /** Writes up to {@code count} bytes of {@code file} from {@code position}; returns the bytes written. */
    long transferFrom(FileChannel file, long position, long count) throws IOException;

    /** True while bytes accepted earlier are still buffered inside the transport (TLS); plaintext: never. */
    boolean hasPendingWrites();
}
