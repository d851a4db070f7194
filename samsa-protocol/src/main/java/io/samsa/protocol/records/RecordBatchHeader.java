package io.samsa.protocol.records;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Field access to a v2 record batch header at an absolute position of a {@link ByteBuffer}, without
 * parsing the records. Layout (Kafka's DefaultRecordBatch): baseOffset i64 @0, batchLength i32 @8,
 * partitionLeaderEpoch i32 @12, magic i8 @16, crc u32 @17, attributes i16 @21, lastOffsetDelta i32 @23,
 * baseTimestamp i64 @27, maxTimestamp i64 @35, producerId i64 @43, producerEpoch i16 @51,
 * baseSequence i32 @53, recordCount i32 @57, records from @61. The CRC-32C covers attributes to the end.
 *
 * <p>Stateless: every method takes the buffer and the batch's start position, so that hot paths do not
 * allocate. Shared by the log (validation, recovery, reads), the broker's produce path and the producer's
 * {@link RecordBatchWriter}, so the layout is written down once. Thread-safe (no state); the caller owns the
 * buffer.
 */
public final class RecordBatchHeader {

    public static final int BASE_OFFSET = 0;
    public static final int LENGTH = 8;
    public static final int PARTITION_LEADER_EPOCH = 12;
    public static final int MAGIC = 16;
    public static final int CRC = 17;
    public static final int ATTRIBUTES = 21;
    public static final int LAST_OFFSET_DELTA = 23;
    public static final int BASE_TIMESTAMP = 27;
    public static final int MAX_TIMESTAMP = 35;
    public static final int PRODUCER_ID = 43;
    public static final int PRODUCER_EPOCH = 51;
    public static final int BASE_SEQUENCE = 53;
    public static final int RECORD_COUNT = 57;
    /** Size of the header, i.e. offset of the first record. */
    public static final int HEADER_SIZE = 61;
    /** baseOffset + batchLength: the bytes not counted by batchLength. */
    public static final int LOG_OVERHEAD = 12;
    /** Smallest legal batchLength (a header with no records). */
    public static final int MIN_BATCH_LENGTH = HEADER_SIZE - LOG_OVERHEAD;

    public static final byte MAGIC_V2 = 2;
    public static final int COMPRESSION_MASK = 0x07;
    public static final int TIMESTAMP_TYPE_MASK = 0x08;
    public static final int TRANSACTIONAL_MASK = 0x10;
    public static final int CONTROL_MASK = 0x20;
    public static final int MAX_COMPRESSION_CODEC = 4; // none, gzip, snappy, lz4, zstd
    public static final long NO_TIMESTAMP = -1L;

    private RecordBatchHeader() {
    }

    public static long baseOffset(ByteBuffer b, int p) { return b.getLong(p + BASE_OFFSET); }

    public static int batchLength(ByteBuffer b, int p) { return b.getInt(p + LENGTH); }

    /** Whole size of the batch on disk, header included. */
    public static int sizeInBytes(ByteBuffer b, int p) { return LOG_OVERHEAD + batchLength(b, p); }

    public static int partitionLeaderEpoch(ByteBuffer b, int p) { return b.getInt(p + PARTITION_LEADER_EPOCH); }

    public static byte magic(ByteBuffer b, int p) { return b.get(p + MAGIC); }

    public static long storedCrc(ByteBuffer b, int p) { return Integer.toUnsignedLong(b.getInt(p + CRC)); }

    public static short attributes(ByteBuffer b, int p) { return b.getShort(p + ATTRIBUTES); }

    public static int compressionCodec(ByteBuffer b, int p) { return attributes(b, p) & COMPRESSION_MASK; }

    public static boolean isLogAppendTime(ByteBuffer b, int p) { return (attributes(b, p) & TIMESTAMP_TYPE_MASK) != 0; }

    public static boolean isControl(ByteBuffer b, int p) { return (attributes(b, p) & CONTROL_MASK) != 0; }

    public static boolean isTransactional(ByteBuffer b, int p) { return (attributes(b, p) & TRANSACTIONAL_MASK) != 0; }

    public static int lastOffsetDelta(ByteBuffer b, int p) { return b.getInt(p + LAST_OFFSET_DELTA); }

    public static long lastOffset(ByteBuffer b, int p) { return baseOffset(b, p) + lastOffsetDelta(b, p); }

    public static long baseTimestamp(ByteBuffer b, int p) { return b.getLong(p + BASE_TIMESTAMP); }

    public static long maxTimestamp(ByteBuffer b, int p) { return b.getLong(p + MAX_TIMESTAMP); }

    public static long producerId(ByteBuffer b, int p) { return b.getLong(p + PRODUCER_ID); }

    public static short producerEpoch(ByteBuffer b, int p) { return b.getShort(p + PRODUCER_EPOCH); }

    public static int baseSequence(ByteBuffer b, int p) { return b.getInt(p + BASE_SEQUENCE); }

    public static int recordCount(ByteBuffer b, int p) { return b.getInt(p + RECORD_COUNT); }

    /** Sequence of the batch's last record, wrapping past Integer.MAX_VALUE to 0 as Kafka does. */
    public static int lastSequence(ByteBuffer b, int p) {
        return incrementSequence(baseSequence(b, p), lastOffsetDelta(b, p));
    }

    public static int incrementSequence(int sequence, int increment) {
        if (sequence > Integer.MAX_VALUE - increment) {
            return increment - (Integer.MAX_VALUE - sequence) - 1;
        }
        return sequence + increment;
    }

    /** CRC-32C of attributes .. end of batch, as stored in the crc field. */
    public static long computeCrc(ByteBuffer b, int p) {
        CRC32C crc = new CRC32C();
        int from = p + ATTRIBUTES;
        int to = p + sizeInBytes(b, p);
        ByteBuffer slice = b.duplicate();
        slice.limit(to).position(from);
        crc.update(slice);
        return crc.getValue();
    }

    public static boolean isCrcValid(ByteBuffer b, int p) {
        return computeCrc(b, p) == storedCrc(b, p);
    }

    public static void setBaseOffset(ByteBuffer b, int p, long offset) { b.putLong(p + BASE_OFFSET, offset); }

    public static void setPartitionLeaderEpoch(ByteBuffer b, int p, int epoch) { b.putInt(p + PARTITION_LEADER_EPOCH, epoch); }

    /** Marks the batch LogAppendTime with {@code timestamp} as its max timestamp and recomputes the CRC. */
    public static void setLogAppendTime(ByteBuffer b, int p, long timestamp) {
        short attributes = (short) (attributes(b, p) | TIMESTAMP_TYPE_MASK);
        b.putShort(p + ATTRIBUTES, attributes);
        b.putLong(p + MAX_TIMESTAMP, timestamp);
        b.putInt(p + CRC, (int) computeCrc(b, p));
    }
}
