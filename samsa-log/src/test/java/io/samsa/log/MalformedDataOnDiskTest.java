package io.samsa.log;

import static io.samsa.log.TestBatches.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.samsa.testkit.CraftedBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.testkit.MutableClock;

/**
 * Batches whose records do not parse but whose framing and CRC are sound may sit on disk from before records were
 * validated on append (recovery checks framing and CRC only). Timestamp lookups over them must answer, at batch
 * level, instead of looping.
 */
class MalformedDataOnDiskTest {
    @TempDir
    Path tmp;

    @Test
    void timestampLookupsOverMalformedRecordsAnswer() throws IOException {
        ByteBuffer minusOne = CraftedBatch.of(new byte[] {0x01, 0, 0, 0}).baseTimestamp(NOW)
                .maxTimestamp(NOW + 3_540_000).build();
        ByteBuffer noRecords = CraftedBatch.of(new byte[0]).count(Integer.MAX_VALUE).baseTimestamp(NOW + 10)
                .maxTimestamp(NOW + 3_600_000).build();
        noRecords.putLong(0, 1L); // offsets 1 .. 2^31-1
        Path dir = Files.createDirectories(tmp.resolve("old-0"));
        Files.write(dir.resolve(LogFiles.name(0, LogFiles.LOG_SUFFIX)),
                CraftedBatch.concat(minusOne, noRecords).array());
        try (Log log = Log.open(dir, LogConfig.DEFAULTS, new MutableClock(NOW), 0, false)) {
            assertThat(log.logEndOffset()).isEqualTo(1L << 31);
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                assertThat(log.maxTimestamp()).get().extracting(TimestampAndOffset::timestamp)
                        .isEqualTo(NOW + 3_600_000);
                assertThat(log.offsetForTimestamp(NOW + 5)).get().extracting(TimestampAndOffset::offset)
                        .isEqualTo(0L);
                assertThat(log.offsetForTimestamp(NOW + 3_550_000)).get().extracting(TimestampAndOffset::offset)
                        .isEqualTo(1L);
            });
        }
    }
}
