package io.samsa.log;

import static io.samsa.protocol.records.RecordBatchHeader.HEADER_SIZE;
import static io.samsa.protocol.records.RecordBatchHeader.MAGIC_V2;
import static io.samsa.protocol.records.RecordBatchHeader.MIN_BATCH_LENGTH;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.protocol.records.RecordBatchHeader;

/**
 * Kafka's crash-safe replacement of segments by a cleaned one, and its completion at start-up.
 *
 * <p>The cleaner writes the new segment's four files (log, offset, time and transaction indexes) with suffix
 * {@code .cleaned} and fsyncs them. Then, under the log's lock ({@link #replace}): (1) rename them to
 * {@code .swap} (indexes first, the {@code .log} last) — from here on the swap is committed; (2) publish the
 * new segment in the segment map and unlink the old segments' files, whose channels stay open for
 * {@code file.delete.delay.ms} so that in-flight reads finish (as retention does); (3) rename the {@code .swap}
 * files to their final names (indexes first, the {@code .log} last).
 *
 * <p>At start-up ({@link #recover}, called by {@link LogLoader} before it lists segments), as Kafka's LogLoader
 * does: {@code .cleaned} files are an unfinished clean and are deleted (the old segments are intact); an index
 * {@code .swap} is deleted (rebuilt from its log); a {@code .log.swap} is a committed swap: every regular segment
 * file whose base offset lies in [swap base, swap's next offset) is deleted (the old segments it replaces, and
 * possibly its own already renamed indexes, which are then rebuilt), and it is renamed into place. A kill -9 at any
 * point therefore leaves either the old segments or the new one, never neither.
 *
 * <p>Stateless; {@link #replace} runs with the log's lock held, {@link #recover} on the loading thread.
 */
final class SegmentSwap {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentSwap.class);

    static final String CLEANED_SUFFIX = ".cleaned";
    static final String SWAP_SUFFIX = ".swap";

    /** Test hook: the step after which {@link #replace} stops, simulating a crash (null in production). */
    enum Step { CLEANED_WRITTEN, SWAP_RENAMED, OLD_DELETED }

    static volatile Step crashAfterForTest;

    private SegmentSwap() {
    }

    /**
     * Replaces {@code old} (consecutive, non-active, still in the log) by {@code cleaned}, whose files carry
     * {@link #CLEANED_SUFFIX} and are fsynced. Caller holds the log's lock. A failure before the swap is
     * committed leaves the log as it was (the caller deletes the cleaned files); a failure after it takes the
     * log offline, and the next start completes the swap from the files.
     */
    static void replace(Log log, LogSegment cleaned, List<LogSegment> old) throws IOException {
        if (crashAfterForTest == Step.CLEANED_WRITTEN) {
            throw new SimulatedCrash();
        }
        cleaned.changeFileSuffixes(CLEANED_SUFFIX, SWAP_SUFFIX);
        LogFiles.fsyncDir(log.dir);
        try {
            if (crashAfterForTest == Step.SWAP_RENAMED) {
                throw new SimulatedCrash();
            }
            log.segments.put(cleaned.baseOffset(), cleaned);
            for (LogSegment s : old) {
                if (s.baseOffset() != cleaned.baseOffset()) {
                    log.segments.remove(s.baseOffset(), s);
                }
                s.deleteFiles(log.fileDeleteDelayMs, log.background);
            }
            LogFiles.fsyncDir(log.dir);
            if (crashAfterForTest == Step.OLD_DELETED) {
                throw new SimulatedCrash();
            }
            cleaned.changeFileSuffixes(SWAP_SUFFIX, "");
            LogFiles.fsyncDir(log.dir);
        } catch (IOException | RuntimeException e) {
            log.flusher.goOffline("replacing cleaned segments failed after the swap was committed", e);
            throw e;
        }
    }

    /** Thrown by the crash-simulation hook: the swap stops where a kill -9 would have stopped it. */
    static final class SimulatedCrash extends RuntimeException {
        SimulatedCrash() {
            super("simulated crash during a segment swap", null, false, false);
        }
    }

    /** Completes or discards an interrupted swap in {@code dir}; see the class comment. */
    static void recover(Path dir) throws IOException {
        TreeMap<Long, Path> logSwaps = new TreeMap<>();
        try (var stream = Files.list(dir)) {
            for (Path p : (Iterable<Path>) stream::iterator) {
                String name = p.getFileName().toString();
                if (name.endsWith(CLEANED_SUFFIX)) {
                    Files.deleteIfExists(p);
                } else if (name.endsWith(SWAP_SUFFIX)) {
                    String base = name.substring(0, name.length() - SWAP_SUFFIX.length());
                    long offset = LogFiles.offsetOf(base, LogFiles.LOG_SUFFIX);
                    if (offset >= 0) {
                        logSwaps.put(offset, p);
                    } else {
                        Files.deleteIfExists(p); // an index: rebuilt from its log
                    }
                }
            }
        }
        for (var e : logSwaps.entrySet()) {
            long base = e.getKey();
            long next = Math.max(base + 1, nextOffsetOf(e.getValue(), base));
            LOG.info("{}: completing an interrupted swap of cleaned segment {} (offsets {} to {})",
                    dir.getFileName(), base, base, next - 1);
            deleteRegularSegmentsIn(dir, base, next);
            Files.move(e.getValue(), dir.resolve(LogFiles.name(base, LogFiles.LOG_SUFFIX)),
                    StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        if (!logSwaps.isEmpty()) {
            LogFiles.fsyncDir(dir);
        }
    }

    private static void deleteRegularSegmentsIn(Path dir, long from, long to) throws IOException {
        try (var stream = Files.list(dir)) {
            for (Path p : (Iterable<Path>) stream::iterator) {
                String name = p.getFileName().toString();
                long offset = -1;
                for (String suffix : LogFiles.SEGMENT_SUFFIXES) {
                    offset = Math.max(offset, LogFiles.offsetOf(name, suffix));
                }
                if (offset >= from && offset < to) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** One past the last offset of the whole batches in {@code logFile}, or {@code base} when it has none. */
    static long nextOffsetOf(Path logFile, long base) throws IOException {
        long next = base;
        try (FileChannel ch = FileChannel.open(logFile, StandardOpenOption.READ)) {
            long size = ch.size();
            long pos = 0;
            ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
            while (pos + HEADER_SIZE <= size) {
                header.clear();
                while (header.hasRemaining() && ch.read(header, pos + header.position()) > 0) {
                    // positional reads until the header is complete
                }
                if (header.hasRemaining() || RecordBatchHeader.magic(header, 0) != MAGIC_V2
                        || RecordBatchHeader.batchLength(header, 0) < MIN_BATCH_LENGTH) {
                    break;
                }
                long batchSize = RecordBatchHeader.sizeInBytes(header, 0);
                if (pos + batchSize > size) {
                    break;
                }
                next = RecordBatchHeader.lastOffset(header, 0) + 1;
                pos += batchSize;
            }
        }
        return next;
    }
}
