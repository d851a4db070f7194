package io.samsa.log;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * A forward-only reader of a batch's record bytes, with Kafka's zig-zag varints. Over an uncompressed batch it
 * reads the batch's own buffer in place (no copy); over a compressed one it pulls decompressed bytes from a stream
 * through one fixed-size chunk, and counts them against a limit, so neither the decompressed size nor anything
 * per record is ever allocated.
 *
 * <p>Every read either consumes at least one byte or throws, so a parser built on it cannot loop without
 * progress: reading past the end → {@link InvalidRecordException} (Kafka's "premature EOF"), a varint longer than
 * its type → InvalidRecordException, more decompressed bytes than the limit → {@link RecordTooLargeException},
 * a stream that fails to decompress → {@link InvalidRecordException} (INVALID_RECORD).
 *
 * <p>Not thread-safe: one instance per batch walk, on the calling thread.
 */
final class RecordBytes {
    /** Size of the chunk that decompressed bytes are pulled through. */
    static final int CHUNK_BYTES = 16 * 1024;

    private final ByteBuffer buffer;
    /** The buffer's backing array when it has one (heap request buffers, the chunk): the hot path reads it directly. */
    private final byte[] array;
    private final int arrayOffset;
    private final InputStream stream;
    private final long maxBytes;
    private final int origin;
    private int position;
    private int limit;
    /** Bytes of the stream consumed in earlier chunks (0 in place). */
    private long consumedBefore;

    private RecordBytes(ByteBuffer buffer, int from, int to, InputStream stream, long maxBytes) {
        this.buffer = buffer;
        this.array = buffer.hasArray() ? buffer.array() : null;
        this.arrayOffset = buffer.hasArray() ? buffer.arrayOffset() : 0;
        this.origin = from;
        this.position = from;
        this.limit = to;
        this.stream = stream;
        this.maxBytes = maxBytes;
    }

    /** Reads {@code buffer[from, to)} in place (absolute gets; the buffer's position is untouched). */
    static RecordBytes inPlace(ByteBuffer buffer, int from, int to) {
        return new RecordBytes(buffer, from, to, null, Long.MAX_VALUE);
    }

    /** Reads a decompressing stream, failing once more than {@code maxBytes} bytes come out of it. */
    static RecordBytes stream(InputStream stream, long maxBytes) {
        return new RecordBytes(ByteBuffer.allocate(CHUNK_BYTES), 0, 0, stream, maxBytes);
    }

    /** Bytes consumed so far. */
    long position() {
        return consumedBefore + position - origin;
    }

    /** True when no byte is left (for a stream this may pull the next chunk). */
    boolean atEnd() {
        return position == limit && !refill();
    }

    byte readByte() {
        if (position == limit && !refill()) {
            throw new InvalidRecordException("Incorrect declared batch size, premature EOF reached");
        }
        return array != null ? array[arrayOffset + position++] : buffer.get(position++);
    }

    /** Skips {@code n ≥ 0} bytes. */
    void skip(int n) {
        int left = n;
        while (left > 0) {
            if (position == limit && !refill()) {
                throw new InvalidRecordException("Incorrect declared batch size, premature EOF reached");
            }
            int step = Math.min(left, limit - position);
            position += step;
            left -= step;
        }
    }

    /** A zig-zag varint of at most 5 bytes (Kafka's ByteUtils.readVarint). */
    int readVarint() {
        if (position < limit) { // fast path: a one-byte varint (small lengths, deltas, counts)
            byte first = array != null ? array[arrayOffset + position] : buffer.get(position);
            if (first >= 0) {
                position++;
                return (first >>> 1) ^ -(first & 1);
            }
        }
        int value = 0;
        int shift = 0;
        byte b;
        while (((b = readByte()) & 0x80) != 0) {
            value |= (b & 0x7f) << shift;
            shift += 7;
            if (shift > 28) {
                throw new InvalidRecordException("Varint is too long");
            }
        }
        value |= b << shift;
        return (value >>> 1) ^ -(value & 1);
    }

    /** A zig-zag varlong of at most 10 bytes (Kafka's ByteUtils.readVarlong). */
    long readVarlong() {
        if (position < limit) { // fast path: a one-byte varlong (e.g. a timestamp delta of 0)
            byte first = array != null ? array[arrayOffset + position] : buffer.get(position);
            if (first >= 0) {
                position++;
                return (first >>> 1) ^ -(first & 1);
            }
        }
        long value = 0L;
        int shift = 0;
        byte b;
        while (((b = readByte()) & 0x80) != 0) {
            value |= (long) (b & 0x7f) << shift;
            shift += 7;
            if (shift > 63) {
                throw new InvalidRecordException("Varlong is too long");
            }
        }
        value |= (long) b << shift;
        return (value >>> 1) ^ -(value & 1);
    }

    /** Pulls the next chunk of a stream; false at its end (and always in place). */
    private boolean refill() {
        if (stream == null) {
            return false;
        }
        int n;
        try {
            n = stream.read(buffer.array(), 0, CHUNK_BYTES);
            // read(byte[], off, len > 0) returns 0 only from a misbehaving stream: a few retries, then give up.
            for (int retries = 0; n == 0 && retries < 16; retries++) {
                n = stream.read(buffer.array(), 0, CHUNK_BYTES);
            }
        } catch (ApiException e) {
            throw e; // already says what is wrong (e.g. the decompressed-size limit)
        } catch (IOException | RuntimeException e) {
            throw new InvalidRecordException("Record batch payload does not decompress: " + e);
        }
        if (n < 0) {
            return false;
        }
        if (n == 0) {
            throw new InvalidRecordException("Record batch payload stream makes no progress");
        }
        consumedBefore += limit - origin;
        position = 0;
        limit = n;
        if (consumedBefore + n > maxBytes) {
            throw new RecordTooLargeException("Record batch decompresses to more than " + maxBytes
                    + " bytes, the most this broker accepts for one batch");
        }
        return true;
    }
}
