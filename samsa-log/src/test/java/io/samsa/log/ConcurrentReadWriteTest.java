package io.samsa.log;

import static io.samsa.log.TestBatches.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.testkit.MutableClock;

class ConcurrentReadWriteTest {

    @TempDir
    Path tmp;

    @Test
    void readersOnlyEverSeeWholeValidBatchesWhileTheWriterAppendsRollsAndRetains() throws Exception {
        LogConfig config = LogConfig.DEFAULTS.withSegmentBytes(8192).withIndexIntervalBytes(512)
                .withRetention(-1, 40_000);
        MutableClock clock = new MutableClock(NOW);
        try (Log log = Log.open(tmp.resolve("c-0"), config, clock, 0, true)) {
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                Thread t = new Thread(() -> {
                    try {
                        long next = 0;
                        while (!done.get() || next < log.logEndOffset()) {
                            if (next < log.logStartOffset()) {
                                next = log.logStartOffset();
                            }
                            ReadResult rr;
                            try {
                                rr = log.read(next, 4096, true);
                            } catch (org.apache.kafka.common.errors.OffsetOutOfRangeException e) {
                                continue; // retention moved the start
                            }
                            for (MutableRecordBatch b : TestBatches.batches(rr)) { // ensureValid() inside
                                assertThat(b.lastOffset()).isGreaterThanOrEqualTo(next);
                                next = b.lastOffset() + 1;
                            }
                            assertThat(next).isLessThanOrEqualTo(rr.logEndOffset());
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                t.start();
                readers.add(t);
            }
            for (int i = 0; i < 3000; i++) {
                ByteBuffer b = TestBatches.batch(1 + i % 7, NOW, 20 + i % 50);
                log.appendAsLeader(b, 0);
                if (i % 200 == 0) {
                    log.deleteRetainedSegments();
                }
            }
            done.set(true);
            for (Thread t : readers) {
                t.join(30_000);
            }
            assertThat(failure.get()).isNull();
            assertThat(log.segmentCount()).isGreaterThan(1);
        }
    }
}
