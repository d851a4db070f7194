package io.samsa.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Index mappings are unmapped explicitly on resize, close and delete; readers racing with that must never touch
 * an unmapped buffer (which would crash the JVM, not throw): they see the old entries, the new ones, or (once
 * closed) an empty index.
 */
class MappedIndexUnmapTest {

    @TempDir
    Path tmp;

    @Test
    void lookupsRacingWithResizeAndDeleteNeverTouchAnUnmappedBuffer() throws Exception {
        for (int round = 0; round < 5; round++) {
            OffsetIndex index = new OffsetIndex(tmp.resolve(round + ".index"), 1000, 64 * 1024, true);
            for (int i = 0; i < 1000; i++) {
                index.append(1000 + 10L * i, 100 * i);
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                Thread t = new Thread(() -> {
                    try {
                        for (long n = 0; !stop.get(); n++) {
                            long target = 1000 + (n * 37) % 10_000;
                            int pos = index.lookup(target);
                            // Entry k covers offsets up to 1000 + 10k at position 100k; 0 once the index is gone.
                            assertThat(pos).isIn(0, (int) ((target - 1000) / 10) * 100);
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                t.start();
                readers.add(t);
            }
            for (int i = 0; i < 20; i++) {
                index.resize(64 * 1024 - i * 8);
                index.trimToValidSize();
                index.resize(64 * 1024);
            }
            index.deleteFile();
            Thread.sleep(5);
            stop.set(true);
            for (Thread t : readers) {
                t.join();
            }
            assertThat(failure.get()).isNull();
            assertThat(index.lookup(5000)).isZero();
        }
    }
}
