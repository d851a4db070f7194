package io.samsa.log;

import static io.samsa.log.TestBatches.NOW;
import static io.samsa.log.TestBatches.batch;
import static io.samsa.log.TestBatches.batches;
import static io.samsa.log.TestBatches.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedCompressionTypeException;
import org.apache.kafka.common.errors.UnsupportedForMessageFormatException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.protocol.records.RecordBatchHeader;
import io.samsa.testkit.MutableClock;

class LogAppendReadTest {

    @TempDir
    Path tmp;
    MutableClock clock = new MutableClock(NOW);
    Log log;

    @BeforeEach
    void open() throws IOException {
        log = Log.open(tmp.resolve("topic-0"), LogConfig.DEFAULTS, clock, 0, true);
    }

    @AfterEach
    void close() throws IOException {
        log.close();
    }

    @Test
    void appendAndReadRoundTripIsByteExactWithAssignedOffsets() throws IOException {
        ByteBuffer first = batch(3, NOW);
        ByteBuffer second = batch(2, NOW + 10);
        AppendResult r1 = log.appendAsLeader(first, 7);
        AppendResult r2 = log.appendAsLeader(second, 7);
        assertThat(r1.firstOffset()).isEqualTo(0);
        assertThat(r1.lastOffset()).isEqualTo(2);
        assertThat(r1.recordCount()).isEqualTo(3);
        assertThat(r1.logAppendTime()).isEqualTo(-1);
        assertThat(r2.firstOffset()).isEqualTo(3);
        assertThat(r2.lastOffset()).isEqualTo(4);
        assertThat(log.logEndOffset()).isEqualTo(5);

        ReadResult read = log.read(0, 1 << 20, true);
        byte[] expected = TestBatches.concat(first.rewind(), second.rewind()).array();
        assertThat(bytes(read)).isEqualTo(expected);
        List<MutableRecordBatch> got = batches(read);
        assertThat(got).hasSize(2);
        assertThat(got.get(0).baseOffset()).isEqualTo(0);
        assertThat(got.get(0).partitionLeaderEpoch()).isEqualTo(7);
        assertThat(got.get(1).baseOffset()).isEqualTo(3);
        int i = 0;
        for (MutableRecordBatch b : got) {
            for (Record rec : b) {
                assertThat(rec.offset()).isEqualTo(i++);
            }
        }
        assertThat(read.logEndOffset()).isEqualTo(5);
        assertThat(read.logStartOffset()).isEqualTo(0);
    }

    @Test
    void readFromTheMiddleOfABatchReturnsThatBatch() throws IOException {
        log.appendAsLeader(batch(5, NOW), 0);
        log.appendAsLeader(batch(5, NOW), 0);
        List<MutableRecordBatch> got = batches(log.read(7, 1 << 20, true));
        assertThat(got).hasSize(1);
        assertThat(got.get(0).baseOffset()).isEqualTo(5);
        assertThat(got.get(0).lastOffset()).isEqualTo(9);
    }

    @Test
    void maxBytesReturnsWholeBatchesAndMinOneBatchReturnsAnOversizedFirst() throws IOException {
        for (int i = 0; i < 5; i++) {
            log.appendAsLeader(batch(10, NOW, 100), 0);
        }
        int batchSize = batches(log.read(0, 1, true)).get(0).sizeInBytes();
        assertThat(log.read(0, 1, true).sizeInBytes()).isEqualTo(batchSize);
        assertThat(log.read(0, 1, false).sizeInBytes()).isZero();
        assertThat(batches(log.read(0, batchSize * 2 + batchSize / 2, false))).hasSize(2);
        assertThat(batches(log.read(10, batchSize * 3, false))).extracting(MutableRecordBatch::baseOffset)
                .containsExactly(10L, 20L, 30L);
    }

    @Test
    void offsetsOutOfRangeAreRejectedAndTheLogEndReadsEmpty() {
        log.appendAsLeader(batch(3, NOW), 0);
        assertThat(log.read(3, 1000, true).sizeInBytes()).isZero();
        assertThatThrownBy(() -> log.read(4, 1000, true)).isInstanceOf(OffsetOutOfRangeException.class);
        assertThatThrownBy(() -> log.read(-1, 1000, true)).isInstanceOf(OffsetOutOfRangeException.class);
    }

    @Test
    void rollsBySizeAndFindsOffsetsAcrossSegments() throws IOException {
        log.updateConfig(LogConfig.DEFAULTS.withSegmentBytes(4096).withIndexIntervalBytes(256));
        for (int i = 0; i < 100; i++) {
            log.appendAsLeader(batch(4, NOW + i, 50), 0);
        }
        assertThat(log.segmentCount()).isGreaterThan(5);
        assertThat(log.logEndOffset()).isEqualTo(400);
        for (long off = 0; off < 400; off += 7) {
            MutableRecordBatch b = batches(log.read(off, 1, true)).get(0);
            assertThat(b.baseOffset()).isLessThanOrEqualTo(off);
            assertThat(b.lastOffset()).isGreaterThanOrEqualTo(off);
        }
        assertThat(TestBatches.readAll(log, 0)).hasSize(100);
        List<Long> bases = log.segmentBaseOffsets();
        for (Long base : bases) {
            assertThat(tmp.resolve("topic-0").resolve(String.format("%020d.log", base))).exists();
            assertThat(tmp.resolve("topic-0").resolve(String.format("%020d.index", base))).exists();
            assertThat(tmp.resolve("topic-0").resolve(String.format("%020d.timeindex", base))).exists();
        }
        // Rolled segments' indexes are trimmed to their entries.
        long firstIndexSize = Files.size(tmp.resolve("topic-0").resolve(String.format("%020d.index", bases.get(0))));
        assertThat(firstIndexSize % 8).isZero();
        assertThat(firstIndexSize).isLessThan(4096);
    }

    @Test
    void restartAfterCleanCloseKeepsTheLogEndAndReads() throws IOException {
        log.updateConfig(LogConfig.DEFAULTS.withSegmentBytes(2048).withIndexIntervalBytes(128));
        for (int i = 0; i < 50; i++) {
            log.appendAsLeader(batch(2, NOW + i, 40), 0);
        }
        long leo = log.logEndOffset();
        int segments = log.segmentCount();
        log.close();
        log = Log.open(tmp.resolve("topic-0"), LogConfig.DEFAULTS.withSegmentBytes(2048), clock, leo, true);
        assertThat(log.logEndOffset()).isEqualTo(leo);
        assertThat(log.segmentCount()).isEqualTo(segments);
        assertThat(TestBatches.readAll(log, 0)).hasSize(50);
        assertThat(log.appendAsLeader(batch(1, NOW), 0).firstOffset()).isEqualTo(leo);
        assertThat(log.maxTimestamp()).get().extracting(TimestampAndOffset::timestamp).isEqualTo(NOW + 49 + 1);
    }

    @Test
    void logAppendTimeRewritesTimestampAndKeepsTheCrcValid() throws IOException {
        log.updateConfig(LogConfig.DEFAULTS.withLogAppendTime(true));
        clock.advance(5000);
        AppendResult r = log.appendAsLeader(batch(3, NOW - 99_999), 0);
        assertThat(r.logAppendTime()).isEqualTo(NOW + 5000);
        MutableRecordBatch b = batches(log.read(0, 1 << 20, true)).get(0);
        b.ensureValid();
        assertThat(b.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(b.maxTimestamp()).isEqualTo(NOW + 5000);
        for (Record rec : b) {
            assertThat(rec.timestamp()).isEqualTo(NOW + 5000);
        }
    }

    @Test
    void compressedBatchesAreStoredAsIs() throws IOException {
        ByteBuffer gz = TestBatches.gzipBatch(20, NOW);
        log.appendAsLeader(gz, 0);
        MutableRecordBatch b = batches(log.read(5, 1 << 20, true)).get(0);
        assertThat(b.compressionType().name).isEqualTo("gzip");
        int n = 0;
        for (Record rec : b) {
            assertThat(rec.offset()).isEqualTo(n++);
        }
        assertThat(n).isEqualTo(20);
    }

    @Test
    void invalidBatchesAreRejectedAndNothingIsWritten() {
        log.appendAsLeader(batch(1, NOW), 0);
        ByteBuffer good = batch(2, NOW);
        ByteBuffer badCrc = batch(2, NOW);
        badCrc.put(badCrc.limit() - 1, (byte) (badCrc.get(badCrc.limit() - 1) ^ 1));
        assertThatThrownBy(() -> log.appendAsLeader(TestBatches.concat(good, badCrc), 0))
                .isInstanceOf(CorruptRecordException.class);

        ByteBuffer magic = batch(1, NOW);
        magic.put(16, (byte) 1);
        assertThatThrownBy(() -> log.appendAsLeader(magic, 0)).isInstanceOf(UnsupportedForMessageFormatException.class);

        ByteBuffer trailing = TestBatches.concat(batch(1, NOW), ByteBuffer.wrap(new byte[5]));
        assertThatThrownBy(() -> log.appendAsLeader(trailing, 0)).isInstanceOf(CorruptRecordException.class);

        ByteBuffer badLength = batch(1, NOW);
        badLength.putInt(8, badLength.getInt(8) + 100);
        assertThatThrownBy(() -> log.appendAsLeader(badLength, 0)).isInstanceOf(CorruptRecordException.class);

        ByteBuffer codec = batch(1, NOW);
        codec.putShort(21, (short) 7);
        codec.putInt(17, (int) RecordBatchHeader.computeCrc(codec, 0));
        assertThatThrownBy(() -> log.appendAsLeader(codec, 0)).isInstanceOf(UnsupportedCompressionTypeException.class);

        ByteBuffer count = batch(2, NOW);
        count.putInt(57, 3);
        count.putInt(17, (int) RecordBatchHeader.computeCrc(count, 0));
        assertThatThrownBy(() -> log.appendAsLeader(count, 0)).isInstanceOf(InvalidRecordException.class);

        assertThatThrownBy(() -> log.appendAsLeader(batch(1, NOW + 3_600_001), 0))
                .isInstanceOf(InvalidTimestampException.class);

        assertThat(log.logEndOffset()).isEqualTo(1);
        assertThat(log.sizeInBytes()).isEqualTo(batch(1, NOW).remaining());
    }

    @Test
    void sizeLimitsAreEnforced() {
        log.updateConfig(LogConfig.DEFAULTS.withSegmentBytes(2000).withMaxMessageBytes(1000));
        assertThatThrownBy(() -> log.appendAsLeader(batch(1, NOW, 1200), 0))
                .isInstanceOf(RecordTooLargeException.class);
        log.updateConfig(LogConfig.DEFAULTS.withSegmentBytes(2000).withMaxMessageBytes(3000));
        assertThatThrownBy(() -> log.appendAsLeader(batch(1, NOW, 2100), 0))
                .isInstanceOf(RecordBatchTooLargeException.class);
        assertThat(log.logEndOffset()).isZero();
    }

    @Test
    void offsetForTimestampAndMaxTimestamp() throws IOException {
        log.updateConfig(LogConfig.DEFAULTS.withSegmentBytes(1024).withIndexIntervalBytes(64));
        for (int i = 0; i < 40; i++) {
            log.appendAsLeader(batch(5, NOW + i * 100L), 0); // record j has timestamp NOW + i*100 + j
        }
        assertThat(log.segmentCount()).isGreaterThan(2);
        assertThat(log.offsetForTimestamp(NOW + 1003)).contains(new TimestampAndOffset(NOW + 1003, 53, 0));
        assertThat(log.offsetForTimestamp(NOW + 1050)).contains(new TimestampAndOffset(NOW + 1100, 55, 0));
        assertThat(log.offsetForTimestamp(0)).contains(new TimestampAndOffset(NOW, 0, 0));
        assertThat(log.offsetForTimestamp(NOW + 10_000)).isEmpty();
        assertThat(log.maxTimestamp()).contains(new TimestampAndOffset(NOW + 3904, 199, 0));
    }

    @Test
    void emptyLogHasNoTimestamps() {
        assertThat(log.maxTimestamp()).isEmpty();
        assertThat(log.offsetForTimestamp(0)).isEmpty();
        assertThat(log.read(0, 100, true).sizeInBytes()).isZero();
    }
}
