package io.samsa.broker.group;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;

import io.samsa.log.Log;
import io.samsa.log.LogReplay;
import io.samsa.protocol.records.RecordBatchWriter;

/**
 * {@link GroupMetadataRecord}s as they are stored in a {@code __consumer_offsets} partition (and were in the
 * legacy single-node group log): uncompressed record batches v2, the record's key as the Kafka key, so the log
 * cleaner keeps the newest record of each group and each committed offset. Stateless; any thread.
 */
final class GroupRecordBatches {
    /** Records per batch when many are written at once (a legacy import). */
    static final int RECORDS_PER_BATCH = 500;

    private GroupRecordBatches() {
    }

    /** One uncompressed v2 batch of the records, all stamped {@code now}, no producer id. */
    static ByteBuffer batch(List<? extends GroupMetadataRecord> records, long now) {
        return batch(records, now, -1L, (short) -1);
    }

    /**
     * One uncompressed v2 batch of the records, stamped {@code now}; with a producer id ({@code >= 0}) a
     * transactional batch of that producer at {@code producerEpoch}, without sequence numbers (a coordinator's
     * write, as Kafka's transactional offset commits are).
     */
    static ByteBuffer batch(List<? extends GroupMetadataRecord> records, long now, long producerId,
                            short producerEpoch) {
        byte[][] keys = new byte[records.size()][];
        byte[][] values = new byte[records.size()][];
        int size = RecordBatchWriter.HEADER_SIZE;
        for (int i = 0; i < keys.length; i++) {
            keys[i] = records.get(i).key();
            values[i] = records.get(i).value();
            size += RecordBatchWriter.maxRecordSize(keys[i] == null ? -1 : keys[i].length,
                    values[i] == null ? -1 : values[i].length, null);
        }
        RecordBatchWriter writer = new RecordBatchWriter(ByteBuffer.allocate(size));
        for (int i = 0; i < keys.length; i++) {
            if (writer.tryAppend(now, keys[i], values[i], null) < 0) {
                throw new IllegalStateException("Group metadata batch sized too small at record " + i);
            }
        }
        ByteBuffer batch = writer.finish(null);
        if (producerId >= 0) {
            writer.stamp(producerId, producerEpoch, -1, true);
        }
        return batch;
    }

    /**
     * Feeds every record of {@code recordLog} from its start to its end (as it is when called) to {@code visitor},
     * in log order; answers how many.
     */
    static long replay(Log recordLog, Consumer<GroupMetadataRecord> visitor) throws IOException {
        return LogReplay.replay(recordLog, (key, value) -> visitor.accept(GroupMetadataRecord.decode(key, value)));
    }

    /** As {@link #replay(Log, Consumer)}, with each record's transaction and the transaction markers. */
    static long replay(Log recordLog, CoordinatorLog.Visitor visitor) throws IOException {
        return LogReplay.replay(recordLog, new LogReplay.TransactionalVisitor() {
            @Override
            public void record(long producerId, ByteBuffer key, ByteBuffer value) {
                visitor.record(producerId, GroupMetadataRecord.decode(key, value));
            }

            @Override
            public void marker(long producerId, boolean commit) {
                visitor.marker(producerId, commit);
            }
        });
    }
}
