package io.samsa.log;

import static io.samsa.log.TestBatches.NOW;
import static io.samsa.log.TestBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.testkit.MutableClock;

/** One failing log does not stop a background pass for the others. */
class BackgroundTasksTest {

    @TempDir
    Path tmp;
    MutableClock clock = new MutableClock(NOW);

    @Test
    void retentionCarriesOnPastALogThatFails() throws IOException {
        LogConfig config = LogConfig.DEFAULTS.withSegmentBytes(1000).withRetention(60_000, -1);
        try (LogManager m = LogManager.open(tmp, topic -> config, clock)) {
            Log broken = m.getOrCreate("a-broken", 0);
            Log healthy = m.getOrCreate("z-healthy", 0);
            for (int i = 0; i < 20; i++) {
                // No timestamps: retention falls back to the file's modification time, which we take away.
                broken.appendAsLeader(batch(1, -1L, 50), 0);
                healthy.appendAsLeader(batch(3, NOW, 50), 0);
            }
            assertThat(broken.segmentCount()).isGreaterThan(1);
            Files.delete(broken.dir().resolve(LogFiles.name(0, LogFiles.LOG_SUFFIX)));
            int healthyBefore = healthy.segmentCount();
            assertThat(healthyBefore).isGreaterThan(1);
            clock.advance(120_000);

            int deleted = m.runRetention(); // must not throw for the broken log
            assertThat(deleted).isPositive();
            assertThat(healthy.segmentCount()).isEqualTo(1);
            m.runRollAndFlush();
        }
    }
}
