package io.samsa.log.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.zip.CRC32C;

import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.AfterAll;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.samsa.log.AppendResult;
import io.samsa.log.Log;
import io.samsa.log.LogConfig;
import io.samsa.log.ReadResult;

/**
 * Coverage-guided fuzzing of the record-batch validator through the public append path, as a Produce request's
 * partition data reaches it: any bytes are either refused with a Kafka error (an {@link ApiException}: invalid
 * record, corrupt message, too large, bad timestamp, out-of-order sequence, ...) or appended — and then what was
 * appended reads back as well-formed batches with valid CRCs at contiguous offsets from where the append said.
 * Anything else (an unchecked exception, an error, an allocation the heap cannot hold, a hang) is a finding. One log
 * per JVM (the fuzz execution gives each target its own), with small segments so that rolls happen too.
 */
class RecordBatchAppendFuzzTarget {
    private static final LogConfig CONFIG = LogConfig.builder().segmentBytes(1024 * 1024).build();
    private static Path dir;
    private static Log log;

    private static Log log() {
        if (log == null) {
            try {
                dir = Files.createTempDirectory("fuzz-log-").resolve("fuzz-0");
                log = Log.open(dir, CONFIG, Clock.systemUTC(), 0, true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return log;
    }

    /**
     * The first byte chooses whether the target repairs the first batch's length and CRC-32C after the fuzzer's
     * changes (odd) or leaves the bytes as they are (even): a fuzzer cannot forge a checksum, and without the repair it
     * would never get past the CRC check to the record walk, decompression and producer-state checks behind it.
     */
    @FuzzTest(maxDuration = FuzzDurations.SUITE)
    void appendsOrRefusesAnyBatch(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        byte[] records = Arrays.copyOfRange(input, 1, input.length);
        if ((input[0] & 1) == 1) {
            repairFirstBatch(records);
        }
        Log l = log();
        long endBefore = l.logEndOffset();
        AppendResult appended;
        try {
            appended = l.appendAsLeader(ByteBuffer.wrap(records), 0);
        } catch (ApiException refused) {
            assertThat(l.logEndOffset()).as("a refused append leaves the log end").isEqualTo(endBefore);
            return;
        }
        if (l.logEndOffset() == endBefore) {
            // An idempotent producer's retry: answered with the offsets of the batch already written.
            assertThat(appended.lastOffset()).isLessThan(endBefore);
            return;
        }
        assertThat(appended.firstOffset()).isEqualTo(endBefore);
        assertThat(l.logEndOffset()).isEqualTo(appended.lastOffset() + 1);
        ReadResult read = l.read(appended.firstOffset(), Integer.MAX_VALUE, true);
        ByteBuffer bytes = ByteBuffer.allocate(read.sizeInBytes());
        read.channel().read(bytes, read.position());
        long next = appended.firstOffset();
        for (MutableRecordBatch batch : MemoryRecords.readableRecords(bytes.flip()).batches()) {
            batch.ensureValid();
            assertThat(batch.baseOffset()).as("contiguous offsets").isEqualTo(next);
            next = batch.lastOffset() + 1;
        }
        assertThat(next).as("every appended offset reads back").isEqualTo(l.logEndOffset());
    }

    /** Sets the first batch's length to the bytes that follow it and recomputes its CRC-32C (v2 layout). */
    private static void repairFirstBatch(byte[] b) {
        if (b.length < 61) {
            return;
        }
        ByteBuffer buf = ByteBuffer.wrap(b);
        buf.putInt(8, b.length - 12);
        CRC32C crc = new CRC32C();
        crc.update(b, 21, b.length - 21);
        buf.putInt(17, (int) crc.getValue());
    }

    @AfterAll
    static void close() throws IOException {
        if (log != null) {
            log.close();
        }
    }
}
