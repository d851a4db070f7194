package io.samsa.log;

import static io.samsa.protocol.records.RecordBatchHeader.HEADER_SIZE;
import static io.samsa.protocol.records.RecordBatchHeader.LOG_OVERHEAD;

import java.io.IOException;
import java.nio.ByteBuffer;

import io.samsa.protocol.records.RecordBatchHeader;

/**
 * Reads a non-active segment front to back in buffers of whole batches, for the log cleaner: each
 * {@link #next} returns the batches that fit the buffer from the current position (the buffer grows to hold a
 * batch larger than it), and {@link #consumed} moves on by what the caller used. Not thread-safe: one per pass over
 * a segment, on the cleaner thread; the segment must not change meanwhile (non-active segments do not).
 */
final class SegmentChunks {

    private final LogSegment segment;
    private final int end;
    private ByteBuffer buffer;
    private int position;

    SegmentChunks(LogSegment segment, int initialBufferBytes) {
        this.segment = segment;
        this.end = segment.size();
        this.buffer = ByteBuffer.allocate(Math.max(initialBufferBytes, HEADER_SIZE));
    }

    /** Whole batches from the current position (at most one buffer), or null at the end of the segment. */
    ByteBuffer next() throws IOException {
        if (position + LOG_OVERHEAD > end) {
            return null;
        }
        int want = Math.min(buffer.capacity(), end - position);
        ByteBuffer chunk = read(want);
        int whole = wholeBatches(chunk);
        if (whole == 0) {
            int first = RecordBatchHeader.sizeInBytes(chunk, 0);
            if (first <= 0 || position + (long) first > end) {
                throw new IOException("segment " + segment.baseOffset() + " holds a torn batch at byte " + position);
            }
            buffer = ByteBuffer.allocate(first);
            chunk = read(first);
            whole = first;
        }
        return chunk.limit(whole);
    }

    /** The caller used {@code bytes} bytes of the last chunk (whole batches). */
    void consumed(int bytes) {
        position += bytes;
    }

    private ByteBuffer read(int length) throws IOException {
        buffer.clear().limit(length);
        long p = position;
        while (buffer.hasRemaining()) {
            int n = segment.channel().read(buffer, p);
            if (n < 0) {
                break;
            }
            p += n;
        }
        return buffer.flip();
    }

    private static int wholeBatches(ByteBuffer chunk) {
        int p = 0;
        while (p + LOG_OVERHEAD <= chunk.limit()) {
            int size = RecordBatchHeader.sizeInBytes(chunk, p);
            if (size < LOG_OVERHEAD || p + (long) size > chunk.limit()) {
                break;
            }
            p += size;
        }
        return p;
    }
}
