package io.samsa.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Builds v2 record batches byte by byte, valid or not, with a correct CRC-32C, for tests that send what no client
 * library would: a record length of -1, a count that does not match the records, garbage under a codec id.
 * Layout (Kafka's DefaultRecordBatch): baseOffset i64, batchLength i32, partitionLeaderEpoch i32, magic i8,
 * crc u32 (CRC-32C of attributes..end), attributes i16, lastOffsetDelta i32, baseTimestamp i64, maxTimestamp i64,
 * producerId i64, producerEpoch i16, baseSequence i32, recordCount i32, records.
 */
public final class CraftedBatch {
    public static final int HEADER_SIZE = 61;

    private final byte[] records;
    private int count = 1;
    private Integer lastOffsetDelta;
    private short attributes;
    private long baseTimestamp = System.currentTimeMillis();
    private Long maxTimestamp;
    private long producerId = -1;
    private short producerEpoch = -1;
    private int baseSequence = -1;

    private CraftedBatch(byte[] records) {
        this.records = records;
    }

    /** A batch whose records section is exactly {@code records} (already compressed, if a codec is set). */
    public static CraftedBatch of(byte[] records) {
        return new CraftedBatch(records);
    }

    /** recordCount (and, unless set apart, lastOffsetDelta = count - 1). */
    public CraftedBatch count(int n) {
        this.count = n;
        return this;
    }

    public CraftedBatch lastOffsetDelta(int delta) {
        this.lastOffsetDelta = delta;
        return this;
    }

    /** Compression codec id in attribute bits 0-2 (1 gzip, 2 snappy, 3 lz4, 4 zstd). */
    public CraftedBatch codec(int codec) {
        this.attributes = (short) ((attributes & ~0x07) | codec);
        return this;
    }

    public CraftedBatch attributes(int attributes) {
        this.attributes = (short) attributes;
        return this;
    }

    /** baseTimestamp, and maxTimestamp too unless {@link #maxTimestamp} sets it apart. */
    public CraftedBatch baseTimestamp(long ts) {
        this.baseTimestamp = ts;
        return this;
    }

    public CraftedBatch maxTimestamp(long ts) {
        this.maxTimestamp = ts;
        return this;
    }

    public CraftedBatch producer(long id, short epoch, int sequence) {
        this.producerId = id;
        this.producerEpoch = epoch;
        this.baseSequence = sequence;
        return this;
    }

    public ByteBuffer build() {
        ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE + records.length);
        b.putLong(0L).putInt(HEADER_SIZE - 12 + records.length).putInt(-1).put((byte) 2).putInt(0)
                .putShort(attributes).putInt(lastOffsetDelta != null ? lastOffsetDelta : count - 1)
                .putLong(baseTimestamp).putLong(maxTimestamp != null ? maxTimestamp : baseTimestamp)
                .putLong(producerId).putShort(producerEpoch).putInt(baseSequence).putInt(count).put(records);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 21, b.capacity() - 21);
        b.putInt(17, (int) crc.getValue());
        return b.flip();
    }

    /** Two or more batches back to back, as one partition's Produce data. */
    public static ByteBuffer concat(ByteBuffer... batches) {
        int size = 0;
        for (ByteBuffer b : batches) {
            size += b.remaining();
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (ByteBuffer b : batches) {
            out.put(b.duplicate());
        }
        return out.flip();
    }

    /** One v2 record: length, attributes 0, timestamp delta, offset delta, key, value (null = -1), no headers. */
    public static byte[] record(int offsetDelta, long timestampDelta, byte[] key, byte[] value) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(0);
        writeVarlong(body, timestampDelta);
        writeVarlong(body, offsetDelta);
        writeBytes(body, key);
        writeBytes(body, value);
        writeVarlong(body, 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeVarlong(out, body.size());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** A zig-zag varint/varlong as Kafka writes it. */
    public static byte[] varint(long v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeVarlong(out, v);
        return out.toByteArray();
    }

    private static void writeBytes(ByteArrayOutputStream out, byte[] b) {
        if (b == null) {
            writeVarlong(out, -1);
        } else {
            writeVarlong(out, b.length);
            out.writeBytes(b);
        }
    }

    private static void writeVarlong(ByteArrayOutputStream out, long value) {
        long v = (value << 1) ^ (value >> 63);
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
