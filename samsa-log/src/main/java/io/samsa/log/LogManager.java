package io.samsa.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
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
 * unclean stop, detected by the absence of Kafka's {@code .kafka_cleanshutdown} marker), keeps the
 * {@code recovery-point-offset-checkpoint} and {@code log-start-offset-checkpoint} files, runs the periodic
 * retention / roll / flush work on its own background thread, and writes the clean-shutdown marker on close.
 */
public final class LogManager implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(LogManager.class);

    static final String CLEAN_SHUTDOWN_FILE = ".kafka_cleanshutdown";
    static final String RECOVERY_POINT_CHECKPOINT = "recovery-point-offset-checkpoint";
    static final String LOG_START_OFFSET_CHECKPOINT = "log-start-offset-checkpoint";
    private static final Pattern DELETE_DIR = Pattern.compile(".*\\.[0-9a-f]{32}-delete");

    /**
     * Periods of the background work (Kafka: log.retention.check.interval.ms = 300000,
     * log.flush.scheduler.interval.ms, log.flush.offset.checkpoint.interval.ms = 60000).
     */
    public record Settings(long retentionCheckIntervalMs, long flushCheckIntervalMs, long checkpointIntervalMs,
                           long fileDeleteDelayMs) {
        public static final Settings DEFAULTS = new Settings(300_000L, 1_000L, 60_000L, 60_000L);
    }

    private final Path dataDir;
    private final Function<String, LogConfig> configFor;
    private final Clock clock;
    private final Settings settings;
    private final Map<String, Log> logs = new ConcurrentHashMap<>();
    private final OffsetCheckpointFile recoveryPoints;
    private final OffsetCheckpointFile logStartOffsets;
    private final ScheduledExecutorService scheduler;
    private final Object createLock = new Object();
    private volatile boolean closed;

    private LogManager(Path dataDir, Function<String, LogConfig> configFor, Clock clock, Settings settings) {
        this.dataDir = dataDir;
        this.configFor = configFor;
        this.clock = clock;
        this.settings = settings;
        this.recoveryPoints = new OffsetCheckpointFile(dataDir.resolve(RECOVERY_POINT_CHECKPOINT));
        this.logStartOffsets = new OffsetCheckpointFile(dataDir.resolve(LOG_START_OFFSET_CHECKPOINT));
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
        return m;
    }

    /** Parses "topic-partition" (splitting on the last '-'); null when the name is not one. */
    static String[] parseDirName(String name) {
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1 || name.startsWith(".")) {
            return null;
        }
        String partition = name.substring(dash + 1);
        for (int i = 0; i < partition.length(); i++) {
            if (!Character.isDigit(partition.charAt(i))) {
                return null;
            }
        }
        try {
            Integer.parseInt(partition);
        } catch (NumberFormatException e) {
            return null;
        }
        return new String[] {name.substring(0, dash), partition};
    }

    private void loadLogs() throws IOException {
        Path marker = dataDir.resolve(CLEAN_SHUTDOWN_FILE);
        boolean clean = Files.exists(marker);
        Map<String, Long> rp = recoveryPoints.read();
        Map<String, Long> lso = logStartOffsets.read();
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
                String[] tp = parseDirName(name);
                if (tp == null) {
                    continue; // e.g. the broker's own __samsa_meta directory
                }
                Log log = Log.open(p, configFor.apply(tp[0]), clock, rp.getOrDefault(name, 0L), clean);
                log.setFileDeleteDelayMs(settings.fileDeleteDelayMs());
                Long startOffset = lso.get(name);
                if (startOffset != null) {
                    log.maybeIncrementLogStartOffset(startOffset);
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

    /** Runs {@code action} on every log; one failing log is logged and does not stop the pass for the others. */
    private void forEachLog(String what, java.util.function.Consumer<Log> action) {
        for (Log log : logs.values()) {
            try {
                action.accept(log);
            } catch (Throwable t) {
                LOG.error("Background {} failed for {}", what, log, t);
            }
        }
    }

    /** Deletes segments past retention in every log; returns how many. */
    public int runRetention() {
        int[] count = new int[1];
        forEachLog("retention", log -> count[0] += log.deleteRetainedSegments());
        int deleted = count[0];
        if (deleted > 0) {
            try {
                writeLogStartOffsets();
            } catch (IOException e) {
                LOG.warn("Failed to write {}", LOG_START_OFFSET_CHECKPOINT, e);
            }
        }
        return deleted;
    }

    /** Rolls by segment.ms and flushes by flush.ms in every log. */
    public void runRollAndFlush() {
        forEachLog("roll/flush", Log::maybeRollAndFlush);
    }

    /** Writes both checkpoint files from the open logs. */
    public synchronized void checkpoint() throws IOException {
        Map<String, Long> rp = new TreeMap<>();
        for (Map.Entry<String, Log> e : logs.entrySet()) {
            rp.put(e.getKey(), e.getValue().recoveryPoint());
        }
        recoveryPoints.write(rp);
        writeLogStartOffsets();
    }

    private synchronized void writeLogStartOffsets() throws IOException {
        Map<String, Long> lso = new TreeMap<>();
        for (Map.Entry<String, Log> e : logs.entrySet()) {
            lso.put(e.getKey(), e.getValue().logStartOffset());
        }
        logStartOffsets.write(lso);
    }

    /** Logs found on disk or created since, keyed by "topic-partition" directory name. */
    public Map<String, Log> logs() { return Collections.unmodifiableMap(new LinkedHashMap<>(logs)); }

    public Log log(String topic, int partition) { return logs.get(topic + "-" + partition); }

    public Log getOrCreate(String topic, int partition) throws IOException {
        String name = topic + "-" + partition;
        Log existing = logs.get(name);
        if (existing != null) {
            return existing;
        }
        synchronized (createLock) {
            if (closed) {
                throw new IllegalStateException("LogManager for " + dataDir + " is closed");
            }
            existing = logs.get(name);
            if (existing != null) {
                return existing;
            }
            Log log = Log.open(dataDir.resolve(name), configFor.apply(topic), clock, 0L, true);
            log.setFileDeleteDelayMs(settings.fileDeleteDelayMs());
            logs.put(name, log);
            LogFiles.fsyncDir(dataDir);
            return log;
        }
    }

    /** Closes and removes every partition directory of the topic. */
    public void deleteTopic(String topic) throws IOException {
        synchronized (createLock) {
            for (String name : new java.util.ArrayList<>(logs.keySet())) {
                String[] tp = parseDirName(name);
                if (tp == null || !tp[0].equals(topic)) {
                    continue;
                }
                Log log = logs.remove(name);
                log.close();
                Path renamed = dataDir.resolve(name + "." + UUID.randomUUID().toString().replace("-", "") + "-delete");
                Files.move(log.dir(), renamed, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                scheduleDirDeletion(renamed);
            }
            LogFiles.fsyncDir(dataDir);
        }
        checkpoint();
    }

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

    public Path dataDir() { return dataDir; }

    @Override
    public void close() throws IOException {
        synchronized (createLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        IOException failure = null;
        for (Log log : logs.values()) {
            try {
                log.close();
            } catch (IOException e) {
                LOG.error("Failed to close {}", log, e);
                failure = e;
            }
        }
        checkpoint();
        if (failure == null) {
            Files.write(dataDir.resolve(CLEAN_SHUTDOWN_FILE), new byte[0]);
            LogFiles.fsyncDir(dataDir);
        } else {
            throw failure;
        }
    }
}
