package io.samsa.log;

import java.io.IOException;
import java.nio.ByteBuffer;

import io.samsa.protocol.records.RecordCursor;
import io.samsa.protocol.records.RecordsView;

/**
 * Reads a log's records from its start to its end, as a coordinator loads its state from its partition of an
 * internal topic (groups, transactions): every record of the data batches, in log order; control batches
 * (transaction markers) are skipped ({@link RecordVisitor}) or handed over as markers
 * ({@link TransactionalVisitor}: the group coordinator's transactional offsets count only once committed). Reads go
 * through {@link Log#read} in 1 MiB steps. Stateless; any thread.
 */
public final class LogReplay {
    private static final int READ_BYTES = 1 << 20;

    /** Sees one record's key and value (null for a tombstone). */
    @FunctionalInterface
    public interface RecordVisitor {
        void visit(ByteBuffer key, ByteBuffer value) throws IOException;
    }

    /** Sees every record with the transaction it belongs to, and every transaction marker, in log order. */
    public interface TransactionalVisitor {
        /** A data record; {@code producerId} is its producer's when its batch is transactional, else -1. */
        void record(long producerId, ByteBuffer key, ByteBuffer value) throws IOException;

        /** A transaction marker: the producer's open transaction here committed or aborted. */
        void marker(long producerId, boolean commit) throws IOException;
    }

    private LogReplay() {
    }

    /**
     * Feeds every record from the log start to the log end (as it is when called) to {@code visitor}; answers how
     * many. A batch appended after the call started is left to the caller's later writes.
     */
    public static long replay(Log log, RecordVisitor visitor) throws IOException {
        return replay(log, new TransactionalVisitor() {
            @Override
            public void record(long producerId, ByteBuffer key, ByteBuffer value) throws IOException {
                visitor.visit(key, value);
            }

            @Override
            public void marker(long producerId, boolean commit) {
            }
        });
    }

    /** As {@link #replay(Log, RecordVisitor)}, with transactions and their markers. */
    public static long replay(Log log, TransactionalVisitor visitor) throws IOException {
        long offset = log.logStartOffset();
        long end = log.logEndOffset();
        long count = 0;
        while (offset < end) {
            ReadResult r = log.read(offset, READ_BYTES, true);
            if (r.sizeInBytes() == 0) {
                break;
            }
            ByteBuffer buf = ByteBuffer.allocate(r.sizeInBytes());
            long pos = r.position();
            while (buf.hasRemaining()) {
                int n = r.channel().read(buf, pos);
                if (n < 0) {
                    throw new IOException("Unexpected end of " + log.dir());
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
                long producerId = batches.batchIsTransactional() ? batches.batchProducerId() : -1L;
                if (!batches.batchIsControl()) {
                    while (batches.nextRecord()) {
                        visitor.record(producerId, batches.key(), batches.hasValue() ? batches.value() : null);
                        count++;
                    }
                } else if (producerId >= 0) {
                    visitor.marker(producerId, !batches.batchIsAbortMarker());
                }
                offset = batches.batchNextOffset();
            }
            if (offset == before) {
                throw new IOException("No complete batch at offset " + offset + " of " + log.dir());
            }
        }
        return count;
    }
}
