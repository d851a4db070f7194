package io.samsa.protocol.records;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * A topic's {@code compression.type} other than {@code producer} applied to a produced batch, as Kafka's broker
 * does on append: the record section is decompressed and compressed again with the topic's codec (or left
 * uncompressed); offsets, timestamps, producer id, epoch and sequence stay, the length, codec bits and CRC are
 * rewritten. Only a request that is one well-formed v2 data batch with a valid CRC is converted, so a corrupt or
 * malformed one still reaches the log's validation unchanged (and gets Kafka's error there, instead of a fresh
 * CRC that would hide the corruption); so does a batch that does not decompress within {@code maxBytes}.
 * Thread-safe (stateless).
 */
public final class BatchRecompressor {
    private BatchRecompressor() {
    }

    /**
     * The batch in {@code records[position, limit)} under {@code target}, or {@code records} itself when it is
     * in that codec already or is not converted (see above).
     */
    public static ByteBuffer recompress(ByteBuffer records, BatchCompressor target, long maxBytes) {
        int p = records.position();
        int remaining = records.remaining();
        if (remaining < RecordBatchHeader.HEADER_SIZE || RecordBatchHeader.magic(records, p) != RecordBatchHeader.MAGIC_V2
                || RecordBatchHeader.sizeInBytes(records, p) != remaining || RecordBatchHeader.isControl(records, p)
                || RecordBatchHeader.recordCount(records, p) <= 0 || !RecordBatchHeader.isCrcValid(records, p)) {
            return records;
        }
        int codec = RecordBatchHeader.compressionCodec(records, p);
        int wanted = target.attributeBits();
        if (codec == wanted) {
            return records;
        }
        byte[] batch;
        try {
            batch = withPlainRecords(records, p, remaining, codec, maxBytes);
        } catch (IOException | RuntimeException e) {
            return records; // the log's validation reports what is wrong with it
        }
        if (batch == null) {
            return records;
        }
        int recordsSize = batch.length - RecordBatchHeader.HEADER_SIZE;
        ByteBuffer out = wanted == 0 ? ByteBuffer.wrap(batch)
                : target.compress(batch, 0, RecordBatchHeader.HEADER_SIZE, recordsSize);
        out.putInt(RecordBatchHeader.LENGTH, out.remaining() - RecordBatchHeader.LOG_OVERHEAD);
        short attributes = (short) ((RecordBatchHeader.attributes(records, p) & ~RecordBatchHeader.COMPRESSION_MASK)
                | wanted);
        out.putShort(RecordBatchHeader.ATTRIBUTES, attributes);
        out.putInt(RecordBatchHeader.CRC, (int) RecordBatchHeader.computeCrc(out, 0));
        return out;
    }

    /** Header then uncompressed records; null when they decompress to more than {@code maxBytes}. */
    private static byte[] withPlainRecords(ByteBuffer records, int p, int size, int codec, long maxBytes)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(codec == 0 ? size : size * 4);
        byte[] header = new byte[RecordBatchHeader.HEADER_SIZE];
        records.duplicate().position(p).get(header);
        out.write(header);
        if (codec == 0) {
            byte[] body = new byte[size - RecordBatchHeader.HEADER_SIZE];
            records.duplicate().position(p + RecordBatchHeader.HEADER_SIZE).get(body);
            out.write(body);
            return out.toByteArray();
        }
        try (InputStream in = BatchDecompressor.open(codec, records, p + RecordBatchHeader.HEADER_SIZE, p + size,
                maxBytes)) {
            byte[] chunk = new byte[16 * 1024];
            long total = 0;
            for (int n; (n = in.read(chunk)) > 0; ) {
                total += n;
                if (total > maxBytes) {
                    return null;
                }
                out.write(chunk, 0, n);
            }
        }
        return out.toByteArray();
    }
}
