package io.samsa.protocol.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;

/** Reading batches written by kafka-clients (plain, compressed, control, cut short) through the Samsa view. */
class RecordsViewTest {
    private static final long NOW = 1_700_000_000_000L;

    @Test
    void walksBatchesAndRecordsInOrder() {
        ByteBuffer plain = MemoryRecords.withRecords(10L, Compression.NONE,
                new SimpleRecord(NOW, "k0".getBytes(), "v0".getBytes(),
                        new Header[] {KafkaHeaders.header("h", "x".getBytes())}),
                new SimpleRecord(NOW + 1, null, "v1".getBytes())).buffer();
        ByteBuffer gzip = MemoryRecords.withRecords(12L, Compression.gzip().build(),
                new SimpleRecord(NOW + 2, "k2".getBytes(), null)).buffer();
        RecordsView view = RecordsView.of(concat(plain, gzip));

        assertThat(view.nextOffset()).isEqualTo(13L);
        assertThat(view.sizeInBytes()).isEqualTo(plain.remaining() + gzip.remaining());
        RecordCursor c = view.cursor();
        List<String> seen = new ArrayList<>();
        while (c.nextBatch()) {
            assertThat(c.batchTimestampType()).isEqualTo(TimestampType.CREATE_TIME);
            assertThat(c.batchIsControl()).isFalse();
            while (c.nextRecord()) {
                seen.add(c.offset() + "@" + (c.timestamp() - NOW) + ":" + text(c.key()) + "=" + text(c.value())
                        + "/" + c.keySize() + "," + c.valueSize() + "/" + c.headers().toArray().length);
            }
            seen.add("next " + c.batchNextOffset());
        }
        assertThat(seen).containsExactly("10@0:k0=v0/2,2/1", "11@1:null=v1/-1,2/0", "next 12",
                "12@2:k2=null/2,-1/0", "next 13");
        assertThat(c.inBatch()).isFalse();
        assertThat(c.hasNextBatch()).isFalse();
    }

    @Test
    void controlBatchesAreFlaggedAndATrailingPartialBatchIsNotABatch() {
        ByteBuffer control = MemoryRecords.withEndTransactionMarker(20L, NOW, 0, 5L, (short) 1,
                new EndTransactionMarker(ControlRecordType.COMMIT, 0)).buffer();
        ByteBuffer data = MemoryRecords.withRecords(21L, Compression.NONE, new SimpleRecord(NOW, "v".getBytes())).buffer();
        ByteBuffer cut = concat(control, data);
        cut.limit(cut.limit() - 3); // a fetch cut at its size limit

        RecordsView view = RecordsView.of(cut);
        RecordCursor c = view.cursor();
        assertThat(c.nextBatch()).isTrue();
        assertThat(c.batchIsControl()).isTrue();
        assertThat(c.batchNextOffset()).isEqualTo(21L);
        assertThat(c.nextBatch()).isFalse();
        assertThat(view.nextOffset()).isEqualTo(21L);
        assertThat(view.sizeInBytes()).isEqualTo(cut.remaining());
    }

    @Test
    void fetchPartitionWithoutRecordsIsEmpty() {
        RecordsView view = RecordsView.of(new FetchResponseData.PartitionData());

        assertThat(view.nextOffset()).isEqualTo(-1L);
        assertThat(view.cursor().nextBatch()).isFalse();
    }

    @Test
    void fetchPartitionRecordsAreRead() {
        MemoryRecords records = MemoryRecords.withRecords(3L, Compression.NONE, new SimpleRecord(NOW, "v".getBytes()));
        RecordsView view = RecordsView.of(new FetchResponseData.PartitionData().setRecords(records));

        assertThat(view.nextOffset()).isEqualTo(4L);
    }

    private static ByteBuffer concat(ByteBuffer a, ByteBuffer b) {
        ByteBuffer out = ByteBuffer.allocate(a.remaining() + b.remaining());
        out.put(a.duplicate()).put(b.duplicate()).flip();
        return out;
    }

    private static String text(ByteBuffer b) {
        return b == null ? "null" : StandardCharsets.UTF_8.decode(b.duplicate()).toString();
    }
}
