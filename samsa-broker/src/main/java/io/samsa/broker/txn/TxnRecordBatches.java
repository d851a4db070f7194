package io.samsa.broker.txn;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

import io.samsa.log.Log;
import io.samsa.log.ReadResult;
import io.samsa.protocol.records.RecordBatchWriter;
import io.samsa.protocol.records.RecordCursor;
import io.samsa.protocol.records.RecordsView;

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
        long offset = txnLog.logStartOffset();
        long end = txnLog.logEndOffset();
        long count = 0;
        while (offset < end) {
            ReadResult r = txnLog.read(offset, 1 << 20, true);
            if (r.sizeInBytes() == 0) {
                break;
            }
            ByteBuffer buf = ByteBuffer.allocate(r.sizeInBytes());
            long pos = r.position();
            while (buf.hasRemaining()) {
                int n = r.channel().read(buf, pos);
                if (n < 0) {
                    throw new IOException("Unexpected end of " + txnLog.dir());
                }
                pos += n;
            }
            buf.flip();
            RecordCursor batches = RecordsView.of(buf).cursor();
            long before = offset;
            while (batches.nextBatch()) {
                if (batches.batchNextOffset() > end) {
                    return count;
                }
                if (!batches.batchIsControl()) {
                    while (batches.nextRecord()) {
                        String id = TxnRecord.decodeKey(batches.key());
                        visitor.accept(TxnRecord.decode(id, batches.hasValue() ? batches.value() : null));
                        count++;
                    }
                }
                offset = batches.batchNextOffset();
            }
            if (offset == before) {
                throw new IOException("No complete batch at offset " + offset + " of " + txnLog.dir());
            }
        }
        return count;
    }
}
