package io.samsa.log;

import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the channels of deleted segments after a grace delay (Kafka's {@code file.delete.delay.ms}), so that
 * a reader that obtained a {@link ReadResult} just before the deletion can still finish its transferTo.
 */
final class DeferredCloser {

    private static final Logger LOG = LoggerFactory.getLogger(DeferredCloser.class);

    /** Default grace delay, Kafka's file.delete.delay.ms default. */
    static final long DEFAULT_DELAY_MS = 60_000L;

    private static final ScheduledExecutorService EXECUTOR = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "samsa-log-deferred-close");
        t.setDaemon(true);
        return t;
    });

    private DeferredCloser() {
    }

    static void closeLater(Closeable c, long delayMs) {
        if (delayMs <= 0) {
            closeQuietly(c);
            return;
        }
        EXECUTOR.schedule(() -> closeQuietly(c), delayMs, TimeUnit.MILLISECONDS);
    }

    /** As {@link #closeLater}, but always on this thread, never on the caller's (a delay of 0 runs it soon). */
    static void closeOnThisThread(Closeable c, long delayMs) {
        EXECUTOR.schedule(() -> closeQuietly(c), Math.max(0, delayMs), TimeUnit.MILLISECONDS);
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.warn("Failed to close {}", c, e);
        }
    }
}
