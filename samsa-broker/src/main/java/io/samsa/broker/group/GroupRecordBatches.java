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
        return writer.finish(null);
    }

    /**
     * Feeds every record of {@code recordLog} from its start to its end (as it is when called) to {@code visitor},
     * in log order; answers how many.
     */
    static long replay(Log recordLog, Consumer<GroupMetadataRecord> visitor) throws IOException {
        return LogReplay.replay(recordLog, (key, value) -> visitor.accept(GroupMetadataRecord.decode(key, value)));
    }
}
