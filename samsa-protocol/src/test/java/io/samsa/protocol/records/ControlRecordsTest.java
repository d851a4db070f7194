package io.samsa.protocol.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Iterator;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;

class ControlRecordsTest {

    @Test
    void aBuiltMarkerIsKafkasEndTransactionBatchAndReadsBack() {
        ByteBuffer abort = ControlRecords.endTxnMarker(42, (short) 7, false, 3, 1_000L);
        MutableRecordBatch batch = MemoryRecords.readableRecords(abort.duplicate()).batches().iterator().next();
        batch.ensureValid();
        assertThat(batch.isControlBatch()).isTrue();
        assertThat(batch.isTransactional()).isTrue();
        assertThat(batch.producerId()).isEqualTo(42);
        assertThat(batch.producerEpoch()).isEqualTo((short) 7);
        Iterator<Record> records = batch.iterator();
        Record r = records.next();
        assertThat(records.hasNext()).isFalse();
        assertThat(ControlRecordType.parse(r.key())).isEqualTo(ControlRecordType.ABORT);
        assertThat(EndTransactionMarker.deserialize(r).coordinatorEpoch()).isEqualTo(3);

        assertThat(ControlRecords.endTxnMarker(abort, 0)).isEqualTo(new ControlRecords.EndTxnMarker(false, 3));
        assertThat(ControlRecords.endTxnMarker(ControlRecords.endTxnMarker(42, (short) 7, true, 9, 1_000L), 0))
                .isEqualTo(new ControlRecords.EndTxnMarker(true, 9));
    }

    @Test
    void aDataBatchOrAMarkerAfterOtherBatchesIsReadInPlace() {
        ByteBuffer data = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("v".getBytes())).buffer();
        ByteBuffer marker = ControlRecords.endTxnMarker(1, (short) 0, true, 0, 1_000L);
        ByteBuffer both = ByteBuffer.allocate(data.remaining() + marker.remaining());
        both.put(data.duplicate()).put(marker.duplicate()).flip();
        assertThat(ControlRecords.endTxnMarker(both, 0)).isNull();
        assertThat(ControlRecords.endTxnMarker(both, data.remaining()))
                .isEqualTo(new ControlRecords.EndTxnMarker(true, 0));
    }
}
