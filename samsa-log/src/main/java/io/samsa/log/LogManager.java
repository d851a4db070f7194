package io.samsa.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All logs under one data directory ({@code log.dirs}): opens them on start (recovering those left by an
 * unclean stop, detected by the absence of Kafka's {@code .kafka_cleanshutdown} marker), keeps the checkpoint
 * files ({@link LogCheckpoints}), runs the periodic retention / roll / flush / checkpoint work on its own
 * background thread ({@code samsa-log-manager-<dir>}), owns the logs' {@link LogBackground} threads (segment
 * flusher, deferred closer) and the {@link LogCleaner} of its compacted logs, and writes the clean-shutdown marker
 * on close.
 *
 * <p>Threads: thread-safe. Creation, deletion and renaming of logs are serialised on an internal lock (request
 * handler threads, the topic catalogue); the periodic work runs on the manager's thread and takes each log's own
 * lock like an appender; {@link #close} (the broker's shutdown thread) stops the background thread first, then
 * closes the logs, then the {@link LogBackground}.
 */
public final class LogManager implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(LogManager.class);

    static final String CLEAN_SHUTDOWN_FILE = ".kafka_cleanshutdown";
    private static final Pattern DELETE_DIR = Pattern.compile(".*\\.[0-9a-f]{32}-delete");

    /**
     * Periods of the background work (Kafka: log.retention.check.interval.ms = 300000,
     * log.flush.scheduler.interval.ms, log.flush.offset.checkpoint.interval.ms = 60000,
     * replica.high.watermark.checkpoint.interval.ms = 5000), and the log cleaner's log.cleaner.* settings.
     */
    public record Settings(long retentionCheckIntervalMs, long flushCheckIntervalMs, long checkpointIntervalMs,
                           long fileDeleteDelayMs, long highWatermarkCheckpointIntervalMs,
                           LogCleaner.Settings cleaner) {
        public static final Settings DEFAULTS = new Settings(300_000L, 1_000L, 60_000L, 60_000L, 5_000L);

        /** With the log cleaner's defaults. */
        public Settings(long retentionCheckIntervalMs, long flushCheckIntervalMs, long checkpointIntervalMs,
                        long fileDeleteDelayMs, long highWatermarkCheckpointIntervalMs) {
            this(retentionCheckIntervalMs, flushCheckIntervalMs, checkpointIntervalMs, fileDeleteDelayMs,
                    highWatermarkCheckpointIntervalMs, LogCleaner.Settings.DEFAULTS);
        }

        /** These settings with other log cleaner settings. */
        public Settings withCleaner(LogCleaner.Settings c) {
            return new Settings(retentionCheckIntervalMs, flushCheckIntervalMs, checkpointIntervalMs,
                    fileDeleteDelayMs, highWatermarkCheckpointIntervalMs, c);
        }
    }

    private final Path dataDir;
    private final Function<String, LogConfig> configFor;
    private final Clock clock;
    private final Settings settings;
    private final Map<String, Log> logs = new ConcurrentHashMap<>();
    /** Directory name → the topic id in its partition.metadata (absent for directories written before ids). */
    private final Map<String, String> topicIds = new ConcurrentHashMap<>();
    private final LogCheckpoints checkpoints;
    private final ScheduledExecutorService scheduler;
    /** The logs' segment-flusher and deferred-close threads: created with the manager, shut down on close. */
    private final LogBackground background;
    /** Compacts the logs whose cleanup.policy holds compact; threads started after loading, stopped first. */
    private final LogCleaner cleaner;
    private final Object createLock = new Object();
    private volatile boolean closed;

    private LogManager(Path dataDir, Function<String, LogConfig> configFor, Clock clock, Settings settings) {
        this.dataDir = dataDir;
        this.configFor = configFor;
        this.clock = clock;
        this.settings = settings;
        this.checkpoints = new LogCheckpoints(dataDir);
        this.background = LogBackground.create(String.valueOf(dataDir.getFileName()));
        this.cleaner = new LogCleaner(dataDir, () -> logs, settings.cleaner());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "samsa-log-manager-" + dataDir.getFileName());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @param configFor topic name → its LogConfig (broker defaults plus the topic's overrides)
     */
    public static LogManager open(Path dataDir, Function<String, LogConfig> configFor, Clock clock)
            throws IOException {
        return open(dataDir, configFor, clock, Settings.DEFAULTS);
    }

    /** As {@link #open(Path, Function, Clock)} with explicit background periods. */
    public static LogManager open(Path dataDir, Function<String, LogConfig> configFor, Clock clock, Settings settings)
            throws IOException {
        Files.createDirectories(dataDir);
        LogManager m = new LogManager(dataDir, configFor, clock, settings);
        m.loadLogs();
        m.startBackgroundWork();
        m.cleaner.start();
        return m;
    }

    private void loadLogs() throws IOException {
        Path marker = dataDir.resolve(CLEAN_SHUTDOWN_FILE);
        boolean clean = Files.exists(marker);
        Map<String, Long> rp = checkpoints.readRecoveryPoints();
        Map<String, Long> lso = checkpoints.readLogStartOffsets();
        Map<String, Long> hw = checkpoints.readHighWatermarks();
        long start = System.nanoTime();
        try (var stream = Files.list(dataDir)) {
            for (Path p : (Iterable<Path>) stream::iterator) {
                String name = p.getFileName().toString();
                if (!Files.isDirectory(p)) {
                    continue;
                }
                if (DELETE_DIR.matcher(name).matches()) {
                    scheduleDirDeletion(p);
                    continue;
                }
                LogDirName tp = LogDirName.parse(name);
                if (tp == null) {
                    continue; // e.g. the broker's own __samsa_meta directory
                }
                Log log = Log.open(p, configFor.apply(tp.topic()), clock, rp.getOrDefault(name, 0L), clean, background);
                log.setFileDeleteDelayMs(settings.fileDeleteDelayMs());
                Long startOffset = lso.get(name);
                if (startOffset != null) {
                    log.maybeIncrementLogStartOffset(startOffset);
                }
                // Kafka's rule: a log missing from the checkpoint resumes at 0 (clamped to its start).
                log.restoreCheckpointedHighWatermark(hw.getOrDefault(name, 0L));
                String topicId = PartitionMetadataFile.read(p);
                if (topicId != null) {
                    topicIds.put(name, topicId);
                }
                logs.put(name, log);
            }
        }
        // Kafka deletes the marker once the logs are loaded: a crash from now on is an unclean stop.
        Files.deleteIfExists(marker);
        LogFiles.fsyncDir(dataDir);
        LOG.info("Loaded {} logs from {} ({}) in {} ms", logs.size(), dataDir,
                logs.isEmpty() ? "no logs yet" : clean ? "after a clean shutdown" : "recovered after an unclean shutdown",
                (System.nanoTime() - start) / 1_000_000);
        checkpoint();
    }

    private void startBackgroundWork() {
        scheduler.scheduleWithFixedDelay(guarded("retention", this::runRetention),
                settings.retentionCheckIntervalMs(), settings.retentionCheckIntervalMs(), TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(guarded("roll/flush", this::runRollAndFlush),
                settings.flushCheckIntervalMs(), settings.flushCheckIntervalMs(), TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(guarded("checkpoint", () -> {
            try {
                checkpoint();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }), settings.checkpointIntervalMs(), settings.checkpointIntervalMs(), TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(guarded("high-watermark checkpoint", () -> {
            try {
                checkpoints.writeHighWatermarks(logs);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }), settings.highWatermarkCheckpointIntervalMs(), settings.highWatermarkCheckpointIntervalMs(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * A periodic task that never dies: a ScheduledExecutorService silently cancels a task that throws, so
     * everything (an Error too) is caught and logged loudly, and the next period runs again.
     */
    private Runnable guarded(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable t) {
                LOG.error("Background {} task failed in {}; it runs again at its next period", what, dataDir, t);
            }
        };
    }

    /**
     * Runs {@code action} on every log and sums what it returns; one failing log is logged and does not stop the
     * pass for the others.
     */
    private int sumOverLogs(String what, java.util.function.ToIntFunction<Log> action) {
        int sum = 0;
        for (Log log : logs.values()) {
            try {
                sum += action.applyAsInt(log);
            } catch (Throwable t) {
                LOG.error("Background {} failed for {}", what, log, t);
            }
        }
        return sum;
    }

    /** Deletes segments past retention in every log; returns how many. */
    public int runRetention() {
        int deleted = sumOverLogs("retention", Log::deleteRetainedSegments);
        if (deleted > 0) {
            try {
                writeLogStartOffsets();
            } catch (IOException e) {
                LOG.warn("Failed to write {}", LogCheckpoints.LOG_START_OFFSET_CHECKPOINT, e);
            }
        }
        return deleted;
    }

    /** Removes idle producer ids from every log (Kafka's producer.id.expiration.ms); returns how many. */
    public int removeExpiredProducers(long expirationMs) {
        int removed = 0;
        for (Log log : logs.values()) {
            removed += log.removeExpiredProducers(expirationMs);
        }
        return removed;
    }

    /** Rolls by segment.ms and flushes by flush.ms in every log. */
    public void runRollAndFlush() {
        sumOverLogs("roll/flush", log -> {
            log.maybeRollAndFlush();
            return 0;
        });
    }

    /** Writes the checkpoint files (recovery points, log starts, high watermarks) from the open logs. */
    public void checkpoint() throws IOException {
        checkpoints.writeAll(logs);
    }

    private void writeLogStartOffsets() throws IOException {
        checkpoints.writeLogStartOffsets(logs);
    }

    /** Logs found on disk or created since, keyed by "topic-partition" directory name. */
    public Map<String, Log> logs() { return Collections.unmodifiableMap(new LinkedHashMap<>(logs)); }

    public Log log(String topic, int partition) { return logs.get(topic + "-" + partition); }

    /** The existing log, or a new one without a topic id (tests and tools; the broker uses {@link #create}). */
    public Log getOrCreate(String topic, int partition) throws IOException {
        Log existing = logs.get(topic + "-" + partition);
        return existing != null ? existing : create(topic, partition, null);
    }

    /**
     * Creates the partition's directory, tied to {@code topicId} by its partition.metadata (when not null), and
     * opens its log. Fails if a log of that name is open: a directory is never silently adopted by another topic.
     * A failure leaves no directory behind.
     */
    public Log create(String topic, int partition, String topicId) throws IOException {
        Log log = createWithoutDirSync(topic, partition, topicId, configFor.apply(topic));
        LogFiles.fsyncDir(dataDir);
        return log;
    }

    /**
     * As {@link #create} for partitions {@code [from, to)}, with one fsync of the data directory for all of them.
     * The config is given, not looked up: a new topic is not visible to {@code configFor} until its logs exist.
     * On failure the partitions created so far stay: the caller rolls back (they carry the new topic id).
     */
    public void createAll(String topic, int from, int to, String topicId, LogConfig config) throws IOException {
        try {
            for (int p = from; p < to; p++) {
                createWithoutDirSync(topic, p, topicId, config);
            }
        } finally {
            LogFiles.fsyncDir(dataDir);
        }
    }

    private Log createWithoutDirSync(String topic, int partition, String topicId, LogConfig config)
            throws IOException {
        String name = topic + "-" + partition;
        synchronized (createLock) {
            if (closed) {
                throw new IllegalStateException("LogManager for " + dataDir + " is closed");
            }
            Log existing = logs.get(name);
            if (existing != null) {
                throw new IllegalStateException("A log " + name + " exists already");
            }
            Path dir = dataDir.resolve(name);
            if (Files.exists(dir)) {
                throw new IllegalStateException("A directory " + name + " exists already");
            }
            try {
                Files.createDirectories(dir);
                if (topicId != null) {
                    PartitionMetadataFile.write(dir, topicId);
                }
                Log log = Log.open(dir, config, clock, 0L, true, background);
                log.setFileDeleteDelayMs(settings.fileDeleteDelayMs());
                if (topicId != null) {
                    topicIds.put(name, topicId);
                }
                logs.put(name, log);
            } catch (IOException | RuntimeException e) {
                try {
                    LogFiles.deleteRecursively(dir);
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            return logs.get(name);
        }
    }

    /** The topic id a partition directory is tied to, or null when it has none (or there is no such log). */
    public String topicId(String dirName) {
        return topicIds.get(dirName);
    }

    /** Ties a directory written before topic ids to its topic (Kafka writes partition.metadata when missing). */
    public void assignTopicId(String dirName, String topicId) throws IOException {
        synchronized (createLock) {
            Log log = logs.get(dirName);
            if (log == null) {
                throw new IllegalStateException("No log " + dirName);
            }
            PartitionMetadataFile.write(log.dir(), topicId);
            topicIds.put(dirName, topicId);
        }
    }

    /**
     * Deletes every partition directory of the topic, as Kafka does: the log stops taking appends, its directory
     * is renamed to {@code <name>.<uuid>-delete} at once (so a new topic of the same name starts clean), and is
     * removed after {@code file.delete.delay.ms}; until then a fetch still sending from its files completes.
     * Leftover {@code -delete} directories are removed on the next start.
     */
    public void deleteTopic(String topic) throws IOException {
        deleteTopic(topic, settings.fileDeleteDelayMs());
    }

    /**
     * Deletes the logs of a topic whose creation failed: no reader ever saw them, so their files close at once
     * (a creation that failed on "too many open files" must give its descriptors back now, not in a minute).
     */
    public void discardTopic(String topic) throws IOException {
        deleteTopic(topic, 0);
    }

    private void deleteTopic(String topic, long delayMs) throws IOException {
        IOException failure = null;
        synchronized (createLock) {
            for (String name : new java.util.ArrayList<>(logs.keySet())) {
                LogDirName tp = LogDirName.parse(name);
                if (tp == null || !tp.topic().equals(topic)) {
                    continue;
                }
                try {
                    Path renamed = moveAside(name, "delete", delayMs);
                    scheduleDirDeletion(renamed, delayMs);
                } catch (IOException e) {
                    failure = e; // the directory stays; at the next start it is stray (no topic) and removed
                }
            }
            LogFiles.fsyncDir(dataDir);
        }
        checkpoint();
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Takes a directory that belongs to no current topic out of service without deleting its data (Kafka renames
     * stray logs to {@code -stray} and leaves them to the operator). Returns the new path. The caller writes the
     * checkpoints afterwards ({@link #checkpoint}), so that no later log of that name inherits its recovery point.
     */
    public Path quarantineStray(String dirName) throws IOException {
        synchronized (createLock) {
            Path moved = moveAside(dirName, "stray", 0);
            LogFiles.fsyncDir(dataDir);
            return moved;
        }
    }

    /**
     * Removes a directory that belongs to no topic (a creation or deletion cut short, found at start, or a
     * partition whose creation is rolled back): no reader has it, so it goes without delay. The caller writes the
     * checkpoints afterwards, as for {@link #quarantineStray}.
     */
    public void deleteStray(String dirName) throws IOException {
        synchronized (createLock) {
            scheduleDirDeletion(moveAside(dirName, "delete", 0), 0);
            LogFiles.fsyncDir(dataDir);
        }
    }

    /**
     * Under createLock: stops the log (its files close after {@code closeDelayMs}) and renames its directory to
     * {@code <name>.<uuid>-<suffix>}.
     */
    private Path moveAside(String name, String suffix, long closeDelayMs) throws IOException {
        Log log = logs.get(name);
        if (log == null) {
            throw new IllegalStateException("No log " + name);
        }
        log.closeForDeletion(closeDelayMs);
        Path renamed = dataDir.resolve(name + "." + UUID.randomUUID().toString().replace("-", "") + "-" + suffix);
        // Renamed before it leaves the map: if the rename fails, the closed log keeps its name taken, so that no
        // create() can open the old data for a new topic.
        Files.move(log.dir(), renamed, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        logs.remove(name);
        topicIds.remove(name);
        LOG.info("Renamed {} to {}", name, renamed.getFileName());
        return renamed;
    }

    /** Removes a {@code -delete} directory found at start, on the background thread (close waits for it). */
    private void scheduleDirDeletion(Path dir) {
        Runnable delete = () -> {
            try {
                LogFiles.deleteRecursively(dir);
            } catch (IOException e) {
                LOG.warn("Failed to delete {}", dir, e);
            }
        };
        if (closed || scheduler.isShutdown()) {
            delete.run();
        } else {
            scheduler.execute(delete);
        }
    }

    /**
     * Removes a directory renamed by a deletion after {@code delayMs}, on the deferred-close thread, which (unlike
     * the background scheduler) is not waited for on close: a pending deletion is redone by the next start's sweep.
     */
    private void scheduleDirDeletion(Path dir, long delayMs) {
        background.runLaterOnThisThread(() -> {
            LogFiles.deleteRecursively(dir);
            LOG.info("Deleted {}", dir.getFileName());
        }, delayMs);
    }

    public Path dataDir() { return dataDir; }

    /** The log cleaner of this directory (its threads run unless log.cleaner.enable is false). */
    public LogCleaner cleaner() { return cleaner; }

    @Override
    public void close() throws IOException {
        synchronized (createLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        cleaner.close(); // first: a cleaning in progress finishes its swap while the logs are open
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        IOException failure = null;
        try {
            for (Log log : logs.values()) {
                try {
                    log.close();
                } catch (IOException e) {
                    LOG.error("Failed to close {}", log, e);
                    failure = e;
                }
            }
            checkpoint();
        } finally {
            background.close(); // after the logs: a queued rolled-segment flush finds its log closed and returns
        }
        if (failure == null) {
            Files.write(dataDir.resolve(CLEAN_SHUTDOWN_FILE), new byte[0]);
            LogFiles.fsyncDir(dataDir);
        } else {
            throw failure;
        }
    }
}
