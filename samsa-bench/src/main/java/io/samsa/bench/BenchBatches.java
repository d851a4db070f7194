package io.samsa.bench;

import java.nio.ByteBuffer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;

/** Builds the benchmark's batches with kafka-clients: ~16 KiB uncompressed v2 batches of 100-byte records. */
final class BenchBatches {

    static final int BATCH_BYTES = 16 * 1024;
    static final int RECORD_BYTES = 100;

    private BenchBatches() {
    }

    /** A direct buffer holding one batch of as many 100-byte records as fit in 16 KiB. */
    static ByteBuffer batch16k(long timestamp) {
        ByteBuffer out = ByteBuffer.allocate(BATCH_BYTES);
        MemoryRecordsBuilder b = MemoryRecords.builder(out, Compression.NONE, TimestampType.CREATE_TIME, 0L);
        byte[] value = new byte[RECORD_BYTES];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) ('a' + i % 26);
        }
        int n = 0;
        while (b.hasRoomFor(timestamp, (byte[]) null, value, new org.apache.kafka.common.header.Header[0])) {
            b.append(timestamp, null, value);
            n++;
        }
        ByteBuffer built = b.build().buffer();
        ByteBuffer direct = ByteBuffer.allocateDirect(built.remaining());
        direct.put(built).flip();
        return direct;
    }

    static int recordCount(ByteBuffer batch) {
        return batch.getInt(batch.position() + 57);
    }
}
