package io.samsa.protocol.records;

import java.io.IOException;
import java.io.InputStream;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.xerial.snappy.Snappy;

/**
 * Decompresses a snappy record payload one block at a time, as Kafka's consumer reads it: snappy-java's framing
 * (an 16-byte magic header, then big-endian length-prefixed raw snappy blocks, as KafkaProducer writes), or, when
 * the magic is absent, one raw snappy block (as librdkafka writes). Used instead of snappy-java's
 * SnappyInputStream because that stream allocates whatever length a block declares (up to 2 GiB) before checking
 * it.
 *
 * <p>Why allocating a block's declared size is bounded here: the snappy format cannot expand one input byte into
 * more than 64/3 output bytes (its densest element copies 64 bytes for a 3-byte tag), so a declared length above
 * {@link #MAX_EXPANSION} × the block's compressed size is rejected as corrupt, and one above the caller's
 * remaining budget as too large, before anything is allocated. A block buffer is therefore at most ~22 × the batch
 * size and at most the budget; it is reused across blocks.
 *
 * <p>Not thread-safe: one instance per batch walk.
 */
final class SnappyChunks extends InputStream {
    /** Upper bound of snappy's expansion ratio (64/3 rounded up), plus room for the length preamble. */
    static final int MAX_EXPANSION = 22;
    private static final byte[] MAGIC = {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
    private static final int HEADER_BYTES = 16;
    private static final int MAGIC_HEAD = 0x82534E41; // the magic's first four bytes, read as a chunk length

    private final byte[] in;
    private final int end;
    private final boolean framed;
    private final long maxBytes;
    private int next;
    private long produced;
    private byte[] block = new byte[0];
    private int blockPosition;
    private int blockLimit;
    private boolean rawDone;

    private SnappyChunks(byte[] in, int from, int to, long maxBytes) {
        this.in = in;
        this.end = to;
        this.maxBytes = maxBytes;
        this.framed = to - from >= HEADER_BYTES && hasMagic(in, from);
        this.next = framed ? from + HEADER_BYTES : from;
    }

    /** A stream over {@code in[from, to)} that fails once more than {@code maxBytes} would come out. */
    static SnappyChunks open(byte[] in, int from, int to, long maxBytes) {
        return new SnappyChunks(in, from, to, maxBytes);
    }

    @Override
    public int read() throws IOException {
        if (blockPosition == blockLimit && !nextBlock()) {
            return -1;
        }
        return block[blockPosition++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (blockPosition == blockLimit && !nextBlock()) {
            return -1;
        }
        int n = Math.min(len, blockLimit - blockPosition);
        System.arraycopy(block, blockPosition, b, off, n);
        blockPosition += n;
        return n;
    }

    /** Decompresses the next non-empty block; false at the end of the payload. */
    private boolean nextBlock() throws IOException {
        while (true) {
            if (!framed) {
                if (rawDone) {
                    return false;
                }
                rawDone = true;
                decode(next, end - next);
                next = end;
            } else {
                if (next == end) {
                    return false;
                }
                if (end - next < 4) {
                    throw new InvalidRecordException("Truncated snappy chunk header");
                }
                int length = readInt(in, next);
                if (length == MAGIC_HEAD && end - next >= HEADER_BYTES && hasMagic(in, next)) {
                    next += HEADER_BYTES; // concatenated stream: another header, as snappy-java accepts
                    continue;
                }
                if (length < 0 || length > end - next - 4) {
                    throw new InvalidRecordException("Snappy chunk length " + length + " exceeds the "
                            + (end - next - 4) + " bytes left");
                }
                decode(next + 4, length);
                next += 4 + length;
            }
            if (blockLimit > 0) {
                return true;
            }
        }
    }

    private void decode(int from, int length) throws IOException {
        int declared = Snappy.uncompressedLength(in, from, length);
        if (declared < 0 || declared > (long) length * MAX_EXPANSION) {
            throw new InvalidRecordException("Snappy block of " + length + " bytes declares " + declared
                    + " bytes, more than the format can encode");
        }
        if (produced + declared > maxBytes) {
            throw new RecordTooLargeException("Record batch decompresses to more than " + maxBytes
                    + " bytes, the most this broker accepts for one batch");
        }
        if (block.length < declared) {
            block = new byte[declared];
        }
        blockLimit = Snappy.uncompress(in, from, length, block, 0);
        blockPosition = 0;
        produced += blockLimit;
    }

    private static boolean hasMagic(byte[] b, int at) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (b[at + i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }
}
