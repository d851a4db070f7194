package io.samsa.bench;

import java.nio.ByteBuffer;

import io.samsa.protocol.records.RecordBatchHeader;
import io.samsa.protocol.records.RecordBatchWriter;

/** Builds the benchmark's batches with samsa-protocol's writer: ~16 KiB uncompressed v2 batches of 100-byte records. */
final class BenchBatches {

    static final int BATCH_BYTES = 16 * 1024;
    static final int RECORD_BYTES = 100;

    private BenchBatches() {
    }

    /** A direct buffer holding one batch of as many 100-byte records as fit in 16 KiB. */
    static ByteBuffer batch16k(long timestamp) {
        RecordBatchWriter b = new RecordBatchWriter(ByteBuffer.allocate(BATCH_BYTES));
        byte[] value = new byte[RECORD_BYTES];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) ('a' + i % 26);
        }
        while (b.tryAppend(timestamp, null, value, null) >= 0) {
            // fill the batch
        }
        ByteBuffer built = b.finish(null);
        ByteBuffer direct = ByteBuffer.allocateDirect(built.remaining());
        direct.put(built).flip();
        return direct;
    }

    static int recordCount(ByteBuffer batch) {
        return RecordBatchHeader.recordCount(batch, batch.position());
    }
}
