package io.samsa.log;

import static io.samsa.log.TestBatches.NOW;
import static io.samsa.log.TestBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.testkit.MutableClock;

class LogRecoveryTest {

    @TempDir
    Path tmp;
    MutableClock clock = new MutableClock(NOW);

    private Path dir() {
        return tmp.resolve("orders-3");
    }

    /** Writes 10 batches of 3 records (offsets 0..29), closes, returns the size of one batch. */
    private int writeTenBatches(LogConfig config) throws IOException {
        try (Log log = Log.open(dir(), config, clock, 0, true)) {
            for (int i = 0; i < 10; i++) {
                log.appendAsLeader(batch(3, NOW + i, 30), 0);
            }
        }
        return batch(3, NOW, 30).remaining();
    }

    private Path lastLogFile() throws IOException {
        try (var s = Files.list(dir())) {
            return s.filter(p -> p.toString().endsWith(".log")).sorted().reduce((a, b) -> b).orElseThrow();
        }
    }

    private Log reopenUnclean() throws IOException {
        return Log.open(dir(), LogConfig.DEFAULTS.withIndexIntervalBytes(100), clock, 0, false);
    }

    private void assertRecoveredTo(Log log, long expectedEnd) throws IOException {
        assertThat(log.logEndOffset()).isEqualTo(expectedEnd);
        List<MutableRecordBatch> all = TestBatches.readAll(log, 0);
        assertThat(all).isNotEmpty();
        assertThat(all.get(all.size() - 1).lastOffset()).isEqualTo(expectedEnd - 1);
        assertThat(log.appendAsLeader(batch(1, NOW), 0).firstOffset()).isEqualTo(expectedEnd);
        assertThat(TestBatches.readAll(log, 0)).hasSize(all.size() + 1);
    }

    @Test
    void truncatedMidBatchTailIsCut() throws IOException {
        int batchSize = writeTenBatches(LogConfig.DEFAULTS.withIndexIntervalBytes(100));
        Path file = lastLogFile();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - batchSize / 2);
        }
        try (Log log = reopenUnclean()) {
            assertRecoveredTo(log, 27);
            assertThat(Files.size(file)).isEqualTo(9L * batchSize + batch(1, NOW).remaining());
        }
    }

    @Test
    void tornBatchHeaderIsCut() throws IOException {
        int batchSize = writeTenBatches(LogConfig.DEFAULTS);
        Path file = lastLogFile();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(9L * batchSize + 20);
        }
        try (Log log = reopenUnclean()) {
            assertRecoveredTo(log, 27);
        }
    }

    @Test
    void garbageAppendedIsCut() throws IOException {
        writeTenBatches(LogConfig.DEFAULTS);
        Path file = lastLogFile();
        byte[] garbage = new byte[777];
        new java.util.Random(42).nextBytes(garbage);
        Files.write(file, garbage, StandardOpenOption.APPEND);
        try (Log log = reopenUnclean()) {
            assertRecoveredTo(log, 30);
        }
    }

    @Test
    void crcFlippedInTheLastBatchIsCut() throws IOException {
        int batchSize = writeTenBatches(LogConfig.DEFAULTS);
        Path file = lastLogFile();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long at = 9L * batchSize + 70; // inside the last batch's records
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x40)).rewind();
            ch.write(b, at);
        }
        try (Log log = reopenUnclean()) {
            assertRecoveredTo(log, 27);
        }
    }

    @Test
    void zeroFilledTailIsCut() throws IOException {
        writeTenBatches(LogConfig.DEFAULTS);
        Files.write(lastLogFile(), new byte[4096], StandardOpenOption.APPEND);
        try (Log log = reopenUnclean()) {
            assertRecoveredTo(log, 30);
        }
    }

    @Test
    void missingIndexIsRebuiltEvenAfterCleanShutdown() throws IOException {
        writeTenBatches(LogConfig.DEFAULTS.withIndexIntervalBytes(100));
        Path index = dir().resolve(String.format("%020d.index", 0));
        long size = Files.size(index);
        assertThat(size).isGreaterThan(0);
        Files.delete(index);
        Files.delete(dir().resolve(String.format("%020d.timeindex", 0)));
        try (Log log = Log.open(dir(), LogConfig.DEFAULTS.withIndexIntervalBytes(100), clock, 30, true)) {
            assertRecoveredTo(log, 30);
            assertThat(log.offsetForTimestamp(NOW + 5)).get().extracting(TimestampAndOffset::offset).isEqualTo(11L); // batch 3, record 2
        }
    }

    @Test
    void indexLongerThanTheDataIsRebuilt() throws IOException {
        int batchSize = writeTenBatches(LogConfig.DEFAULTS.withIndexIntervalBytes(100));
        try (FileChannel ch = FileChannel.open(lastLogFile(), StandardOpenOption.WRITE)) {
            ch.truncate(3L * batchSize); // the index still points past the end
        }
        try (Log log = Log.open(dir(), LogConfig.DEFAULTS, clock, 30, true)) {
            assertRecoveredTo(log, 9);
        }
    }

    @Test
    void corruptionInAnEarlierSegmentDropsLaterSegments() throws IOException {
        LogConfig small = LogConfig.DEFAULTS.withSegmentBytes(600);
        try (Log log = Log.open(dir(), small, clock, 0, true)) {
            for (int i = 0; i < 20; i++) {
                log.appendAsLeader(batch(3, NOW + i, 30), 0);
            }
            assertThat(log.segmentCount()).isGreaterThan(3);
        }
        Path second;
        try (var s = Files.list(dir())) {
            second = s.filter(p -> p.toString().endsWith(".log")).sorted().skip(1).findFirst().orElseThrow();
        }
        long secondBase = Long.parseLong(second.getFileName().toString().substring(0, 20));
        try (FileChannel ch = FileChannel.open(second, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 0}), 8); // batchLength of its first batch := 0
        }
        try (Log log = Log.open(dir(), small, clock, 0, false)) {
            assertThat(log.logEndOffset()).isEqualTo(secondBase);
            assertThat(log.segmentCount()).isEqualTo(2);
            assertThat(TestBatches.readAll(log, 0)).hasSize((int) secondBase / 3);
            assertThat(log.appendAsLeader(batch(1, NOW), 0).firstOffset()).isEqualTo(secondBase);
        }
    }

    @Test
    void crashWithoutCloseRecoversEverythingWritten() throws IOException {
        LogConfig config = LogConfig.DEFAULTS.withSegmentBytes(1000).withIndexIntervalBytes(100);
        Log crashed = Log.open(dir(), config, clock, 0, true);
        for (int i = 0; i < 30; i++) {
            crashed.appendAsLeader(batch(2, NOW + i, 30), 0);
        }
        long recoveryPoint = crashed.recoveryPoint();
        // no close(): the active segment's indexes are still preallocated and zero-filled
        try (Log log = Log.open(dir(), config, clock, recoveryPoint, false)) {
            assertRecoveredTo(log, 60);
            for (long off = 0; off < 60; off += 5) {
                MutableRecordBatch b = TestBatches.batches(log.read(off, 1, true)).get(0);
                assertThat(b.baseOffset()).isLessThanOrEqualTo(off);
                assertThat(b.lastOffset()).isGreaterThanOrEqualTo(off);
            }
        }
    }
}
