package io.samsa.log;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that fsyncs rolled segments off the append path (Kafka schedules
 * {@code flushUptoOffsetExclusive} on its scheduler at every roll). Shared by every log in the process: the
 * flushes are disk-bound, and a roll happens at most once per segment.bytes written, so the queue stays short.
 * A failing flush is logged here; the log itself has already gone offline.
 */
final class RolledSegmentFlusher {

    private static final Logger LOG = LoggerFactory.getLogger(RolledSegmentFlusher.class);

    private static final ExecutorService EXECUTOR = new ThreadPoolExecutor(1, 1, 0L, TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "samsa-log-segment-flusher");
                t.setDaemon(true);
                return t;
            });

    private RolledSegmentFlusher() {
    }

    static void schedule(Runnable flush) {
        EXECUTOR.execute(() -> {
            try {
                flush.run();
            } catch (Throwable t) {
                LOG.error("Asynchronous flush of a rolled segment failed", t);
            }
        });
    }
}
