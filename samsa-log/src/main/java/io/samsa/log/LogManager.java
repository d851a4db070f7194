package io.samsa.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.function.Function;

/**
 * All logs under one data directory ({@code log.dirs}): opens them on start (recovering those left by an
 * unclean stop, detected by the absence of Kafka's {@code .kafka_cleanshutdown} marker), keeps the
 * {@code recovery-point-offset-checkpoint} and {@code log-start-offset-checkpoint} files, runs the periodic
 * retention / roll / flush work on its own background thread, and writes the clean-shutdown marker on close.
 *
 * <p>CONTRACT STUB — implementation in progress.
 */
public final class LogManager implements Closeable {

    /**
     * @param configFor topic name → its LogConfig (broker defaults plus the topic's overrides)
     */
    public static LogManager open(Path dataDir, Function<String, LogConfig> configFor, Clock clock)
            throws IOException {
        throw new UnsupportedOperationException("stub");
    }

    /** Logs found on disk or created since, keyed by "topic-partition" directory name. */
    public Map<String, Log> logs() { throw new UnsupportedOperationException("stub"); }

    public Log log(String topic, int partition) { throw new UnsupportedOperationException("stub"); }

    public Log getOrCreate(String topic, int partition) throws IOException {
        throw new UnsupportedOperationException("stub");
    }

    /** Closes and removes every partition directory of the topic. */
    public void deleteTopic(String topic) throws IOException { throw new UnsupportedOperationException("stub"); }

    public Path dataDir() { throw new UnsupportedOperationException("stub"); }

    @Override
    public void close() throws IOException { throw new UnsupportedOperationException("stub"); }
}
