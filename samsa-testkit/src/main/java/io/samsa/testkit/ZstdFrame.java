package io.samsa.testkit;

import java.io.ByteArrayOutputStream;

/**
 * Hand-written zstd frames (RFC 8878) of raw and run-length blocks, for decompression-bomb tests: a run-length
 * block stands for up to 128 KiB of one byte in 4 bytes, so gigabytes of zeros fit in a few hundred KiB without
 * anyone compressing them. No content size, no checksum, a 128 KiB window.
 */
public final class ZstdFrame {
    private static final int MAX_BLOCK = 128 * 1024;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public ZstdFrame() {
        out.writeBytes(new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD}); // magic, little-endian
        out.write(0x00); // frame header descriptor: no content size, not single-segment, no checksum, no dict
        out.write((17 - 10) << 3); // window descriptor: 2^17 bytes
    }

    /** Literal bytes (raw blocks). */
    public ZstdFrame raw(byte[] bytes) {
        for (int from = 0; from < bytes.length; from += MAX_BLOCK) {
            int n = Math.min(MAX_BLOCK, bytes.length - from);
            blockHeader(0, n);
            out.write(bytes, from, n);
        }
        return this;
    }

    /** {@code count} copies of {@code value} (run-length blocks of up to 128 KiB each). */
    public ZstdFrame repeat(byte value, long count) {
        for (long left = count; left > 0; left -= MAX_BLOCK) {
            blockHeader(1, (int) Math.min(MAX_BLOCK, left));
            out.write(value);
        }
        return this;
    }

    /** The frame, closed with an empty last raw block. */
    public byte[] finish() {
        int header = 1; // last block, raw, size 0
        out.write(header & 0xff);
        out.write(0);
        out.write(0);
        return out.toByteArray();
    }

    private void blockHeader(int type, int size) {
        int h = (size << 3) | (type << 1); // bit 0 last-block = 0
        out.write(h & 0xff);
        out.write((h >>> 8) & 0xff);
        out.write((h >>> 16) & 0xff);
    }
}
