package io.samsa.protocol.records;

import java.nio.ByteBuffer;

import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;

/**
 * A read-only view of the record batches in a buffer: a Fetch response's partition data, or batches read back
 * from a log. Reading goes through a {@link RecordCursor} (one per reader), which walks batches and, lazily,
 * their records, decompressing only what is asked for. The parsing is kafka-clients' (the parser KafkaConsumer
 * uses), so a consumer reads exactly what a Java client reads. Immutable view; the buffer must not change.
 */
public final class RecordsView {
    private static final RecordsView EMPTY = new RecordsView(MemoryRecords.EMPTY);

    private final MemoryRecords records;

    private RecordsView(MemoryRecords records) {
        this.records = records;
    }

    /** The batches in {@code buffer}'s position..limit (not copied). */
    public static RecordsView of(ByteBuffer buffer) {
        return new RecordsView(MemoryRecords.readableRecords(buffer));
    }

    /** The records of one partition of a Fetch response (empty when it has none, or not in memory form). */
    public static RecordsView of(FetchResponseData.PartitionData partition) {
        return partition.records() instanceof MemoryRecords m ? new RecordsView(m) : EMPTY;
    }

    /** Bytes in the view, including a trailing partial batch (a fetch cut at its size limit). */
    public int sizeInBytes() {
        return records.sizeInBytes();
    }

    /** The offset after the last whole batch, or -1 when there is no whole batch. Walks headers only. */
    public long nextOffset() {
        long next = -1;
        for (MutableRecordBatch b : records.batches()) {
            next = b.nextOffset();
        }
        return next;
    }

    /** A new cursor before the first batch. */
    public RecordCursor cursor() {
        return new RecordCursor(records.batches().iterator());
    }
}
