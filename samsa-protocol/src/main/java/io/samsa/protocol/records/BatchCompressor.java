package io.samsa.protocol.records;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Locale;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.utils.internals.ByteBufferOutputStream;

/**
 * {@code compression.type} applied to a batch's record section, through kafka-clients' codec streams (gzip,
 * snappy, lz4 with Kafka's framing, zstd). The only class that compresses with those internals; used by
 * {@link RecordBatchWriter#finish}. Thread-safe (immutable); each call builds its own codec stream.
 */
public final class BatchCompressor {
    private final CompressionType type;
    private final Compression compression;

    private BatchCompressor(CompressionType type, Compression compression) {
        this.type = type;
        this.compression = compression;
    }

    /** From the config value: none, gzip, snappy, lz4, zstd; with an optional level ({@code compression.X.level}). */
    public static BatchCompressor of(String name, Integer level) {
        CompressionType type = CompressionType.forName(name.toLowerCase(Locale.ROOT));
        Compression.Builder<? extends Compression> builder = switch (type) {
            case GZIP -> level == null ? Compression.gzip() : Compression.gzip().level(level);
            case LZ4 -> level == null ? Compression.lz4() : Compression.lz4().level(level);
            case ZSTD -> level == null ? Compression.zstd() : Compression.zstd().level(level);
            default -> Compression.of(type);
        };
        return new BatchCompressor(type, builder.build());
    }

    public boolean isNone() {
        return type == CompressionType.NONE;
    }

    public String name() {
        return type.name;
    }

    short attributeBits() {
        return (short) (type.id & 0x07);
    }

    /** A new buffer: {@code headerSize} bytes copied from {@code src[offset..]}, then the compressed records. */
    ByteBuffer compress(byte[] src, int offset, int headerSize, int recordsSize) {
        ByteBufferOutputStream out = new ByteBufferOutputStream(headerSize + recordsSize / 2 + 64);
        out.write(src, offset, headerSize);
        try (OutputStream codec = compression.wrapForOutput(out, (byte) 2)) {
            codec.write(src, offset + headerSize, recordsSize);
        } catch (IOException e) {
            throw new KafkaException("Failed to compress a record batch with " + type.name, e);
        }
        ByteBuffer result = out.buffer();
        result.flip();
        return result.slice();
    }
}
