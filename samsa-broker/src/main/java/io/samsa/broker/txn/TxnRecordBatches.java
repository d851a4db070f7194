package io.samsa.broker.txn;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

import io.samsa.log.Log;
import io.samsa.log.LogReplay;
import io.samsa.protocol.records.RecordBatchWriter;

/**
 * {@link TxnRecord}s as a {@code __transaction_state} partition stores them: one uncompressed record batch v2 per
 * record, the transactional id's key as the Kafka key, so the log cleaner keeps the newest state of each id.
 * Stateless; any thread.
 */
public final class TxnRecordBatches {
    private TxnRecordBatches() {
    }

    /** One batch holding {@code record}, stamped {@code now}, no producer id. */
    public static ByteBuffer batch(TxnRecord record, long now) {
        byte[] key = record.key();
        byte[] value = record.value();
        int size = RecordBatchWriter.HEADER_SIZE + RecordBatchWriter.maxRecordSize(key.length,
                value == null ? -1 : value.length, null);
        RecordBatchWriter writer = new RecordBatchWriter(ByteBuffer.allocate(size));
        if (writer.tryAppend(now, key, value, null) < 0) {
            throw new IllegalStateException("Transaction log batch sized too small for " + record);
        }
        return writer.finish(null);
    }

    /** Feeds every record of {@code txnLog} from its start to its end (as it is when called), in log order. */
    public static long replay(Log txnLog, Consumer<TxnRecord> visitor) throws IOException {
        return LogReplay.replay(txnLog, (key, value) -> visitor.accept(TxnRecord.decode(TxnRecord.decodeKey(key),
                value)));
    }
}
