package io.samsa.log;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import org.apache.kafka.common.errors.ApiException;

/**
 * Field access to a v2 record batch header at an absolute position of a {@link ByteBuffer}, without
 * parsing the records. Layout (Kafka's DefaultRecordBatch): baseOffset i64 @0, batchLength i32 @8,
 * partitionLeaderEpoch i32 @12, magic i8 @16, crc u32 @17, attributes i16 @21, lastOffsetDelta i32 @23,
 * baseTimestamp i64 @27, maxTimestamp i64 @35, producerId i64 @43, producerEpoch i16 @51,
 * baseSequence i32 @53, recordCount i32 @57, records from @61. The CRC-32C covers attributes to the end.
 *
 * <p>Stateless: every method takes the buffer and the batch's start position, so that hot paths do not
 * allocate.
 */
final class RecordBatchHeader {

    static final int BASE_OFFSET = 0;
    static final int LENGTH = 8;
    static final int PARTITION_LEADER_EPOCH = 12;
    static final int MAGIC = 16;
    static final int CRC = 17;
    static final int ATTRIBUTES = 21;
    static final int LAST_OFFSET_DELTA = 23;
    static final int BASE_TIMESTAMP = 27;
    static final int MAX_TIMESTAMP = 35;
    static final int PRODUCER_ID = 43;
    static final int PRODUCER_EPOCH = 51;
    static final int BASE_SEQUENCE = 53;
    static final int RECORD_COUNT = 57;
    /** Size of the header, i.e. offset of the first record. */
    static final int HEADER_SIZE = 61;
    /** baseOffset + batchLength: the bytes not counted by batchLength. */
    static final int LOG_OVERHEAD = 12;
    /** Smallest legal batchLength (a header with no records). */
    static final int MIN_BATCH_LENGTH = HEADER_SIZE - LOG_OVERHEAD;

    static final byte MAGIC_V2 = 2;
    static final int COMPRESSION_MASK = 0x07;
    static final int TIMESTAMP_TYPE_MASK = 0x08;
    static final int TRANSACTIONAL_MASK = 0x10;
    static final int CONTROL_MASK = 0x20;
    static final int MAX_COMPRESSION_CODEC = 4; // none, gzip, snappy, lz4, zstd
    static final long NO_TIMESTAMP = -1L;

    private RecordBatchHeader() {
    }

    static long baseOffset(ByteBuffer b, int p) { return b.getLong(p + BASE_OFFSET); }

    static int batchLength(ByteBuffer b, int p) { return b.getInt(p + LENGTH); }

    /** Whole size of the batch on disk, header included. */
    static int sizeInBytes(ByteBuffer b, int p) { return LOG_OVERHEAD + batchLength(b, p); }

    static int partitionLeaderEpoch(ByteBuffer b, int p) { return b.getInt(p + PARTITION_LEADER_EPOCH); }

    static byte magic(ByteBuffer b, int p) { return b.get(p + MAGIC); }

    static long storedCrc(ByteBuffer b, int p) { return Integer.toUnsignedLong(b.getInt(p + CRC)); }

    static short attributes(ByteBuffer b, int p) { return b.getShort(p + ATTRIBUTES); }

    static int compressionCodec(ByteBuffer b, int p) { return attributes(b, p) & COMPRESSION_MASK; }

    static boolean isLogAppendTime(ByteBuffer b, int p) { return (attributes(b, p) & TIMESTAMP_TYPE_MASK) != 0; }

    static boolean isControl(ByteBuffer b, int p) { return (attributes(b, p) & CONTROL_MASK) != 0; }

    static boolean isTransactional(ByteBuffer b, int p) { return (attributes(b, p) & TRANSACTIONAL_MASK) != 0; }

    static int lastOffsetDelta(ByteBuffer b, int p) { return b.getInt(p + LAST_OFFSET_DELTA); }

    static long lastOffset(ByteBuffer b, int p) { return baseOffset(b, p) + lastOffsetDelta(b, p); }

    static long baseTimestamp(ByteBuffer b, int p) { return b.getLong(p + BASE_TIMESTAMP); }

    static long maxTimestamp(ByteBuffer b, int p) { return b.getLong(p + MAX_TIMESTAMP); }

    static long producerId(ByteBuffer b, int p) { return b.getLong(p + PRODUCER_ID); }

    static short producerEpoch(ByteBuffer b, int p) { return b.getShort(p + PRODUCER_EPOCH); }

    static int baseSequence(ByteBuffer b, int p) { return b.getInt(p + BASE_SEQUENCE); }

    static int recordCount(ByteBuffer b, int p) { return b.getInt(p + RECORD_COUNT); }

    /** Sequence of the batch's last record, wrapping past Integer.MAX_VALUE to 0 as Kafka does. */
    static int lastSequence(ByteBuffer b, int p) {
        return incrementSequence(baseSequence(b, p), lastOffsetDelta(b, p));
    }

    static int incrementSequence(int sequence, int increment) {
        if (sequence > Integer.MAX_VALUE - increment) {
            return increment - (Integer.MAX_VALUE - sequence) - 1;
        }
        return sequence + increment;
    }

    /** CRC-32C of attributes .. end of batch, as stored in the crc field. */
    static long computeCrc(ByteBuffer b, int p) {
        CRC32C crc = new CRC32C();
        int from = p + ATTRIBUTES;
        int to = p + sizeInBytes(b, p);
        ByteBuffer slice = b.duplicate();
        slice.limit(to).position(from);
        crc.update(slice);
        return crc.getValue();
    }

    static boolean isCrcValid(ByteBuffer b, int p) {
        return computeCrc(b, p) == storedCrc(b, p);
    }

    static void setBaseOffset(ByteBuffer b, int p, long offset) { b.putLong(p + BASE_OFFSET, offset); }

    static void setPartitionLeaderEpoch(ByteBuffer b, int p, int epoch) { b.putInt(p + PARTITION_LEADER_EPOCH, epoch); }

    /** Marks the batch LogAppendTime with {@code timestamp} as its max timestamp and recomputes the CRC. */
    static void setLogAppendTime(ByteBuffer b, int p, long timestamp) {
        short attributes = (short) (attributes(b, p) | TIMESTAMP_TYPE_MASK);
        b.putShort(p + ATTRIBUTES, attributes);
        b.putLong(p + MAX_TIMESTAMP, timestamp);
        b.putInt(p + CRC, (int) computeCrc(b, p));
    }

    /**
     * Scans an uncompressed batch's records for the first whose timestamp is ≥ {@code target}
     * (or, with {@code exact}, equal to it). Returns it with the batch's leader epoch, or null if none / compressed / the
     * records do not parse. Records: length varint, attributes i8, timestampDelta varlong, offsetDelta varint, ...
     *
     * <p>The batch may have been written before records were validated on append, so it is read defensively:
     * every step consumes at least one byte, at most recordCount records are read, and a malformed record (a
     * length ≤ 0, a bad varint, a field past the batch end) stops the scan with null, which callers answer at
     * batch level.
     */
    static TimestampAndOffset findRecordByTimestamp(ByteBuffer b, int p, long target, boolean exact) {
        if (compressionCodec(b, p) != 0) {
            return null;
        }
        long baseOffset = baseOffset(b, p);
        if (isLogAppendTime(b, p)) {
            long ts = maxTimestamp(b, p);
            return (exact ? ts == target : ts >= target)
                    ? new TimestampAndOffset(ts, baseOffset, partitionLeaderEpoch(b, p)) : null;
        }
        long baseTs = baseTimestamp(b, p);
        int count = recordCount(b, p);
        int end = (int) Math.min(b.limit(), (long) p + sizeInBytes(b, p));
        if (p + HEADER_SIZE > end) {
            return null;
        }
        RecordBytes in = RecordBytes.inPlace(b, p + HEADER_SIZE, end);
        try {
            for (int i = 0; i < count && !in.atEnd(); i++) {
                int length = in.readVarint();
                if (length <= 0) {
                    return null;
                }
                long recordEnd = in.position() + length;
                in.readByte(); // attributes
                long ts = baseTs + in.readVarlong();
                long offset = baseOffset + in.readVarint();
                if (exact ? ts == target : ts >= target) {
                    return new TimestampAndOffset(ts, offset, partitionLeaderEpoch(b, p));
                }
                long rest = recordEnd - in.position();
                if (rest < 0) {
                    return null;
                }
                in.skip((int) rest);
            }
        } catch (ApiException e) {
            return null; // a malformed record (InvalidRecordException): answer at batch level
        }
        return null;
    }
}
