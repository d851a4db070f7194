package io.samsa.log;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two background threads of the logs of one {@link LogManager} (or of one standalone {@link Log}), created
 * with their owner, injected into its logs and shut down when the owner closes (they used to be JVM-wide statics
 * that were never shut down).
 *
 * <ul>
 *   <li>{@code samsa-log-segment-flusher-<name>}: fsyncs rolled segments off the append path (Kafka schedules
 *       {@code flushUptoOffsetExclusive} on its scheduler at every roll). One thread for all logs of the owner:
 *       the flushes are disk-bound and a roll happens at most once per segment.bytes written. A failing flush is
 *       logged here; the log itself has already gone offline.</li>
 *   <li>{@code samsa-log-deferred-close-<name>}: closes the channels of deleted segments after a grace delay
 *       (Kafka's {@code file.delete.delay.ms}), so that a reader holding a {@link ReadResult} taken just before
 *       the deletion can finish its transferTo; also removes renamed {@code -delete} directories after it.</li>
 * </ul>
 *
 * <p>The grace delays are relative durations measured on the executor's monotonic clock, not on the logs'
 * injected {@link java.time.Clock}: they bound how long an in-flight read may take, which is real elapsed time.
 * Both threads are created lazily on first use, so a log that never rolls or deletes starts none.
 * Thread-safe: any thread may submit work.
 */
public final class LogBackground implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(LogBackground.class);

    /** Default grace delay, Kafka's file.delete.delay.ms default. */
    static final long DEFAULT_DELETE_DELAY_MS = 60_000L;

    /** A deferred close; {@code onShutdown} says whether it still runs when the owner closes first. */
    private final class DeferredClose implements Runnable {
        private final Closeable target;
        private final boolean onShutdown;

        DeferredClose(Closeable target, boolean onShutdown) {
            this.target = target;
            this.onShutdown = onShutdown;
        }

        @Override
        public void run() {
            if (pending.remove(this)) {
                closeQuietly(target);
            }
        }
    }

    /** Deferred closes scheduled and not yet run; each runs at most once (whoever removes it runs it). */
    private final java.util.Set<DeferredClose> pending = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ExecutorService segmentFlusher;
    private final ScheduledThreadPoolExecutor deferredCloser;

    private LogBackground(String name) {
        this.segmentFlusher = new ThreadPoolExecutor(1, 1, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                r -> daemon(r, "samsa-log-segment-flusher-" + name));
        this.deferredCloser = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "samsa-log-deferred-close-" + name));
        this.deferredCloser.setRemoveOnCancelPolicy(true);
    }

    /** New, idle background threads named after their owner (a data directory or a log directory). */
    public static LogBackground create(String name) {
        return new LogBackground(name);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Runs a flush of rolled segments on the segment-flusher thread (or inline once shut down). */
    void flushLater(Runnable flush) {
        Runnable guarded = () -> {
            try {
                flush.run();
            } catch (Throwable t) {
                LOG.error("Asynchronous flush of a rolled segment failed", t);
            }
        };
        if (segmentFlusher.isShutdown()) {
            guarded.run();
            return;
        }
        segmentFlusher.execute(guarded);
    }

    /**
     * Closes {@code c} after {@code delayMs} on the deferred-close thread (at once on the caller's when the delay
     * is 0). If the owner closes first, the close runs then: the process keeps no file open past its owner.
     */
    void closeLater(Closeable c, long delayMs) {
        if (delayMs <= 0 || deferredCloser.isShutdown()) {
            closeQuietly(c);
            return;
        }
        schedule(new DeferredClose(c, true), delayMs);
    }

    /**
     * Runs {@code work} after {@code delayMs}, always on the deferred-close thread, never on the caller's. Skipped
     * if the owner closes first (a pending directory removal is redone by the next start's sweep).
     */
    void runLaterOnThisThread(Closeable work, long delayMs) {
        if (deferredCloser.isShutdown()) {
            return;
        }
        schedule(new DeferredClose(work, false), Math.max(0, delayMs));
    }

    /**
     * Waits for queued segment flushes, then closes pending deferred channel closes at once (the owner is
     * closing: no read is in flight any more) and drops pending directory removals.
     */
    @Override
    public void close() {
        segmentFlusher.shutdown();
        try {
            if (!segmentFlusher.awaitTermination(30, TimeUnit.SECONDS)) {
                segmentFlusher.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deferredCloser.shutdownNow();
        try {
            deferredCloser.awaitTermination(30, TimeUnit.SECONDS); // a close or directory removal in progress
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (DeferredClose d : List.copyOf(pending)) {
            if (d.onShutdown) {
                d.run();
            }
        }
        pending.clear();
    }

    private void schedule(DeferredClose d, long delayMs) {
        pending.add(d);
        try {
            deferredCloser.schedule(d, delayMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException shutDownMeanwhile) {
            if (d.onShutdown) {
                d.run();
            } else {
                pending.remove(d);
            }
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.warn("Failed to close {}", c, e);
        }
    }
}
