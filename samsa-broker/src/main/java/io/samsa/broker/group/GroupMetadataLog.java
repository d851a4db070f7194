package io.samsa.broker.group;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.log.Log;
import io.samsa.log.LogConfig;
import io.samsa.log.ReadResult;
import io.samsa.protocol.records.RecordBatchWriter;
import io.samsa.protocol.records.RecordCursor;
import io.samsa.protocol.records.RecordsView;

/**
 * Samsa's {@code __consumer_offsets}: a samsa-log {@link Log} of {@link GroupMetadataRecord}s in v2 record
 * batches, kept under the broker's {@code __samsa_meta} directory so that it is never mistaken for a user
 * topic (LogManager does not scan there, and Metadata never lists it).
 *
 * <p>Every commit is appended (one batch per request) before it is acknowledged, so a broker restart, or a
 * crash of the broker process, loses no commit (the OS holds the written pages; like Kafka, no fsync per
 * write). The log is replayed from its start on open, fully re-validated (CRC) as after an unclean stop.
 * Compaction: the live records are rewritten into a fresh segment and the log start moves past
 * everything older; a crash in between leaves both copies, and replay lets the later one win.
 */
final class GroupMetadataLog implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(GroupMetadataLog.class);

    static final String DIR_NAME = "__consumer_offsets-0";
    private static final int RECORDS_PER_BATCH = 500;
    private static final LogConfig CONFIG = LogConfig.builder().segmentBytes(64 * 1024 * 1024)
            .segmentMs(Long.MAX_VALUE).retentionMs(-1L).maxMessageBytes(16 * 1024 * 1024)
            .timestampAfterMaxMs(Long.MAX_VALUE).build();

    private final Log recordLog;
    private final Clock clock;
    private long appendedSinceCompaction;

    private GroupMetadataLog(Log recordLog, Clock clock) {
        this.recordLog = recordLog;
        this.clock = clock;
    }

    /** Opens (creating) the log in {@code parentDir}/{@value #DIR_NAME}. */
    static GroupMetadataLog open(Path parentDir, Clock clock) throws IOException {
        Log l = Log.open(parentDir.resolve(DIR_NAME), CONFIG, clock, 0L, false);
        l.setFileDeleteDelayMs(0);
        return new GroupMetadataLog(l, clock);
    }

    /** Feeds every record from the log start to the end to {@code visitor}, in log order. */
    void replay(Consumer<GroupMetadataRecord> visitor) throws IOException {
        long count = replay(recordLog, visitor);
        appendedSinceCompaction = count;
        log.info("Replayed {} group metadata records from {}", count, recordLog.dir());
    }

    /**
     * Feeds every record of {@code recordLog} from its start to its end (as it is when called) to {@code visitor},
     * in log order; answers how many. Shared with the replicated partitions' loading.
     */
    static long replay(Log recordLog, Consumer<GroupMetadataRecord> visitor) throws IOException {
        long offset = recordLog.logStartOffset();
        long end = recordLog.logEndOffset();
        long count = 0;
        while (offset < end) {
            ReadResult r = recordLog.read(offset, 1 << 20, true);
            if (r.sizeInBytes() == 0) {
                break;
            }
            ByteBuffer buf = ByteBuffer.allocate(r.sizeInBytes());
            long pos = r.position();
            while (buf.hasRemaining()) {
                int n = r.channel().read(buf, pos);
                if (n < 0) {
                    throw new IOException("Unexpected end of " + recordLog.dir());
                }
                pos += n;
            }
            buf.flip();
            RecordCursor batches = RecordsView.of(buf).cursor();
            long before = offset;
            while (batches.nextBatch()) {
                if (batches.batchNextOffset() > end) {
                    return count; // appended after the load started: the state machine sees it when committed
                }
                while (batches.nextRecord()) {
                    visitor.accept(GroupMetadataRecord.decode(batches.key(), batches.value()));
                    count++;
                }
                offset = batches.batchNextOffset();
            }
            if (offset == before) {
                throw new IOException("No complete batch at offset " + offset + " of " + recordLog.dir());
            }
        }
        return count;
    }

    /** Appends the records as one batch (or a few, for very many). */
    void append(List<? extends GroupMetadataRecord> records) {
        for (int from = 0; from < records.size(); from += RECORDS_PER_BATCH) {
            List<? extends GroupMetadataRecord> chunk = records.subList(from, Math.min(records.size(), from + RECORDS_PER_BATCH));
            recordLog.appendAsLeader(batch(chunk, clock.millis()), 0);
            appendedSinceCompaction += chunk.size();
        }
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

    long appendedSinceCompaction() {
        return appendedSinceCompaction;
    }

    /** Rewrites {@code live} (the whole current state) and drops everything before it. */
    void compact(List<? extends GroupMetadataRecord> live) {
        recordLog.roll();
        long start = recordLog.logEndOffset();
        append(live);
        recordLog.flush();
        recordLog.maybeIncrementLogStartOffset(start);
        log.info("Compacted the group metadata log from {} to {} records", appendedSinceCompaction, live.size());
        appendedSinceCompaction = live.size();
    }

    long logStartOffset() {
        return recordLog.logStartOffset();
    }

    long logEndOffset() {
        return recordLog.logEndOffset();
    }

    @Override
    public void close() throws IOException {
        recordLog.close();
    }
}
