package io.samsa.log;

import static io.samsa.protocol.records.RecordBatchHeader.HEADER_SIZE;
import static io.samsa.protocol.records.RecordBatchHeader.LOG_OVERHEAD;
import static io.samsa.protocol.records.RecordBatchHeader.MIN_BATCH_LENGTH;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedCompressionTypeException;
import org.apache.kafka.common.errors.UnsupportedForMessageFormatException;

import io.samsa.protocol.records.BatchDecompressor;
import io.samsa.protocol.records.RecordBatchHeader;

/**
 * Kafka's LogValidator for a client's Produce: checks one partition's record batch, header and every record,
 * before anything is written, and fails with the exception whose error code Kafka answers with:
 * <ul>
 *   <li>framing: magic != 2 → UnsupportedForMessageFormatException; length or CRC-32C wrong, trailing bytes →
 *       CorruptRecordException (CORRUPT_MESSAGE); over max.message.bytes → RecordTooLargeException; unknown codec
 *       → UnsupportedCompressionTypeException;</li>
 *   <li>batch (INVALID_RECORD, as Kafka's validateBatch): more than one batch in the request ("Compressed outer
 *       record has more than one batch", Kafka's rule for every v2 request), count ≤ 0 or ≠ lastOffsetDelta+1,
 *       a control batch, a producer id with a negative base sequence;</li>
 *   <li>records (INVALID_RECORD, as Kafka's DefaultRecord.readFrom): a record without a key on a log whose
 *       cleanup.policy holds compact (Kafka's validateKey); each record's length varint is positive and
 *       its fields end exactly there; varints are well formed; offset deltas run 0..count-1; key, value and header
 *       lengths are -1 (null; not for header keys) or fit in the record; header counts are ≥ 0 and fit; exactly
 *       {@code count} records, with no bytes after the last;</li>
 *   <li>timestamps (INVALID_TIMESTAMP, Kafka 4): with message.timestamp.type=CreateTime each record's timestamp
 *       (unless -1) lies within message.timestamp.before.max.ms / after.max.ms of the broker clock; a
 *       client batch flagged LogAppendTime is refused where Kafka refuses it.</li>
 * </ul>
 * As Kafka does, a CreateTime batch's maxTimestamp is then set to its records' largest timestamp (the CRC is
 * recomputed only if that changes anything), so the indexes and timestamp lookups agree with the records.
 *
 * <p>Compressed batches are decompressed as a stream ({@link BatchDecompressor}) through a fixed buffer
 * ({@link RecordBytes}): nothing of the decompressed size is allocated, keys and values are skipped, and the
 * decompressed bytes of one batch are limited to {@link #maxDecompressedBytes}. Uncompressed batches are walked in
 * place, with no allocation per record.
 *
 * <p>Stateless and thread-safe; it runs on the appending thread, under the log's lock.
 */
final class RecordValidator {

    /**
     * How many times max.message.bytes (itself at least 1 MiB here) one batch may decompress to. Why this bound:
     * a decompression bomb (a few KiB of zstd run-length blocks can stand for gigabytes) would otherwise cost
     * seconds to minutes of CPU per request, since every byte must be walked. Zero-filled output already fails on
     * its first record (length 0); what remains is well-formed records with huge zero-filled values, and those
     * cost time in proportion to this limit (the stream is read through a fixed buffer, so never memory). Real
     * data rarely compresses beyond 10–50×; at the default max.message.bytes this allows 256 MiB per batch. A
     * producer that still exceeds it gets MESSAGE_TOO_LARGE, on which KafkaProducer splits the batch and
     * retries, so legitimate traffic recovers on its own.
     */
    static final int DECOMPRESSION_LIMIT_FACTOR = 256;
    private static final int MIN_LIMIT_BASE = 1024 * 1024;
    /** Smallest record body: attributes, timestamp delta, offset delta, key and value lengths, header count. */
    private static final int MIN_RECORD_BODY = 6;

    private RecordValidator() {
    }

    /** The most bytes one batch may decompress to under {@code cfg}. */
    static long maxDecompressedBytes(LogConfig cfg) {
        return (long) Math.max(cfg.maxMessageBytes(), MIN_LIMIT_BASE) * DECOMPRESSION_LIMIT_FACTOR;
    }

    /**
     * Validates the batch at {@code b[p]} as the whole of one partition's Produce data ({@code remaining} bytes
     * from p) and returns its size in bytes. May rewrite the batch's maxTimestamp (and CRC) in place.
     */
    static int validateBatch(ByteBuffer b, int p, int remaining, LogConfig cfg, long now) {
        return validateBatch(b, p, remaining, cfg, now, AppendOrigin.CLIENT);
    }

    /** As {@link #validateBatch(ByteBuffer, int, int, LogConfig, long)}; a coordinator's batch has no sequence. */
    static int validateBatch(ByteBuffer b, int p, int remaining, LogConfig cfg, long now, AppendOrigin origin) {
        int size = validateFraming(b, p, remaining, cfg.maxMessageBytes());
        if (size < remaining) {
            // As Kafka: every batch's framing and CRC first (CORRUPT_MESSAGE wins), then the one-batch rule.
            for (int q = p + size; q < p + remaining; ) {
                q += validateFraming(b, q, p + remaining - q, cfg.maxMessageBytes());
            }
            throw new InvalidRecordException("Compressed outer record has more than one batch");
        }
        int count = RecordBatchHeader.recordCount(b, p);
        int lastOffsetDelta = RecordBatchHeader.lastOffsetDelta(b, p);
        if (count <= 0) {
            throw new InvalidRecordException("Invalid reported count for record batch: " + count);
        }
        if (lastOffsetDelta != count - 1) {
            throw new InvalidRecordException("Inconsistent batch offset range [0, " + lastOffsetDelta
                    + "] and count of records " + count);
        }
        if (RecordBatchHeader.isControl(b, p)) {
            throw new InvalidRecordException("Clients are not allowed to write control records");
        }
        if (origin == AppendOrigin.CLIENT && RecordBatchHeader.producerId(b, p) >= 0
                && RecordBatchHeader.baseSequence(b, p) < 0) {
            throw new InvalidRecordException("Invalid sequence number " + RecordBatchHeader.baseSequence(b, p)
                    + " in record batch with producerId " + RecordBatchHeader.producerId(b, p));
        }
        int codec = RecordBatchHeader.compressionCodec(b, p);
        if (codec > RecordBatchHeader.MAX_COMPRESSION_CODEC) {
            throw new UnsupportedCompressionTypeException("Unknown compression codec id " + codec);
        }
        long maxTimestamp;
        if (codec == 0) {
            maxTimestamp = walkRecords(RecordBytes.inPlace(b, p + HEADER_SIZE, p + size), b, p, count, cfg, now);
        } else {
            long limit = maxDecompressedBytes(cfg);
            try (InputStream in = BatchDecompressor.open(codec, b, p + HEADER_SIZE, p + size, limit)) {
                maxTimestamp = walkRecords(RecordBytes.stream(in, limit), b, p, count, cfg, now);
            } catch (IOException e) {
                throw new InvalidRecordException("Record batch payload does not decompress: " + e);
            }
        }
        if (!cfg.logAppendTime()) {
            setCreateTimeMax(b, p, maxTimestamp);
        }
        return size;
    }

    /**
     * Checks a batch fetched from the leader before a follower appends it as it is (Kafka validates follower
     * appends only for framing: the leader validated the records). Framing and CRC as for a produce, without the
     * max.message.bytes limit; offsets must lie at or after {@code minBaseOffset} (the log end offset, then the
     * previous batch's last offset + 1), else {@link UnexpectedAppendOffsetException}. Returns its size.
     */
    static int validateFollowerBatch(ByteBuffer b, int p, int remaining, long minBaseOffset) {
        int size = validateFraming(b, p, remaining, Integer.MAX_VALUE);
        long base = RecordBatchHeader.baseOffset(b, p);
        int lastOffsetDelta = RecordBatchHeader.lastOffsetDelta(b, p);
        if (lastOffsetDelta < 0) {
            throw new CorruptRecordException("Record batch at offset " + base + " has a negative last offset delta "
                    + lastOffsetDelta);
        }
        if (base < minBaseOffset) {
            throw new UnexpectedAppendOffsetException("Batch at offset " + base + " (last "
                    + RecordBatchHeader.lastOffset(b, p) + ") lies below the next expected offset " + minBaseOffset,
                    base, RecordBatchHeader.lastOffset(b, p));
        }
        return size;
    }

    /** Length, magic, size limit and CRC of the batch at p; returns its size. */
    private static int validateFraming(ByteBuffer b, int p, int remaining, int maxSize) {
        if (remaining < HEADER_SIZE) {
            throw new CorruptRecordException("Trailing " + remaining + " bytes do not hold a record batch header");
        }
        if (RecordBatchHeader.magic(b, p) != RecordBatchHeader.MAGIC_V2) {
            throw new UnsupportedForMessageFormatException("Record batch magic " + RecordBatchHeader.magic(b, p)
                    + " is not supported; only magic 2 is");
        }
        int length = RecordBatchHeader.batchLength(b, p);
        if (length < MIN_BATCH_LENGTH || length > remaining - LOG_OVERHEAD) {
            throw new CorruptRecordException("Record batch length " + length + " is invalid (" + remaining
                    + " bytes remain)");
        }
        int size = length + LOG_OVERHEAD;
        if (size > maxSize) {
            throw new RecordTooLargeException("Record batch of " + size + " bytes exceeds max.message.bytes "
                    + maxSize);
        }
        if (!RecordBatchHeader.isCrcValid(b, p)) {
            throw new CorruptRecordException("Record batch CRC mismatch (stored " + RecordBatchHeader.storedCrc(b, p)
                    + ", computed " + RecordBatchHeader.computeCrc(b, p) + ")");
        }
        return size;
    }

    /**
     * Walks exactly {@code count} records and checks that nothing follows them; returns their largest timestamp
     * (-1 if none has one). Every iteration consumes at least the record's length varint, and every length is
     * checked before it is skipped, so the walk ends after at most {@code count} records or throws.
     */
    private static long walkRecords(RecordBytes in, ByteBuffer b, int p, int count, LogConfig cfg, long now) {
        boolean batchLogAppendTime = RecordBatchHeader.isLogAppendTime(b, p);
        long baseTimestamp = RecordBatchHeader.baseTimestamp(b, p);
        long batchMaxTimestamp = RecordBatchHeader.maxTimestamp(b, p);
        long maxTimestamp = RecordBatchHeader.NO_TIMESTAMP;
        for (int i = 0; i < count; i++) {
            int length = in.readVarint();
            if (length < MIN_RECORD_BODY) {
                throw new InvalidRecordException("Invalid record size " + length + " of record " + i);
            }
            long end = in.position() + length;
            in.readByte(); // attributes: unused by v2 records, ignored as Kafka does
            long timestampDelta = in.readVarlong();
            int offsetDelta = in.readVarint();
            if (offsetDelta != i) {
                throw new InvalidRecordException("Inner record " + i + " has offset delta " + offsetDelta
                        + "; offset deltas must run 0.." + (count - 1));
            }
            int keyLength = in.readVarint();
            if (keyLength == -1 && cfg.compact()) {
                // Kafka's LogValidator.validateKey: the cleaner could never keep such a record.
                throw new InvalidRecordException("Compacted topic cannot accept message without key");
            }
            skipField(in, keyLength, true, end, "key", i);
            skipField(in, in.readVarint(), true, end, "value", i);
            int headers = in.readVarint();
            if (headers < 0 || headers > end - in.position()) {
                throw new InvalidRecordException("Found invalid number of record headers " + headers
                        + " in record " + i);
            }
            for (int h = 0; h < headers; h++) {
                skipField(in, in.readVarint(), false, end, "header key", i);
                skipField(in, in.readVarint(), true, end, "header value", i);
            }
            if (in.position() != end) {
                throw new InvalidRecordException("Invalid record size: expected to read " + length
                        + " bytes in record payload of record " + i + ", but instead read "
                        + (in.position() - (end - length)));
            }
            long timestamp = batchLogAppendTime ? batchMaxTimestamp : baseTimestamp + timestampDelta;
            checkTimestamp(timestamp, batchLogAppendTime, i, cfg, now);
            if (timestamp > maxTimestamp) {
                maxTimestamp = timestamp;
            }
        }
        if (!in.atEnd()) {
            throw new InvalidRecordException("Incorrect declared batch size, records still remaining in file");
        }
        return maxTimestamp;
    }

    /** Skips a length-prefixed field that must fit before {@code recordEnd}; -1 (null) only where allowed. */
    private static void skipField(RecordBytes in, int length, boolean nullable, long recordEnd, String what, int i) {
        if (length < 0) {
            if (nullable && length == -1) {
                return;
            }
            throw new InvalidRecordException("Invalid " + what + " length " + length + " in record " + i);
        }
        if (length > recordEnd - in.position()) {
            throw new InvalidRecordException("Invalid " + what + " length " + length + " in record " + i
                    + ": only " + (recordEnd - in.position()) + " bytes of the record remain");
        }
        in.skip(length);
    }

    /** Kafka 4's LogValidator.validateTimestamp. */
    private static void checkTimestamp(long ts, boolean batchLogAppendTime, int i, LogConfig cfg, long now) {
        long diff = now - ts;
        boolean outOfRange = diff > cfg.timestampBeforeMaxMs() || -diff > cfg.timestampAfterMaxMs();
        if (!cfg.logAppendTime() && ts != RecordBatchHeader.NO_TIMESTAMP && outOfRange) {
            throw new InvalidTimestampException("Timestamp " + ts + " of record " + i + " is out of range. "
                    + "The timestamp should be within [" + (now - cfg.timestampBeforeMaxMs()) + ", "
                    + (now + cfg.timestampAfterMaxMs()) + "] (message.timestamp.before.max.ms / after.max.ms)");
        }
        if (batchLogAppendTime) {
            throw new InvalidTimestampException("Invalid timestamp type in record " + i
                    + ". Producer should not set timestamp type to LogAppendTime.");
        }
    }

    /** Kafka's setMaxTimestamp(CREATE_TIME, max): rewrites type and max only when they differ. */
    private static void setCreateTimeMax(ByteBuffer b, int p, long maxTimestamp) {
        if (!RecordBatchHeader.isLogAppendTime(b, p) && RecordBatchHeader.maxTimestamp(b, p) == maxTimestamp) {
            return;
        }
        short attributes = (short) (RecordBatchHeader.attributes(b, p) & ~RecordBatchHeader.TIMESTAMP_TYPE_MASK);
        b.putShort(p + RecordBatchHeader.ATTRIBUTES, attributes);
        b.putLong(p + RecordBatchHeader.MAX_TIMESTAMP, maxTimestamp);
        b.putInt(p + RecordBatchHeader.CRC, (int) RecordBatchHeader.computeCrc(b, p));
    }
}
