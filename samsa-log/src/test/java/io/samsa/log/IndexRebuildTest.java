package io.samsa.log;

import static io.samsa.log.TestBatches.NOW;
import static io.samsa.log.TestBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.testkit.MutableClock;

/**
 * A missing or short index file of a segment that is not the active one is rebuilt on open, after a clean
 * shutdown too (the file rebuilt must get room: the mapping of an inactive index is sized to its old entries).
 */
class IndexRebuildTest {

    private static final LogConfig CONFIG = LogConfig.DEFAULTS.withSegmentBytes(20_000).withIndexIntervalBytes(200);

    @TempDir
    Path tmp;
    MutableClock clock = new MutableClock(NOW);

    private Path dir() {
        return tmp.resolve("t-0");
    }

    /** 300 batches of 2 records, timestamps NOW + 10 * offset; several segments. */
    private void write() throws IOException {
        try (Log log = Log.open(dir(), CONFIG, clock, 0, true)) {
            for (int i = 0; i < 300; i++) {
                log.appendAsLeader(batch(2, NOW + 20L * i, 60), 0);
            }
            assertThat(log.segmentCount()).isGreaterThanOrEqualTo(4);
        }
    }

    private Path firstSegmentFile(String suffix) {
        return dir().resolve(LogFiles.name(0, suffix));
    }

    private void assertEverythingReadable() throws IOException {
        try (Log log = Log.open(dir(), CONFIG, clock, 600, true)) {
            assertThat(log.logEndOffset()).isEqualTo(600);
            List<MutableRecordBatch> all = TestBatches.readAll(log, 0);
            assertThat(all).hasSize(300);
            for (int i = 0; i < 300; i++) {
                assertThat(all.get(i).baseOffset()).isEqualTo(2L * i);
            }
            for (long offset = 0; offset < 600; offset += 7) {
                MutableRecordBatch b = TestBatches.batches(log.read(offset, 1, true)).get(0);
                assertThat(offset).isBetween(b.baseOffset(), b.lastOffset());
                // Record k has timestamp NOW + 10 * k (batch i holds 2i and 2i+1 at NOW + 20i and NOW + 20i + 1).
                long ts = NOW + 20 * (offset / 2) + offset % 2;
                assertThat(log.offsetForTimestamp(ts).orElseThrow().offset()).as("offsetForTimestamp(%d)", ts)
                        .isEqualTo(offset);
            }
        }
    }

    @Test
    void missingOffsetIndexOfTheFirstSegment() throws IOException {
        write();
        Files.delete(firstSegmentFile(LogFiles.INDEX_SUFFIX));
        assertEverythingReadable();
        assertThat(Files.size(firstSegmentFile(LogFiles.INDEX_SUFFIX))).isPositive();
    }

    @Test
    void missingTimeIndexOfTheFirstSegment() throws IOException {
        write();
        Files.delete(firstSegmentFile(LogFiles.TIME_INDEX_SUFFIX));
        assertEverythingReadable();
    }

    @Test
    void indexesTruncatedToEightBytes() throws IOException {
        write();
        for (String suffix : new String[] {LogFiles.INDEX_SUFFIX, LogFiles.TIME_INDEX_SUFFIX}) {
            try (FileChannel ch = FileChannel.open(firstSegmentFile(suffix), StandardOpenOption.WRITE)) {
                ch.truncate(8);
            }
        }
        assertEverythingReadable();
    }

    @Test
    void emptyIndexesAfterAnUncleanStop() throws IOException {
        write();
        Files.write(firstSegmentFile(LogFiles.INDEX_SUFFIX), new byte[0]);
        Files.write(firstSegmentFile(LogFiles.TIME_INDEX_SUFFIX), new byte[0]);
        try (Log log = Log.open(dir(), CONFIG.withIndexIntervalBytes(50), clock, 0, false)) {
            assertThat(TestBatches.readAll(log, 0)).hasSize(300);
        }
        assertEverythingReadable();
    }
}
