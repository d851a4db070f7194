package io.samsa.protocol.records;

import java.nio.ByteBuffer;
import java.util.Iterator;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;

/**
 * Walks the batches of a {@link RecordsView} and the records of the current batch, with accessors for the
 * current batch and the current record; a cursor rather than per-record value objects so that reading adds no
 * allocation to what the parser already makes. Records of a batch are read (and decompressed) only once
 * {@link #nextRecord} is first called on it. Not thread-safe: one reader (the consumer's application thread, or
 * the group coordinator replaying its log).
 */
public final class RecordCursor {
    private final Iterator<MutableRecordBatch> batches;
    private MutableRecordBatch batch;
    private Iterator<Record> records;
    private Record record;

    RecordCursor(Iterator<MutableRecordBatch> batches) {
        this.batches = batches;
    }

    /** Moves to the next batch (its records not yet read); false, and no current batch, at the end. */
    public boolean nextBatch() {
        records = null;
        record = null;
        batch = batches.hasNext() ? batches.next() : null;
        return batch != null;
    }

    /** Whether a batch follows the current one. */
    public boolean hasNextBatch() {
        return batches.hasNext();
    }

    /** Whether there is a current batch. */
    public boolean inBatch() {
        return batch != null;
    }

    /** Leaves the current batch, skipping its remaining records. */
    public void leaveBatch() {
        batch = null;
        records = null;
        record = null;
    }

    public long batchBaseOffset() {
        return batch.baseOffset();
    }

    /** The offset after the batch's last offset (compacted or control records included). */
    public long batchNextOffset() {
        return batch.nextOffset();
    }

    /** The batch's partition leader epoch, or -1 when the writer did not set one. */
    public int batchLeaderEpoch() {
        return batch.partitionLeaderEpoch();
    }

    public boolean batchIsControl() {
        return batch.isControlBatch();
    }

    /** The batch's last offset (compacted or control records included). */
    public long batchLastOffset() {
        return batch.lastOffset();
    }

    /** The producer id of the batch, or -1 when the writer was not idempotent. */
    public long batchProducerId() {
        return batch.producerId();
    }

    public boolean batchIsTransactional() {
        return batch.isTransactional();
    }

    /**
     * Whether the current batch is a control batch holding an ABORT marker: its record's key is version (int16)
     * then type (int16), 0 for ABORT and 1 for COMMIT. Reads the batch's first record with its own iterator; the
     * cursor's position is unaffected.
     */
    public boolean batchIsAbortMarker() {
        if (!batch.isControlBatch()) {
            return false;
        }
        Iterator<Record> it = batch.iterator();
        if (!it.hasNext()) {
            return false;
        }
        Record marker = it.next();
        ByteBuffer key = marker.key();
        return key != null && key.remaining() >= 4 && key.getShort(key.position() + 2) == 0;
    }

    public TimestampType batchTimestampType() {
        return batch.timestampType();
    }

    /** Whether the current batch has a record after the current one (reads the batch on first call). */
    public boolean hasNextRecord() {
        return batch != null && records().hasNext();
    }

    /** Moves to the current batch's next record; false at its end. */
    public boolean nextRecord() {
        if (!hasNextRecord()) {
            record = null;
            return false;
        }
        record = records.next();
        return true;
    }

    private Iterator<Record> records() {
        if (records == null) {
            records = batch.iterator();
        }
        return records;
    }

    public long offset() {
        return record.offset();
    }

    public long timestamp() {
        return record.timestamp();
    }

    public boolean hasKey() {
        return record.hasKey();
    }

    /** The key's bytes (a view; null when there is no key). */
    public ByteBuffer key() {
        return record.key();
    }

    /** Key size in bytes, -1 for a null key. */
    public int keySize() {
        return record.keySize();
    }

    public boolean hasValue() {
        return record.hasValue();
    }

    /** The value's bytes (a view; null for a null value). */
    public ByteBuffer value() {
        return record.value();
    }

    /** Value size in bytes, -1 for a null value. */
    public int valueSize() {
        return record.valueSize();
    }

    /** The record's headers as a new {@link Headers} (mutable, like KafkaConsumer's). */
    public Headers headers() {
        return new RecordHeaders(record.headers());
    }
}
