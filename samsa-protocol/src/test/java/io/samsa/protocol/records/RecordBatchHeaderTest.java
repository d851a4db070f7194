package io.samsa.protocol.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;

/** The documented v2 header layout, checked against kafka-clients' own batch parser both ways. */
class RecordBatchHeaderTest {
    private static final long NOW = 1_700_000_000_000L;

    @Test
    void readsEveryFieldKafkaWrites() {
        ByteBuffer b = kafkaBatch(42L, 7L, (short) 3, 100, true, new SimpleRecord(NOW, "k0".getBytes(), "v0".getBytes()),
                new SimpleRecord(NOW + 5, null, "v1".getBytes()), new SimpleRecord(NOW + 2, "k2".getBytes(), null));
        RecordBatch kafka = MemoryRecords.readableRecords(b.duplicate()).batches().iterator().next();

        assertThat(RecordBatchHeader.baseOffset(b, 0)).isEqualTo(42L).isEqualTo(kafka.baseOffset());
        assertThat(RecordBatchHeader.lastOffset(b, 0)).isEqualTo(44L).isEqualTo(kafka.lastOffset());
        assertThat(RecordBatchHeader.lastOffsetDelta(b, 0)).isEqualTo(2);
        assertThat(RecordBatchHeader.sizeInBytes(b, 0)).isEqualTo(kafka.sizeInBytes()).isEqualTo(b.remaining());
        assertThat(RecordBatchHeader.batchLength(b, 0)).isEqualTo(b.remaining() - RecordBatchHeader.LOG_OVERHEAD);
        assertThat(RecordBatchHeader.magic(b, 0)).isEqualTo(RecordBatchHeader.MAGIC_V2).isEqualTo(kafka.magic());
        assertThat(RecordBatchHeader.storedCrc(b, 0)).isEqualTo(kafka.checksum());
        assertThat(RecordBatchHeader.isCrcValid(b, 0)).isTrue();
        assertThat(RecordBatchHeader.compressionCodec(b, 0)).isZero();
        assertThat(RecordBatchHeader.isLogAppendTime(b, 0)).isFalse();
        assertThat(RecordBatchHeader.isControl(b, 0)).isFalse();
        assertThat(RecordBatchHeader.isTransactional(b, 0)).isTrue().isEqualTo(kafka.isTransactional());
        assertThat(RecordBatchHeader.baseTimestamp(b, 0)).isEqualTo(NOW);
        assertThat(RecordBatchHeader.maxTimestamp(b, 0)).isEqualTo(NOW + 5).isEqualTo(kafka.maxTimestamp());
        assertThat(RecordBatchHeader.producerId(b, 0)).isEqualTo(7L).isEqualTo(kafka.producerId());
        assertThat(RecordBatchHeader.producerEpoch(b, 0)).isEqualTo((short) 3).isEqualTo(kafka.producerEpoch());
        assertThat(RecordBatchHeader.baseSequence(b, 0)).isEqualTo(100).isEqualTo(kafka.baseSequence());
        assertThat(RecordBatchHeader.lastSequence(b, 0)).isEqualTo(102).isEqualTo(kafka.lastSequence());
        assertThat(RecordBatchHeader.recordCount(b, 0)).isEqualTo(3).isEqualTo(kafka.countOrNull());
    }

    @Test
    void readsAtAnAbsolutePosition() {
        ByteBuffer batch = kafkaBatch(5L, -1L, (short) -1, -1, false, new SimpleRecord(NOW, "v".getBytes()));
        ByteBuffer b = ByteBuffer.allocate(batch.remaining() + 10);
        b.position(10);
        b.put(batch.duplicate());

        assertThat(RecordBatchHeader.baseOffset(b, 10)).isEqualTo(5L);
        assertThat(RecordBatchHeader.isCrcValid(b, 10)).isTrue();
        assertThat(RecordBatchHeader.isTransactional(b, 10)).isFalse();
    }

    @Test
    void settersKeepTheBatchValidForKafka() {
        ByteBuffer b = kafkaBatch(0L, -1L, (short) -1, -1, false, new SimpleRecord(NOW, "a".getBytes()),
                new SimpleRecord(NOW + 1, "b".getBytes()));

        RecordBatchHeader.setBaseOffset(b, 0, 1000L);
        RecordBatchHeader.setPartitionLeaderEpoch(b, 0, 9);
        RecordBatchHeader.setLogAppendTime(b, 0, NOW + 50);

        DefaultRecordBatch kafka = (DefaultRecordBatch) MemoryRecords.readableRecords(b.duplicate()).batches()
                .iterator().next();
        kafka.ensureValid();
        assertThat(kafka.baseOffset()).isEqualTo(1000L);
        assertThat(kafka.partitionLeaderEpoch()).isEqualTo(9);
        assertThat(kafka.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(kafka.maxTimestamp()).isEqualTo(NOW + 50);
        assertThat(RecordBatchHeader.isLogAppendTime(b, 0)).isTrue();
    }

    @Test
    void sequenceWrapsPastIntMax() {
        assertThat(RecordBatchHeader.incrementSequence(Integer.MAX_VALUE, 1)).isZero();
        assertThat(RecordBatchHeader.incrementSequence(Integer.MAX_VALUE - 1, 3)).isEqualTo(1);
        assertThat(RecordBatchHeader.incrementSequence(5, 2)).isEqualTo(7);
    }

    @Test
    void writerOutputMatchesTheLayout() {
        RecordBatchWriter w = new RecordBatchWriter(ByteBuffer.allocate(1024));
        w.tryAppend(NOW, "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8), null);
        w.tryAppend(NOW + 3, null, "w".getBytes(StandardCharsets.UTF_8), null);
        w.finish(null);
        w.stamp(11L, (short) 2, 40);
        ByteBuffer b = w.bytes();

        assertThat(RecordBatchHeader.isCrcValid(b, 0)).isTrue();
        assertThat(RecordBatchHeader.recordCount(b, 0)).isEqualTo(2);
        assertThat(RecordBatchHeader.lastOffsetDelta(b, 0)).isEqualTo(1);
        assertThat(RecordBatchHeader.producerId(b, 0)).isEqualTo(11L);
        assertThat(RecordBatchHeader.producerEpoch(b, 0)).isEqualTo((short) 2);
        assertThat(RecordBatchHeader.baseSequence(b, 0)).isEqualTo(40);
        assertThat(RecordBatchHeader.maxTimestamp(b, 0)).isEqualTo(NOW + 3);
        assertThat(RecordBatchHeader.partitionLeaderEpoch(b, 0)).isEqualTo(-1);
        assertThat(RecordBatchHeader.sizeInBytes(b, 0)).isEqualTo(b.remaining());
    }

    static ByteBuffer kafkaBatch(long baseOffset, long producerId, short epoch, int baseSequence, boolean transactional,
                                 SimpleRecord... records) {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1024), RecordBatch.MAGIC_VALUE_V2,
                Compression.NONE, TimestampType.CREATE_TIME, baseOffset, RecordBatch.NO_TIMESTAMP, producerId, epoch,
                baseSequence, transactional, RecordBatch.NO_PARTITION_LEADER_EPOCH);
        for (SimpleRecord r : records) {
            builder.append(r);
        }
        return builder.build().buffer();
    }
}
