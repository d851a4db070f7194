package io.samsa.protocol.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;

/** A produced batch converted to a topic's codec: same records and header fields, read back by kafka-clients. */
class BatchRecompressorTest {
    private static final long NOW = 1_700_000_000_000L;

    private static ByteBuffer batch(String codec) {
        RecordBatchWriter w = new RecordBatchWriter(ByteBuffer.allocate(4096));
        for (int i = 0; i < 20; i++) {
            w.tryAppend(NOW + i, ("k" + i).getBytes(StandardCharsets.UTF_8),
                    "value value value".getBytes(StandardCharsets.UTF_8), null);
        }
        w.finish(BatchCompressor.of(codec, null));
        w.stamp(42L, (short) 3, 100);
        return w.bytes();
    }

    private static List<String> values(ByteBuffer b) {
        List<String> out = new ArrayList<>();
        for (RecordBatch rb : MemoryRecords.readableRecords(b.duplicate()).batches()) {
            rb.ensureValid();
            for (Record r : rb) {
                out.add(r.offset() + ":" + r.timestamp() + ":" + StandardCharsets.UTF_8.decode(r.key()));
            }
        }
        return out;
    }

    @Test
    void convertsBetweenCodecsKeepingRecordsAndProducerFields() {
        ByteBuffer gzip = batch("gzip");
        List<String> expected = values(gzip);
        for (String target : List.of("lz4", "zstd", "snappy", "none")) {
            ByteBuffer out = BatchRecompressor.recompress(gzip, BatchCompressor.of(target, null), 1 << 20);
            assertThat(out).as(target).isNotSameAs(gzip);
            assertThat(RecordBatchHeader.isCrcValid(out, 0)).as(target).isTrue();
            assertThat(RecordBatchHeader.compressionCodec(out, 0)).as(target)
                    .isEqualTo(BatchCompressor.of(target, null).attributeBits());
            assertThat(RecordBatchHeader.sizeInBytes(out, 0)).isEqualTo(out.remaining());
            assertThat(RecordBatchHeader.producerId(out, 0)).isEqualTo(42L);
            assertThat(RecordBatchHeader.producerEpoch(out, 0)).isEqualTo((short) 3);
            assertThat(RecordBatchHeader.baseSequence(out, 0)).isEqualTo(100);
            assertThat(RecordBatchHeader.maxTimestamp(out, 0)).isEqualTo(NOW + 19);
            assertThat(values(out)).as(target).isEqualTo(expected);
        }
    }

    @Test
    void leavesAlikeCorruptOrOversizedBatchesAsTheyAre() {
        ByteBuffer lz4 = batch("lz4");
        assertThat(BatchRecompressor.recompress(lz4, BatchCompressor.of("lz4", null), 1 << 20)).isSameAs(lz4);

        ByteBuffer corrupt = batch("none");
        corrupt.put(RecordBatchHeader.HEADER_SIZE + 3, (byte) (corrupt.get(RecordBatchHeader.HEADER_SIZE + 3) ^ 1));
        assertThat(BatchRecompressor.recompress(corrupt, BatchCompressor.of("gzip", null), 1 << 20))
                .isSameAs(corrupt);

        ByteBuffer gzip = batch("gzip");
        assertThat(BatchRecompressor.recompress(gzip, BatchCompressor.of("none", null), 100)).isSameAs(gzip);

        ByteBuffer two = ByteBuffer.allocate(2 * lz4.remaining());
        two.put(lz4.duplicate()).put(lz4.duplicate()).flip();
        assertThat(BatchRecompressor.recompress(two, BatchCompressor.of("gzip", null), 1 << 20)).isSameAs(two);
    }
}
