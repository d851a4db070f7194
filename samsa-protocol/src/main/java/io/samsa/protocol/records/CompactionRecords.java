package io.samsa.protocol.records;

import java.nio.ByteBuffer;

import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.BufferSupplier;

/**
 * What the log cleaner needs of record batches, over kafka-clients' own batch code (so compaction rewrites
 * batches exactly as Kafka's cleaner does): {@link #scan} walks the keyed records of a chunk of whole batches, and
 * {@link #filter} rewrites a chunk keeping what the cleaner's {@link Rules} keep — a batch whose records all stay is
 * copied byte for byte, others are rebuilt with their original offsets, and a batch with a tombstone gets its
 * delete horizon ({@code now + deleteRetentionMs}) stamped once; the records of a batch the rules discard (an aborted
 * transaction's) all go. Stateless; any thread.
 */
public final class CompactionRecords {
    private CompactionRecords() {
    }

    /** A batch as compaction sees it; {@code producerId} is -1 for a batch without one. */
    public record Batch(long baseOffset, long lastOffset, boolean isControl, boolean isTransactional,
                        long producerId) {
    }

    /** What {@link #scan} does next. */
    public enum Next {
        /** Go on (into this batch's records, or to the next record). */
        CONTINUE,
        /** Skip this batch's records (only from {@link Scan#batch}). */
        SKIP,
        /** Stop the scan. */
        STOP
    }

    /** Visits the batches of a chunk and the records of its data batches. */
    public interface Scan {
        Next batch(Batch batch);

        /** A record of a data batch; {@code key} is null for a record without one. */
        Next record(long offset, ByteBuffer key);
    }

    /** The cleaner's decisions. */
    public interface Rules {
        /**
         * Called once per batch, control batches included, in log order: whether every record of the batch goes
         * whatever its key (a batch of an aborted transaction). The header may still stay, see
         * {@link #keepEmptyBatch}.
         */
        boolean discardBatch(Batch batch);

        /** Whether a data batch all of whose records go keeps its (empty) header: a producer's last batch. */
        boolean keepEmptyBatch(Batch batch);

        /**
         * Whether a record of a data batch stays ({@code key} null: none); {@code deleteHorizonMs} is the
         * batch's stamped delete horizon, or {@link RecordBatchHeader#NO_TIMESTAMP} if it has none yet.
         */
        boolean keep(long offset, ByteBuffer key, boolean hasValue, long deleteHorizonMs);
    }

    /**
     * One filtered chunk: the kept batches in {@code output} (position 0, limit its end), the bytes of the chunk
     * that were consumed (whole batches), and the latest delete horizon stamped on a written batch.
     */
    public record Filtered(ByteBuffer output, int bytesRead, long latestDeleteHorizonMs) {
    }

    /** Walks the whole batches in {@code chunk} until {@code scan} says stop; true if it did. */
    public static boolean scan(ByteBuffer chunk, Scan scan) {
        for (MutableRecordBatch b : MemoryRecords.readableRecords(chunk).batches()) {
            Next next = scan.batch(batch(b));
            if (next == Next.STOP) {
                return true;
            }
            if (next == Next.SKIP || b.isControlBatch()) {
                continue;
            }
            for (Record r : b) {
                if (scan.record(r.offset(), r.hasKey() ? r.key() : null) == Next.STOP) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Filters the whole batches of {@code chunk} into {@code writeBuffer} (or a larger buffer when a batch needs
     * it, up to {@code maxBatchBytes}). Control batches are kept as they are.
     */
    public static Filtered filter(ByteBuffer chunk, ByteBuffer writeBuffer, int maxBatchBytes, long nowMs,
                                  long deleteRetentionMs, Rules rules) {
        MemoryRecords.FilterResult result = MemoryRecords.readableRecords(chunk).filterTo(
                new MemoryRecords.RecordFilter(nowMs, deleteRetentionMs) {
                    /** Whether the current batch's records all go (Kafka's discardBatchRecords). */
                    private boolean discardRecords;

                    @Override
                    protected BatchRetentionResult checkBatchRetention(RecordBatch b) {
                        Batch meta = batch(b);
                        discardRecords = rules.discardBatch(meta) && !b.isControlBatch();
                        // As Kafka: a producer's last batch keeps its header even when its records go.
                        boolean keepHeader = !b.isControlBatch() && rules.keepEmptyBatch(meta);
                        BatchRetention retention = keepHeader ? BatchRetention.RETAIN_EMPTY
                                : discardRecords ? BatchRetention.DELETE : BatchRetention.DELETE_EMPTY;
                        return new BatchRetentionResult(retention, false);
                    }

                    @Override
                    protected boolean shouldRetainRecord(RecordBatch b, Record r) {
                        if (b.isControlBatch()) {
                            return true;
                        }
                        return !discardRecords && rules.keep(r.offset(), r.hasKey() ? r.key() : null,
                                r.hasValue(), b.deleteHorizonMs().orElse(RecordBatchHeader.NO_TIMESTAMP));
                    }
                }, writeBuffer, BufferSupplier.NO_CACHING, maxBatchBytes);
        ByteBuffer out = result.outputBuffer();
        out.flip();
        long horizon = RecordBatchHeader.NO_TIMESTAMP;
        for (MutableRecordBatch b : MemoryRecords.readableRecords(out.duplicate()).batches()) {
            horizon = Math.max(horizon, b.deleteHorizonMs().orElse(RecordBatchHeader.NO_TIMESTAMP));
        }
        return new Filtered(out, result.bytesRead(), horizon);
    }

    private static Batch batch(RecordBatch b) {
        return new Batch(b.baseOffset(), b.lastOffset(), b.isControlBatch(), b.isTransactional(),
                b.hasProducerId() ? b.producerId() : -1L);
    }
}
