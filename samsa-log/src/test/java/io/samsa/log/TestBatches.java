package io.samsa.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

/** Builds realistic v2 batches with kafka-clients and parses what the log returns. */
final class TestBatches {

    static final long NOW = 1_700_000_000_000L;

    private TestBatches() {
    }

    static SimpleRecord[] recordsOf(int count, long timestamp, int valueSize) {
        SimpleRecord[] r = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            byte[] value = new byte[valueSize];
            for (int j = 0; j < valueSize; j++) {
                value[j] = (byte) (i + j);
            }
            r[i] = new SimpleRecord(timestamp + i, ("k" + i).getBytes(), value);
        }
        return r;
    }

    static ByteBuffer batch(int count, long timestamp) {
        return batch(count, timestamp, 10);
    }

    static ByteBuffer batch(int count, long timestamp, int valueSize) {
        return MemoryRecords.withRecords(Compression.NONE, recordsOf(count, timestamp, valueSize)).buffer();
    }

    static ByteBuffer gzipBatch(int count, long timestamp) {
        return MemoryRecords.withRecords(Compression.gzip().build(), recordsOf(count, timestamp, 50)).buffer();
    }

    static ByteBuffer idempotent(long producerId, short epoch, int sequence, int count, long timestamp) {
        return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, epoch, sequence,
                recordsOf(count, timestamp, 10)).buffer();
    }

    /** A transactional batch as a transactional producer sends it (offsets assigned by the leader). */
    static ByteBuffer transactional(long producerId, short epoch, int sequence, int count, long timestamp) {
        return MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, epoch, sequence,
                recordsOf(count, timestamp, 10)).buffer();
    }

    /** A transactional batch of keyed records as a leader stored it at {@code offset} (for follower appends). */
    static ByteBuffer transactionalAt(long offset, long producerId, short epoch, int sequence, int count,
                                      long timestamp) {
        return MemoryRecords.withTransactionalRecords(offset, Compression.NONE, producerId, epoch, sequence, 0,
                recordsOf(count, timestamp, 10)).buffer();
    }

    /** An end-transaction marker as a leader stored it at {@code offset} (for follower appends). */
    static ByteBuffer markerAt(long offset, long producerId, short epoch, boolean commit, int coordinatorEpoch,
                               long timestamp) {
        return MemoryRecords.withEndTransactionMarker(offset, timestamp, 0, producerId, epoch,
                new EndTransactionMarker(commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT,
                        coordinatorEpoch)).buffer();
    }

    /** Concatenates batches into one produce payload. */
    static ByteBuffer concat(ByteBuffer... parts) {
        int size = 0;
        for (ByteBuffer p : parts) {
            size += p.remaining();
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (ByteBuffer p : parts) {
            out.put(p.duplicate());
        }
        return out.flip();
    }

    static byte[] bytes(ReadResult r) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(r.sizeInBytes());
        long pos = r.position();
        while (buf.hasRemaining()) {
            int n = r.channel().read(buf, pos);
            if (n < 0) {
                break;
            }
            pos += n;
        }
        return buf.array();
    }

    static List<MutableRecordBatch> batches(ReadResult r) throws IOException {
        List<MutableRecordBatch> out = new ArrayList<>();
        for (MutableRecordBatch b : MemoryRecords.readableRecords(ByteBuffer.wrap(bytes(r))).batches()) {
            b.ensureValid();
            out.add(b);
        }
        return out;
    }

    /** All batches from {@code from} to the log end. */
    static List<MutableRecordBatch> readAll(Log log, long from) throws IOException {
        List<MutableRecordBatch> out = new ArrayList<>();
        long next = from;
        while (next < log.logEndOffset()) {
            List<MutableRecordBatch> got = batches(log.read(next, 1 << 20, true));
            if (got.isEmpty()) {
                throw new AssertionError("no progress reading at " + next);
            }
            out.addAll(got);
            next = got.get(got.size() - 1).lastOffset() + 1;
        }
        return out;
    }

}
