package io.samsa.protocol.records;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Writes one record batch, magic v2, into a heap buffer: records are appended uncompressed after a 61-byte
 * header slot; {@link #finish} compresses the record section if asked, and {@link #stamp} fills in the header
 * (producer id, epoch, base sequence) and the CRC-32C, which covers attributes to the end of the batch.
 * Not thread-safe: the accumulator holds the partition's lock while appending.
 *
 * <p>The producer's hot path (≈2× KafkaProducer's throughput): records are encoded straight into the caller's
 * buffer, with no intermediate copy; only compression allocates. Also used wherever Samsa writes a batch of its
 * own (the broker's group metadata log, the CLI, the benchmarks), so there is one batch encoder. The header
 * offsets are {@link RecordBatchHeader}'s.
 */
public final class RecordBatchWriter {
    public static final int HEADER_SIZE = RecordBatchHeader.HEADER_SIZE;
    private static final int LENGTH_OFFSET = RecordBatchHeader.LENGTH;
    private static final int LEADER_EPOCH_OFFSET = RecordBatchHeader.PARTITION_LEADER_EPOCH;
    private static final int MAGIC_OFFSET = RecordBatchHeader.MAGIC;
    private static final int CRC_OFFSET = RecordBatchHeader.CRC;
    private static final int ATTRIBUTES_OFFSET = RecordBatchHeader.ATTRIBUTES;
    private static final int TRANSACTIONAL_FLAG = 0x10;
    private static final int LAST_OFFSET_DELTA_OFFSET = RecordBatchHeader.LAST_OFFSET_DELTA;
    private static final int BASE_TIMESTAMP_OFFSET = RecordBatchHeader.BASE_TIMESTAMP;
    private static final int MAX_TIMESTAMP_OFFSET = RecordBatchHeader.MAX_TIMESTAMP;
    private static final int PRODUCER_ID_OFFSET = RecordBatchHeader.PRODUCER_ID;
    private static final int PRODUCER_EPOCH_OFFSET = RecordBatchHeader.PRODUCER_EPOCH;
    private static final int BASE_SEQUENCE_OFFSET = RecordBatchHeader.BASE_SEQUENCE;
    private static final int RECORD_COUNT_OFFSET = RecordBatchHeader.RECORD_COUNT;

    private final ByteBuffer buffer;
    private final byte[] array;
    private final int limit;
    private int position;
    private int count;
    private long baseTimestamp;
    private long maxTimestamp = -1;
    private int uncompressedSize;
    private volatile ByteBuffer finished;

    public RecordBatchWriter(ByteBuffer buffer) {
        this.buffer = buffer;
        this.array = buffer.array();
        this.position = buffer.arrayOffset() + HEADER_SIZE;
        this.limit = buffer.arrayOffset() + buffer.capacity();
    }

    /** Upper bound of the bytes a record takes in a batch, whatever its deltas (for sizing a new buffer). */
    public static int maxRecordSize(int keySize, int valueSize, Header[] headers) {
        return recordBodySize(Long.MAX_VALUE, Integer.MAX_VALUE, keySize, valueSize, headers) + 5;
    }

    /** Size of a batch holding one such record (for the max.request.size check). */
    public static int singleRecordBatchSize(int keySize, int valueSize, Header[] headers) {
        int body = recordBodySize(0, 0, keySize, valueSize, headers);
        return HEADER_SIZE + varintSize(body) + body;
    }

    /** Appends a record if it fits; returns its offset delta, or -1 when the batch is full. */
    public int tryAppend(long timestamp, byte[] key, byte[] value, Header[] headers) {
        if (finished != null) {
            return -1;
        }
        if (count == 0) {
            baseTimestamp = timestamp;
        }
        long tsDelta = timestamp - baseTimestamp;
        int keySize = key == null ? -1 : key.length;
        int valueSize = value == null ? -1 : value.length;
        int body = recordBodySize(tsDelta, count, keySize, valueSize, headers);
        int total = varintSize(body) + body;
        if (position + total > limit) {
            return -1;
        }
        byte[] a = array;
        int p = writeVarint(a, position, body);
        a[p++] = 0; // record attributes: unused
        p = writeVarlong(a, p, tsDelta);
        p = writeVarint(a, p, count);
        p = writeBytes(a, p, key);
        p = writeBytes(a, p, value);
        if (headers == null || headers.length == 0) {
            a[p++] = 0;
        } else {
            p = writeVarint(a, p, headers.length);
            for (Header h : headers) {
                p = writeBytes(a, p, h.key().getBytes(StandardCharsets.UTF_8));
                p = writeBytes(a, p, h.value());
            }
        }
        position = p;
        if (timestamp > maxTimestamp) {
            maxTimestamp = timestamp;
        }
        return count++;
    }

    public int recordCount() {
        return count;
    }

    /** Bytes used so far, header included (before compression). */
    public int sizeInBytes() {
        return finished != null ? finished.remaining() : position - buffer.arrayOffset();
    }

    public int uncompressedSizeInBytes() {
        return finished != null ? uncompressedSize : sizeInBytes();
    }

    public long baseTimestamp() {
        return baseTimestamp;
    }

    public boolean isFinished() {
        return finished != null;
    }

    /**
     * Closes the batch to appends and, with a codec, compresses the record section into a new buffer. Writes
     * every header field that does not depend on the producer id (see {@link #stamp}). Idempotent; the appending
     * thread may run it on a full batch while the sender reaches the same batch (one waits for the other).
     */
    public synchronized ByteBuffer finish(BatchCompressor compressor) {
        if (finished != null) {
            return finished;
        }
        int start = buffer.arrayOffset();
        uncompressedSize = position - start;
        ByteBuffer out;
        if (compressor == null || compressor.isNone() || count == 0) {
            out = ByteBuffer.wrap(array, start, uncompressedSize).slice();
        } else {
            out = compressor.compress(array, start, HEADER_SIZE, position - start - HEADER_SIZE);
        }
        out.putLong(0, 0L);
        out.putInt(LENGTH_OFFSET, out.remaining() - 12);
        out.putInt(LEADER_EPOCH_OFFSET, -1);
        out.put(MAGIC_OFFSET, (byte) 2);
        out.putShort(ATTRIBUTES_OFFSET, compressor == null ? 0 : compressor.attributeBits());
        out.putInt(LAST_OFFSET_DELTA_OFFSET, count - 1);
        out.putLong(BASE_TIMESTAMP_OFFSET, baseTimestamp);
        out.putLong(MAX_TIMESTAMP_OFFSET, maxTimestamp);
        out.putInt(RECORD_COUNT_OFFSET, count);
        finished = out;
        stamp(-1L, (short) -1, -1);
        return out;
    }

    /** Writes producer id, epoch and base sequence, then the CRC. Call again on an epoch bump. */
    public void stamp(long producerId, short epoch, int baseSequence) {
        stamp(producerId, epoch, baseSequence, false);
    }

    /** As {@link #stamp(long, short, int)}, marking the batch transactional (attributes bit 4) or not. */
    public void stamp(long producerId, short epoch, int baseSequence, boolean transactional) {
        ByteBuffer out = finished;
        short attributes = out.getShort(ATTRIBUTES_OFFSET);
        out.putShort(ATTRIBUTES_OFFSET, (short) (transactional ? attributes | TRANSACTIONAL_FLAG
                : attributes & ~TRANSACTIONAL_FLAG));
        out.putLong(PRODUCER_ID_OFFSET, producerId);
        out.putShort(PRODUCER_EPOCH_OFFSET, epoch);
        out.putInt(BASE_SEQUENCE_OFFSET, baseSequence);
        CRC32C crc = new CRC32C();
        crc.update(out.array(), out.arrayOffset() + ATTRIBUTES_OFFSET, out.remaining() - ATTRIBUTES_OFFSET);
        out.putInt(CRC_OFFSET, (int) crc.getValue());
    }

    /** The finished batch bytes (position 0 .. limit). */
    public ByteBuffer bytes() {
        return finished.duplicate();
    }

    /** One record as appended (for splitting a batch the broker found too large). */
    public record Record(long timestamp, byte[] key, byte[] value, Header[] headers) {
        public int keySize() {
            return key == null ? -1 : key.length;
        }

        public int valueSize() {
            return value == null ? -1 : value.length;
        }
    }

    /** The records appended so far, read back from the uncompressed record section. */
    public List<Record> records() {
        List<Record> out = new ArrayList<>(count);
        int[] p = {buffer.arrayOffset() + HEADER_SIZE};
        for (int i = 0; i < count; i++) {
            readVarint(p); // body length
            p[0]++; // attributes
            long timestamp = baseTimestamp + readVarlong(p);
            readVarint(p); // offset delta
            byte[] key = readBytes(p);
            byte[] value = readBytes(p);
            int headerCount = readVarint(p);
            Header[] headers = new Header[headerCount];
            for (int h = 0; h < headerCount; h++) {
                byte[] k = readBytes(p);
                headers[h] = new RecordHeader(new String(k, StandardCharsets.UTF_8), readBytes(p));
            }
            out.add(new Record(timestamp, key, value, headers));
        }
        return out;
    }

    private byte[] readBytes(int[] p) {
        int len = readVarint(p);
        if (len < 0) {
            return null;
        }
        byte[] b = Arrays.copyOfRange(array, p[0], p[0] + len);
        p[0] += len;
        return b;
    }

    private int readVarint(int[] p) {
        long v = readVarlong(p);
        return (int) v;
    }

    private long readVarlong(int[] p) {
        long raw = 0;
        int shift = 0;
        byte b;
        do {
            b = array[p[0]++];
            raw |= (long) (b & 0x7f) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        return (raw >>> 1) ^ -(raw & 1);
    }

    static int recordBodySize(long tsDelta, int offsetDelta, int keySize, int valueSize, Header[] headers) {
        int size = 1 + varlongSize(tsDelta) + varintSize(offsetDelta)
                + bytesSize(keySize) + bytesSize(valueSize);
        if (headers == null || headers.length == 0) {
            return size + 1;
        }
        size += varintSize(headers.length);
        for (Header h : headers) {
            size += bytesSize(h.key().getBytes(StandardCharsets.UTF_8).length);
            size += bytesSize(h.value() == null ? -1 : h.value().length);
        }
        return size;
    }

    private static int bytesSize(int len) {
        return len < 0 ? 1 : varintSize(len) + len;
    }

    private static int writeBytes(byte[] a, int p, byte[] bytes) {
        if (bytes == null) {
            a[p] = 1; // zigzag(-1)
            return p + 1;
        }
        p = writeVarint(a, p, bytes.length);
        System.arraycopy(bytes, 0, a, p, bytes.length);
        return p + bytes.length;
    }

    static int varintSize(int value) {
        int v = (value << 1) ^ (value >> 31);
        int bytes = 1;
        while ((v & 0xffffff80) != 0) {
            bytes++;
            v >>>= 7;
        }
        return bytes;
    }

    static int varlongSize(long value) {
        long v = (value << 1) ^ (value >> 63);
        int bytes = 1;
        while ((v & 0xffffffffffffff80L) != 0L) {
            bytes++;
            v >>>= 7;
        }
        return bytes;
    }

    static int writeVarint(byte[] a, int p, int value) {
        int v = (value << 1) ^ (value >> 31);
        while ((v & 0xffffff80) != 0) {
            a[p++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        a[p++] = (byte) v;
        return p;
    }

    static int writeVarlong(byte[] a, int p, long value) {
        long v = (value << 1) ^ (value >> 63);
        while ((v & 0xffffffffffffff80L) != 0L) {
            a[p++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        a[p++] = (byte) v;
        return p;
    }
}
