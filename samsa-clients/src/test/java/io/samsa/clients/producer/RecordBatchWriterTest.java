package io.samsa.clients.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.samsa.protocol.records.BatchCompressor;
import io.samsa.protocol.records.RecordBatchWriter;
import io.samsa.clients.producer.partition.KeyPartitioner;

/** Our v2 batch bytes, read back by kafka-clients' own parser (CRC, fields, records). */
class RecordBatchWriterTest {

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void kafkaReadsWhatWeWrite(String codec) {
        RecordBatchWriter w = new RecordBatchWriter(ByteBuffer.allocate(64 * 1024));
        long base = 1_700_000_000_000L;
        List<String> values = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            byte[] key = i % 3 == 0 ? null : ("key-" + i).getBytes(StandardCharsets.UTF_8);
            String value = "value-" + i + "-".repeat(i % 40);
            values.add(value);
            Header[] headers = i % 5 == 0 ? new Header[] {new RecordHeader("h" + i, new byte[] {(byte) i}),
                    new RecordHeader("null", null)} : new Header[0];
            assertThat(w.tryAppend(base + i * 7L - (i % 2 == 0 ? 1000 : 0), key,
                    value.getBytes(StandardCharsets.UTF_8), headers)).isEqualTo(i);
        }
        w.finish(BatchCompressor.of(codec, null));
        w.stamp(4242L, (short) 3, 17);
        MemoryRecords records = MemoryRecords.readableRecords(w.bytes());
        List<RecordBatch> batches = new ArrayList<>();
        records.batches().forEach(batches::add);
        assertThat(batches).hasSize(1);
        RecordBatch batch = batches.get(0);
        batch.ensureValid();
        assertThat(batch.magic()).isEqualTo((byte) 2);
        assertThat(batch.compressionType().name).isEqualTo(codec);
        assertThat(batch.producerId()).isEqualTo(4242L);
        assertThat(batch.producerEpoch()).isEqualTo((short) 3);
        assertThat(batch.baseSequence()).isEqualTo(17);
        assertThat(batch.lastSequence()).isEqualTo(17 + 299);
        assertThat(batch.countOrNull()).isEqualTo(300);
        assertThat(batch.maxTimestamp()).isEqualTo(base + 299 * 7L);
        int i = 0;
        for (Record r : batch) {
            assertThat(r.offset()).isEqualTo(i);
            assertThat(r.timestamp()).isEqualTo(base + i * 7L - (i % 2 == 0 ? 1000 : 0));
            assertThat(r.hasKey()).isEqualTo(i % 3 != 0);
            if (r.hasKey()) {
                assertThat(StandardCharsets.UTF_8.decode(r.key()).toString()).isEqualTo("key-" + i);
            }
            assertThat(StandardCharsets.UTF_8.decode(r.value()).toString()).isEqualTo(values.get(i));
            assertThat(r.headers()).hasSize(i % 5 == 0 ? 2 : 0);
            if (i % 5 == 0) {
                assertThat(r.headers()[0].key()).isEqualTo("h" + i);
                assertThat(r.headers()[0].value()).containsExactly((byte) i);
                assertThat(r.headers()[1].value()).isNull();
            }
            i++;
        }
        assertThat(i).isEqualTo(300);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 7, 13, 64})
    void keyPartitioningMatchesKafka(int length) {
        java.util.Random rnd = new java.util.Random(length);
        for (int i = 0; i < 500; i++) {
            byte[] key = new byte[length];
            rnd.nextBytes(key);
            assertThat(KeyPartitioner.murmur2(key)).isEqualTo(Utils.murmur2(key));
            for (int n : new int[] {1, 3, 6, 7, 100}) {
                assertThat(KeyPartitioner.partition(key, n)).isEqualTo(Utils.toPositive(Utils.murmur2(key)) % n);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aFullBatchRefusesTheNextRecord() {
        RecordBatchWriter w = new RecordBatchWriter(ByteBuffer.allocate(200));
        byte[] v = new byte[50];
        assertThat(w.tryAppend(1, null, v, null)).isZero();
        assertThat(w.tryAppend(1, null, v, null)).isEqualTo(1);
        assertThat(w.tryAppend(1, null, v, null)).isEqualTo(-1);
        assertThat(w.recordCount()).isEqualTo(2);
    }
}
