package io.samsa.protocol.records;

import java.io.InputStream;
import java.nio.ByteBuffer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.UnsupportedCompressionTypeException;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.utils.internals.BufferSupplier;

/**
 * Opens a decompressing stream over a batch's compressed records, the one place that knows the decompressing
 * codecs (the log's validation of a produced batch reads through it). gzip, lz4 and zstd use kafka-clients' own input streams, the ones KafkaConsumer reads with, so whatever
 * the broker accepts a Java consumer can decode; each holds a bounded buffer (gzip and zstd a 16 KiB chunk, lz4 one
 * block of at most 4 MiB as its frame declares). snappy uses {@link SnappyChunks}, because snappy-java's stream
 * allocates whatever size a block claims. Thread-safe (stateless); each stream belongs to its caller.
 */
public final class BatchDecompressor {
    public static final int GZIP = 1;
    public static final int SNAPPY = 2;
    public static final int LZ4 = 3;
    public static final int ZSTD = 4;
    private static final byte MAGIC_V2 = 2;

    private BatchDecompressor() {
    }

    /**
     * A stream of the decompressed records in {@code batch[from, to)} under {@code codec} (1..4); the caller
     * closes it (zstd holds native memory). A payload whose header already fails → InvalidRecordException.
     */
    public static InputStream open(int codec, ByteBuffer batch, int from, int to, long maxBytes) {
        ByteBuffer payload = batch.duplicate();
        payload.limit(to).position(from);
        try {
            switch (codec) {
                case GZIP, LZ4, ZSTD -> {
                    return Compression.of(CompressionType.forId(codec)).build()
                            .wrapForInput(payload.slice(), MAGIC_V2, BufferSupplier.NO_CACHING);
                }
                case SNAPPY -> {
                    if (payload.hasArray()) {
                        int base = payload.arrayOffset();
                        return SnappyChunks.open(payload.array(), base + from, base + to, maxBytes);
                    }
                    byte[] copy = new byte[to - from];
                    payload.get(copy);
                    return SnappyChunks.open(copy, 0, copy.length, maxBytes);
                }
                default -> throw new UnsupportedCompressionTypeException("Unknown compression codec id " + codec);
            }
        } catch (UnsupportedCompressionTypeException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidRecordException("Record batch payload does not decompress: " + e);
        }
    }
}
