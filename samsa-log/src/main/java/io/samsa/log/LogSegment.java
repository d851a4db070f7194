package io.samsa.log;

import static io.samsa.protocol.records.RecordBatchHeader.HEADER_SIZE;
import static io.samsa.protocol.records.RecordBatchHeader.LOG_OVERHEAD;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.samsa.protocol.records.RecordBatchHeader;

/**
 * One segment: a {@code .log} file of whole v2 batches plus its {@code .index}, {@code .timeindex} and
 * {@code .txnindex} (the transactions aborted by a marker in this segment).
 * Appends are made by the owning {@link Log} under its lock; reads use positional I/O only and are bounded
 * by a committed position captured by the caller, so they never see a half-written batch.
 */
final class LogSegment {

    /**
     * What a read found: the position and length of whole batches, and the base offset of the batch right after
     * them when the read stopped before the end it was given (else -1).
     */
    record Slice(int position, int size, long nextBatchOffset) {
    }

    /** What a recovery pass kept and cut, and whether a kept batch is a control batch (a transaction marker). */
    record RecoveryResult(int validBytes, long truncatedBytes, int validBatches, String reason,
                          boolean controlBatches) {
    }

    private final long baseOffset;
    /** Changes only when a cleaned segment is renamed into place ({@link #changeFileSuffixes}). */
    private volatile Path logFile;
    final FileChannel channel;
    final OffsetIndex offsetIndex;
    final TimeIndex timeIndex;
    final TransactionIndex txnIndex;
    final int indexIntervalBytes;
    private final int maxIndexBytes;

    volatile int size;
    volatile long nextOffset;
    volatile long maxTimestamp = RecordBatchHeader.NO_TIMESTAMP;
    /** Last offset of the batch holding {@link #maxTimestamp} (Kafka's shallow offset of max timestamp). */
    volatile long offsetOfMaxTimestamp = -1;
    volatile long firstBatchTimestamp = RecordBatchHeader.NO_TIMESTAMP;
    private final long createdMs;
    int bytesSinceLastIndexEntry;
    private volatile boolean staleTail;

    private LogSegment(Path dir, long baseOffset, int indexIntervalBytes, int maxIndexBytes, boolean mutable,
                       long nowMs, String fileSuffix) throws IOException {
        this.baseOffset = baseOffset;
        this.logFile = dir.resolve(LogFiles.name(baseOffset, LogFiles.LOG_SUFFIX) + fileSuffix);
        this.channel = FileChannel.open(logFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        OffsetIndex offsets = null;
        TimeIndex times = null;
        try {
            offsets = new OffsetIndex(dir.resolve(LogFiles.name(baseOffset, LogFiles.INDEX_SUFFIX) + fileSuffix),
                    baseOffset, maxIndexBytes, mutable);
            times = new TimeIndex(dir.resolve(LogFiles.name(baseOffset, LogFiles.TIME_INDEX_SUFFIX)
                    + fileSuffix), baseOffset, maxIndexBytes, mutable);
            this.txnIndex = new TransactionIndex(dir.resolve(LogFiles.name(baseOffset, LogFiles.TXN_INDEX_SUFFIX)
                    + fileSuffix));
        } catch (IOException | RuntimeException | Error e) {
            // Do not leak the channel (and the mappings) when an index cannot be opened.
            if (offsets != null) {
                offsets.close();
            }
            if (times != null) {
                times.close();
            }
            channel.close();
            throw e;
        }
        this.timeIndex = times;
        this.offsetIndex = offsets;
        this.indexIntervalBytes = indexIntervalBytes;
        this.maxIndexBytes = maxIndexBytes;
        this.size = (int) Math.min(Integer.MAX_VALUE, channel.size());
        this.nextOffset = baseOffset;
        this.createdMs = nowMs;
    }

    /** Opens or creates the segment's files. Call {@link #loadTrusted} or {@link #recover} before use. */
    static LogSegment open(Path dir, long baseOffset, LogConfig config, boolean mutable, long nowMs)
            throws IOException {
        return new LogSegment(dir, baseOffset, config.indexIntervalBytes(), config.maxIndexBytes(), mutable, nowMs, "");
    }

    /**
     * Creates an empty segment whose four files carry {@code fileSuffix} (the log cleaner's {@code .cleaned}),
     * replacing any leftover of that name; appendable until {@link #onBecomeInactive}.
     */
    static LogSegment createWithSuffix(Path dir, long baseOffset, LogConfig config, long nowMs, String fileSuffix)
            throws IOException {
        for (String s : LogFiles.SEGMENT_SUFFIXES) {
            Files.deleteIfExists(dir.resolve(LogFiles.name(baseOffset, s) + fileSuffix));
        }
        return new LogSegment(dir, baseOffset, config.indexIntervalBytes(), config.maxIndexBytes(), true, nowMs,
                fileSuffix);
    }

    /**
     * Renames the four files from suffix {@code from} to {@code to} (Kafka's {@code changeFileSuffixes}); the
     * open channel and mappings follow the files. The log file is renamed last, so a crash in between leaves the
     * log file under its old name (see {@link SegmentSwap#recover}).
     */
    void changeFileSuffixes(String from, String to) throws IOException {
        offsetIndex.renameTo(swapSuffix(offsetIndex.file(), from, to));
        timeIndex.renameTo(swapSuffix(timeIndex.file(), from, to));
        txnIndex.renameTo(swapSuffix(txnIndex.file(), from, to));
        Path target = swapSuffix(logFile, from, to);
        Files.move(logFile, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        logFile = target;
    }

    private static Path swapSuffix(Path file, String from, String to) {
        String name = file.getFileName().toString();
        if (!name.endsWith(from)) {
            throw new IllegalStateException(file + " does not end with '" + from + "'");
        }
        return file.resolveSibling(name.substring(0, name.length() - from.length()) + to);
    }

    static boolean indexFilesExist(Path dir, long baseOffset) {
        return Files.exists(dir.resolve(LogFiles.name(baseOffset, LogFiles.INDEX_SUFFIX)))
                && Files.exists(dir.resolve(LogFiles.name(baseOffset, LogFiles.TIME_INDEX_SUFFIX)));
    }

    long baseOffset() { return baseOffset; }

    int size() { return size; }

    long nextOffset() { return nextOffset; }

    FileChannel channel() { return channel; }

    long maxTimestamp() { return maxTimestamp; }

    long offsetOfMaxTimestamp() { return offsetOfMaxTimestamp; }

    boolean indexesFull() { return offsetIndex.isFull() || timeIndex.isFull(); }

    Path logFile() { return logFile; }

    /** Timestamp used for retention: the largest record timestamp, else the file's modification time. */
    long largestTimestamp() throws IOException {
        if (maxTimestamp >= 0) {
            return maxTimestamp;
        }
        return Files.getLastModifiedTime(logFile).toMillis();
    }

    /**
     * Kafka's {@code LogSegment.timeWaitedForRoll}: how far the incoming batches' max timestamp lies past the
     * first batch's max timestamp (so that backfilling old records fills whole segments), or, when the
     * segment has no timestamped first batch, the wall-clock time since the segment was created or loaded.
     */
    long timeWaitedForRoll(long nowMs, long messageTimestamp) {
        long first = firstBatchTimestamp;
        return first >= 0 ? messageTimestamp - first : nowMs - createdMs;
    }

    /** Wall-clock time since this segment was created (or loaded at start-up). */
    long ageMs(long nowMs) {
        return nowMs - createdMs;
    }

    /**
     * Appends already validated, offset-assigned batches with one positional write, then indexes them.
     * {@code records} is consumed from its position to its limit. Exception-safe for any Throwable (an
     * I/O error, an InternalError from a fault on a mapped index page, ...): the file is truncated back and
     * the indexes and in-memory state are left as before, so no stale tail can be adopted later. If even the
     * truncation fails, {@link #hasStaleTail()} turns true and the owner must stop using the segment.
     */
    void append(ByteBuffer records) throws IOException {
        int writeAt = size;
        int offsetEntries = offsetIndex.entries();
        int timeEntries = timeIndex.entries();
        int indexBytesBefore = bytesSinceLastIndexEntry;
        long firstTsBefore = firstBatchTimestamp;
        try {
            ByteBuffer src = records.duplicate();
            long pos = writeAt;
            while (src.hasRemaining()) {
                pos += channel.write(src, pos);
            }
            indexAppended(records, writeAt);
        } catch (Throwable t) {
            offsetIndex.truncateToEntries(offsetEntries);
            timeIndex.truncateToEntries(timeEntries);
            bytesSinceLastIndexEntry = indexBytesBefore;
            firstBatchTimestamp = firstTsBefore;
            try {
                channel.truncate(writeAt);
            } catch (Throwable suppressed) {
                staleTail = true;
                t.addSuppressed(suppressed);
            }
            throw t;
        }
    }

    /** True once an append failed and its bytes could not be cut off again. */
    boolean hasStaleTail() { return staleTail; }

    private void indexAppended(ByteBuffer records, int writeAt) throws IOException {
        int start = records.position();
        int limit = records.limit();
        int physical = writeAt;
        long maxTs = maxTimestamp;
        long maxTsOffset = offsetOfMaxTimestamp;
        long last = nextOffset - 1;
        for (int p = start; p < limit; ) {
            int batchSize = RecordBatchHeader.sizeInBytes(records, p);
            long batchMaxTs = RecordBatchHeader.maxTimestamp(records, p);
            last = RecordBatchHeader.lastOffset(records, p);
            if (firstBatchTimestamp < 0 && physical == 0) {
                firstBatchTimestamp = batchMaxTs;
            }
            if (batchMaxTs > maxTs) {
                maxTs = batchMaxTs;
                maxTsOffset = last;
            }
            if (bytesSinceLastIndexEntry > indexIntervalBytes) {
                offsetIndex.append(last, physical);
                timeIndex.maybeAppend(maxTs, maxTsOffset);
                bytesSinceLastIndexEntry = 0;
            }
            physical += batchSize;
            bytesSinceLastIndexEntry += batchSize;
            p += batchSize;
        }
        maxTimestamp = maxTs;
        offsetOfMaxTimestamp = maxTsOffset;
        nextOffset = last + 1;
        size = physical;
    }

    /** Reads the header of the batch at {@code position} into {@code header} (cleared first); false at EOF. */
    boolean readHeader(long position, ByteBuffer header) throws IOException {
        header.clear();
        long p = position;
        while (header.hasRemaining()) {
            int n = channel.read(header, p);
            if (n < 0) {
                break;
            }
            p += n;
        }
        header.flip();
        return header.remaining() >= LOG_OVERHEAD;
    }

    /**
     * Finds the first batch whose last offset is ≥ {@code offset} at or after the indexed position, below
     * {@code maxPosition}; returns {position, size} packed in a Slice, or null if none.
     */
    Slice translateOffset(long offset, int maxPosition, ByteBuffer header) throws IOException {
        int pos = offsetIndex.lookup(offset);
        if (pos >= maxPosition) {
            pos = 0; // stale or racing index entry: fall back to a scan from the start
        }
        while (pos + LOG_OVERHEAD <= maxPosition) {
            if (!readHeader(pos, header) || header.remaining() < HEADER_SIZE) {
                return null;
            }
            int batchSize = RecordBatchHeader.sizeInBytes(header, 0);
            if (RecordBatchHeader.lastOffset(header, 0) >= offset) {
                return new Slice(pos, batchSize, -1);
            }
            pos += batchSize;
        }
        return null;
    }

    /**
     * Whole batches from the one holding {@code offset}, at most {@code maxBytes} of them unless
     * {@code minOneBatch} and the first alone is larger, never past {@code maxPosition}.
     */
    Slice read(long offset, int maxBytes, int maxPosition, boolean minOneBatch) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        Slice first = translateOffset(offset, maxPosition, header);
        if (first == null) {
            return null;
        }
        int start = first.position();
        if (first.size() > maxBytes && !minOneBatch) {
            return new Slice(start, 0, RecordBatchHeader.baseOffset(header, 0));
        }
        int total = first.size();
        int pos = start + total;
        while (pos + LOG_OVERHEAD <= maxPosition) {
            if (!readHeader(pos, header.limit(LOG_OVERHEAD))) {
                break;
            }
            int batchSize = RecordBatchHeader.sizeInBytes(header, 0);
            if (total >= maxBytes || total + (long) batchSize > maxBytes || pos + (long) batchSize > maxPosition) {
                return new Slice(start, total, RecordBatchHeader.baseOffset(header, 0));
            }
            total += batchSize;
            pos += batchSize;
        }
        return new Slice(start, total, -1);
    }

    /**
     * First record (batch-level for compressed batches) whose timestamp is ≥ {@code timestamp}, searching
     * below {@code maxPosition}, or null.
     */
    TimestampAndOffset findOffsetByTimestamp(long timestamp, long startingOffset, int maxPosition) throws IOException {
        long from = Math.max(timeIndex.lookup(timestamp), startingOffset);
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        int pos = offsetIndex.lookup(from);
        if (pos >= maxPosition) {
            pos = 0;
        }
        while (pos + HEADER_SIZE <= maxPosition) {
            if (!readHeader(pos, header) || header.remaining() < HEADER_SIZE) {
                return null;
            }
            int batchSize = RecordBatchHeader.sizeInBytes(header, 0);
            if (RecordBatchHeader.lastOffset(header, 0) >= startingOffset
                    && RecordBatchHeader.maxTimestamp(header, 0) >= timestamp) {
                return locateRecord(pos, batchSize, header, timestamp, false);
            }
            pos += batchSize;
        }
        return null;
    }

    /** The record holding this segment's max timestamp, or null. */
    TimestampAndOffset findMaxTimestampRecord(int maxPosition) throws IOException {
        if (maxTimestamp < 0) {
            return null;
        }
        Slice s = translateOffset(offsetOfMaxTimestamp, maxPosition, ByteBuffer.allocate(HEADER_SIZE));
        if (s == null) {
            return null;
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        readHeader(s.position(), header);
        return locateRecord(s.position(), s.size(), header, maxTimestamp, true);
    }

    private TimestampAndOffset locateRecord(int pos, int batchSize, ByteBuffer header, long timestamp, boolean exact)
            throws IOException {
        int epoch = RecordBatchHeader.partitionLeaderEpoch(header, 0);
        long batchMax = RecordBatchHeader.maxTimestamp(header, 0);
        if (RecordBatchHeader.compressionCodec(header, 0) == 0 && !RecordBatchHeader.isLogAppendTime(header, 0)) {
            ByteBuffer batch = readFully(pos, batchSize);
            TimestampAndOffset r = BatchTimestampSearch.findRecordByTimestamp(batch, 0, timestamp, exact);
            if (r != null) {
                return r;
            }
        }
        // Compressed (records not decompressed on this path) or LogAppendTime: answer at batch level.
        long base = RecordBatchHeader.baseOffset(header, 0);
        if (exact) {
            return new TimestampAndOffset(batchMax, RecordBatchHeader.isLogAppendTime(header, 0) ? base
                    : RecordBatchHeader.lastOffset(header, 0), epoch);
        }
        long baseTs = RecordBatchHeader.baseTimestamp(header, 0);
        long ts = RecordBatchHeader.isLogAppendTime(header, 0) ? batchMax : (baseTs >= timestamp ? baseTs : batchMax);
        return new TimestampAndOffset(ts, base, epoch);
    }

    ByteBuffer readFully(long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        long p = position;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, p);
            if (n < 0) {
                break;
            }
            p += n;
        }
        buf.flip();
        return buf;
    }

    /**
     * Drops the batch holding {@code offset} and everything after it (Kafka's {@code LogSegment.truncateTo}: a
     * batch is never split, so the segment may end below {@code offset}), both indexes' entries for them, and
     * fsyncs the file so the cut survives a crash. Recomputes the in-memory timestamps from the batches kept.
     * Called under the owning log's lock. Returns the bytes cut.
     */
    int truncateTo(long offset) throws IOException {
        LogSegment.Slice from = translateOffset(offset, size, ByteBuffer.allocate(HEADER_SIZE));
        if (from == null) {
            return 0;
        }
        int cut = size - from.position();
        offsetIndex.truncateTo(offset);
        timeIndex.truncateTo(offset);
        channel.truncate(from.position());
        channel.force(true);
        size = from.position();
        maxTimestamp = RecordBatchHeader.NO_TIMESTAMP;
        offsetOfMaxTimestamp = -1;
        firstBatchTimestamp = RecordBatchHeader.NO_TIMESTAMP;
        bytesSinceLastIndexEntry = 0;
        nextOffset = baseOffset;
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        for (int pos = 0; pos + HEADER_SIZE <= size && readHeader(pos, header) && header.remaining() >= HEADER_SIZE;
                pos += RecordBatchHeader.sizeInBytes(header, 0)) {
            long ts = RecordBatchHeader.maxTimestamp(header, 0);
            if (pos == 0) {
                firstBatchTimestamp = ts;
            }
            if (ts > maxTimestamp) {
                maxTimestamp = ts;
                offsetOfMaxTimestamp = RecordBatchHeader.lastOffset(header, 0);
            }
            nextOffset = RecordBatchHeader.lastOffset(header, 0) + 1;
        }
        txnIndex.truncateTo(nextOffset);
        return cut;
    }

    /** See {@link SegmentLoading#loadTrusted}. */
    boolean loadTrusted() throws IOException {
        return SegmentLoading.loadTrusted(this);
    }

    /** See {@link SegmentLoading#recover}. */
    RecoveryResult recover() throws IOException {
        return SegmentLoading.recover(this);
    }

    /**
     * Iterates batch headers from {@code fromOffset} (by lastOffset) below {@code maxPosition}; returns how many
     * were visited.
     */
    int forEachBatchFrom(long fromOffset, int maxPosition, HeaderVisitor visitor) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        int pos = offsetIndex.lookup(fromOffset);
        int visited = 0;
        while (pos + HEADER_SIZE <= maxPosition) {
            if (!readHeader(pos, header) || header.remaining() < HEADER_SIZE) {
                break;
            }
            if (RecordBatchHeader.lastOffset(header, 0) >= fromOffset) {
                visitor.visit(header, pos);
                visited++;
            }
            pos += RecordBatchHeader.sizeInBytes(header, 0);
        }
        return visited;
    }

    /** Sees one batch header and the batch's position in the segment file. */
    interface HeaderVisitor {
        void visit(ByteBuffer header, int position) throws IOException;
    }

    /** Finishes the segment when it stops being active: final time index entry and trimmed index files. */
    void onBecomeInactive() throws IOException {
        if (maxTimestamp >= 0) {
            if (timeIndex.isFull()) {
                timeIndex.resize((timeIndex.entries() + 1) * TimeIndex.ENTRY_SIZE);
            }
            timeIndex.maybeAppend(maxTimestamp, offsetOfMaxTimestamp);
        }
        offsetIndex.trimToValidSize();
        timeIndex.trimToValidSize();
    }

    /** Makes the indexes appendable again (preallocated) when this segment becomes the active one. */
    void makeActive(int maxIndexBytes) throws IOException {
        offsetIndex.resize(Math.max(maxIndexBytes, offsetIndex.entries() * OffsetIndex.ENTRY_SIZE));
        timeIndex.resize(Math.max(maxIndexBytes, timeIndex.entries() * TimeIndex.ENTRY_SIZE));
    }

    void flush() throws IOException {
        channel.force(true);
        offsetIndex.flush();
        timeIndex.flush();
        txnIndex.flush();
    }

    void close() throws IOException {
        try {
            onBecomeInactive();
        } finally {
            offsetIndex.close();
            timeIndex.close();
            txnIndex.close();
            channel.close();
        }
    }

    /** Releases the files without writing anything (a log taken offline, or a failed open). */
    void closeWithoutFlush() {
        offsetIndex.close();
        timeIndex.close();
        txnIndex.close();
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to do for a segment that is being abandoned
        }
    }

    /**
     * Unlinks the files now; the channel stays open for {@code closeDelayMs} so that an in-flight read
     * (transferTo of a ReadResult) does not fail on a closed channel. The index mappings are released at once
     * (after in-flight lookups finish); a late reader of this segment scans it from its start instead.
     */
    void deleteFiles(long closeDelayMs, LogBackground background) throws IOException {
        Files.deleteIfExists(logFile);
        offsetIndex.deleteFile();
        timeIndex.deleteFile();
        txnIndex.deleteFile(closeDelayMs, background);
        background.closeLater(channel, closeDelayMs);
    }

    /**
     * Releases the segment of a deleted topic whose files the caller renames and deletes later: the index
     * mappings are released at once, the channel only after {@code closeDelayMs} (an in-flight read finishes).
     */
    void releaseForDeletion(long closeDelayMs, LogBackground background) {
        offsetIndex.close();
        timeIndex.close();
        background.closeLater(txnIndex::close, closeDelayMs);
        background.closeLater(channel, closeDelayMs);
    }

    @Override
    public String toString() {
        return "LogSegment(base=" + baseOffset + ", size=" + size + ")";
    }
}
