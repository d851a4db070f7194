package io.samsa.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.protocol.records.RecordBatchHeader;

/**
 * Compaction of the logs of one {@link LogManager} whose cleanup.policy holds compact (Kafka's LogCleaner and
 * LogCleanerManager): {@code log.cleaner.threads} daemon threads named {@code samsa-log-cleaner-<N>} each pick the
 * filthiest log — the largest share of dirty bytes (written since the last cleaning, in non-active segments older
 * than min.compaction.lag.ms and below the high watermark) over min.cleanable.dirty.ratio, or any dirty bytes once
 * the oldest is older than max.compaction.lag.ms, or a log whose tombstones' delete horizon has passed — clean it
 * with {@link LogCompactor} and record where its dirty part now starts in {@code cleaner-offset-checkpoint}
 * (Kafka's file and format), so that a restart resumes there. With nothing to do a thread sleeps
 * {@code log.cleaner.backoff.ms}. Each thread has its own share of {@code log.cleaner.dedupe.buffer.size}; I/O of
 * all threads is bounded by {@code log.cleaner.io.max.bytes.per.second}.
 *
 * <p>Threads: thread-safe. A log is cleaned by one thread at a time; the threads start with {@link #start} and
 * stop (waiting for a cleaning in progress) on {@link #close}, which the owning manager calls before closing its
 * logs. {@link #cleanFilthiestLog} runs one round on the caller's thread (tests, tools).
 */
public final class LogCleaner implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);
    static final String CHECKPOINT_FILE = "cleaner-offset-checkpoint";

    /**
     * Broker-level cleaner settings, Kafka's names and defaults: log.cleaner.enable (true), log.cleaner.threads
     * (1), log.cleaner.dedupe.buffer.size (128 MiB, shared by the threads), log.cleaner.io.max.bytes.per.second
     * (unbounded), log.cleaner.backoff.ms (15000).
     */
    public record Settings(boolean enable, int threads, long dedupeBufferSize, double ioMaxBytesPerSecond,
                           long backoffMs) {
        public static final Settings DEFAULTS = new Settings(true, 1, 128L * 1024 * 1024, Double.MAX_VALUE, 15_000L);
    }

    /** What was last cleaned and how it went, for metrics and tests. */
    public record Stats(String log, long bytesRead, long bytesWritten, long durationMs, long endOffset) {
    }

    private final Path dataDir;
    private final Supplier<Map<String, Log>> logs;
    private final Settings settings;
    private final Throttler throttler;
    private final OffsetCheckpointFile checkpointFile;
    private final Map<String, Long> firstDirtyOffsets = new ConcurrentHashMap<>();
    private final Map<String, Long> deleteHorizons = new ConcurrentHashMap<>();
    /** Each log's truncation count when last looked at: a truncation may have cut below the checkpoint. */
    private final Map<String, Long> truncationsSeen = new ConcurrentHashMap<>();
    private final Set<String> inProgress = new HashSet<>();
    /** Each cleaning thread's offset map, reused from one cleaning to the next. */
    private final ThreadLocal<OffsetMap> maps = new ThreadLocal<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Object sleep = new Object();
    private volatile boolean stopped;
    private volatile Stats lastStats;
    private final CleanerStats stats = new CleanerStats();

    /** A cleaner over {@code logs} (directory name → log) of {@code dataDir}; resumes from its checkpoint file. */
    public LogCleaner(Path dataDir, Supplier<Map<String, Log>> logs, Settings settings) {
        this.dataDir = dataDir;
        this.logs = logs;
        this.settings = settings;
        this.throttler = new Throttler(settings.ioMaxBytesPerSecond());
        this.checkpointFile = new OffsetCheckpointFile(dataDir.resolve(CHECKPOINT_FILE));
        firstDirtyOffsets.putAll(checkpointFile.read());
    }

    /** Starts the {@code samsa-log-cleaner-<N>} threads (none when the cleaner is disabled). */
    public synchronized void start() {
        if (!settings.enable() || stopped || !threads.isEmpty()) {
            return;
        }
        for (int i = 0; i < settings.threads(); i++) {
            Thread t = new Thread(this::run, "samsa-log-cleaner-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void run() {
        long perThread = settings.dedupeBufferSize() / Math.max(1, settings.threads());
        while (!stopped) {
            boolean cleaned = false;
            try {
                Stats s = cleanFilthiestLog(perThread);
                cleaned = s != null;
            } catch (Throwable t) {
                stats.failed();
                LOG.error("Log cleaner round failed in {}; it runs again after log.cleaner.backoff.ms", dataDir, t);
            }
            stats.roundEnded(System.currentTimeMillis());
            if (!cleaned) {
                synchronized (sleep) {
                    if (!stopped) {
                        try {
                            sleep.wait(Math.max(1, settings.backoffMs()));
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }
        }
    }

    /** Runs one round on the caller's thread: cleans the filthiest log, if any; returns what it did, or null. */
    public Stats cleanFilthiestLog() throws IOException {
        return cleanFilthiestLog(settings.dedupeBufferSize() / Math.max(1, settings.threads()));
    }

    private Stats cleanFilthiestLog(long mapBytes) throws IOException {
        CleanerSelection.Candidate pick;
        synchronized (inProgress) {
            Map<String, Log> current = logs.get();
            forgetCheckpointsOfTruncatedLogs(current);
            pick = CleanerSelection.filthiest(current, inProgress, firstDirtyOffsets, deleteHorizons);
            if (pick == null) {
                return null;
            }
            inProgress.add(pick.name());
        }
        try {
            return clean(pick, mapBytes);
        } finally {
            synchronized (inProgress) {
                inProgress.remove(pick.name());
            }
        }
    }

    /**
     * A log truncated since the last look may have lost the offsets its checkpoint names and taken new records
     * below it, which must not count as clean: it is cleaned from its start again (Kafka moves the checkpoint
     * down to the truncation offset; re-cleaning from the start is the coarser, equally safe choice).
     */
    private void forgetCheckpointsOfTruncatedLogs(Map<String, Log> current) {
        truncationsSeen.keySet().retainAll(current.keySet());
        current.forEach((name, log) -> {
            Long seen = truncationsSeen.put(name, log.truncations);
            if (seen != null && seen != log.truncations) {
                firstDirtyOffsets.remove(name);
            }
        });
    }

    private Stats clean(CleanerSelection.Candidate pick, long mapBytes) throws IOException {
        Log log = pick.log();
        long start = System.nanoTime();
        long span = Math.max(1, pick.firstUncleanableOffset() - pick.firstDirtyOffset());
        int slots = OffsetMap.slotsFor(mapBytes, span);
        OffsetMap map = maps.get();
        if (map == null || map.slots() < slots) {
            map = new OffsetMap(slots); // grown as the logs need it, up to the thread's share, then kept (as Kafka)
            maps.set(map);
        }
        LogCompactor.Result r;
        try {
            r = LogCompactor.clean(log, pick.firstDirtyOffset(), pick.firstUncleanableOffset(), map, throttler,
                    log.clock.millis());
        } catch (LogCompactor.Aborted aborted) {
            LOG.info("Cleaning of {} abandoned: {}", pick.name(), aborted.getMessage());
            return null;
        }
        firstDirtyOffsets.put(pick.name(), r.endOffset());
        if (r.latestDeleteHorizon() != RecordBatchHeader.NO_TIMESTAMP) {
            deleteHorizons.put(pick.name(), r.latestDeleteHorizon());
        } else {
            deleteHorizons.remove(pick.name());
        }
        writeCheckpoint();
        long nanos = System.nanoTime() - start;
        long ms = nanos / 1_000_000;
        Stats s = new Stats(pick.name(), r.bytesRead(), r.bytesWritten(), ms, r.endOffset());
        lastStats = s;
        stats.cleaned(s, nanos);
        LOG.info("Cleaned {} up to offset {}: {} segment group(s), {} bytes to {} bytes in {} ms", pick.name(),
                r.endOffset(), r.groups(), r.bytesRead(), r.bytesWritten(), ms);
        return s;
    }

    /** Writes {@code cleaner-offset-checkpoint} for the logs that still exist. */
    private void writeCheckpoint() throws IOException {
        Map<String, Log> current = logs.get();
        firstDirtyOffsets.keySet().retainAll(current.keySet());
        synchronized (checkpointFile) {
            checkpointFile.write(new TreeMap<>(firstDirtyOffsets));
        }
    }

    /** Where the dirty part of a log begins, as last checkpointed (-1 when never cleaned). */
    public long firstDirtyOffset(String dirName) {
        return firstDirtyOffsets.getOrDefault(dirName, -1L);
    }

    /** The last cleaning done (null before the first): its bytes and duration. */
    public Stats lastStats() { return lastStats; }

    /** What the cleaner has done since start, for the metrics endpoint. */
    public CleanerStats stats() { return stats; }

    /** Stops the threads, waiting for a cleaning in progress to finish. */
    @Override
    public void close() {
        stopped = true;
        synchronized (sleep) {
            sleep.notifyAll();
        }
        List<Thread> started;
        synchronized (this) {
            started = List.copyOf(threads);
        }
        for (Thread t : started) {
            try {
                t.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
