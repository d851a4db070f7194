package io.samsa.protocol.records;

import java.nio.ByteBuffer;
import java.util.Iterator;

import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;

/**
 * Transaction markers (Kafka's end-transaction control batches): building one, as a transaction coordinator's
 * WriteTxnMarkers makes the partition leader append it, and reading which marker a stored control batch holds.
 * A marker is a v2 batch with the transactional and control attributes and one control record whose key is
 * (version 0, type 0 = ABORT or 1 = COMMIT) and whose value is (version 0, coordinator epoch). Built and parsed
 * with kafka-clients' own code, so the bytes are exactly Kafka's. Stateless; any thread.
 */
public final class ControlRecords {

    /** The type id of an ABORT marker's control record key. */
    public static final short ABORT = 0;
    /** The type id of a COMMIT marker's control record key. */
    public static final short COMMIT = 1;

    private ControlRecords() {
    }

    /** What an end-transaction marker says: commit or abort, and the epoch of the coordinator that wrote it. */
    public record EndTxnMarker(boolean commit, int coordinatorEpoch) {
    }

    /**
     * A marker batch at base offset 0 (the log assigns the real one) with no leader epoch stamped yet (-1):
     * COMMIT when {@code commit}, else ABORT.
     */
    public static ByteBuffer endTxnMarker(long producerId, short producerEpoch, boolean commit, int coordinatorEpoch,
                                          long timestamp) {
        EndTransactionMarker marker = new EndTransactionMarker(commit ? ControlRecordType.COMMIT
                : ControlRecordType.ABORT, coordinatorEpoch);
        return MemoryRecords.withEndTransactionMarker(0L, timestamp, -1, producerId, producerEpoch, marker).buffer();
    }

    /**
     * The end-transaction marker held by the control batch that starts at {@code p} in {@code batches} (the whole
     * batch must be there), or null when the batch is no control batch, is empty (already cleaned), or holds
     * another control record type (KRaft's, or one this version does not know).
     */
    public static EndTxnMarker endTxnMarker(ByteBuffer batches, int p) {
        if (!RecordBatchHeader.isControl(batches, p)) {
            return null;
        }
        ByteBuffer one = batches.duplicate();
        one.limit(p + RecordBatchHeader.sizeInBytes(batches, p)).position(p);
        Iterator<MutableRecordBatch> it = MemoryRecords.readableRecords(one.slice()).batches().iterator();
        if (!it.hasNext()) {
            return null;
        }
        Iterator<Record> records = it.next().iterator();
        if (!records.hasNext()) {
            return null;
        }
        Record r = records.next();
        if (!r.hasKey()) {
            return null;
        }
        ControlRecordType type = ControlRecordType.parse(r.key());
        if (type != ControlRecordType.COMMIT && type != ControlRecordType.ABORT) {
            return null;
        }
        EndTransactionMarker m = EndTransactionMarker.deserialize(r);
        return new EndTxnMarker(type == ControlRecordType.COMMIT, m.coordinatorEpoch());
    }
}
