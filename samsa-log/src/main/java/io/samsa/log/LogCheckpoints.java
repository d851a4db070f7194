package io.samsa.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * The per-data-directory checkpoint files of a {@link LogManager}: Kafka's {@code recovery-point-offset-checkpoint}
 * (how far each log is known to be on disk, which bounds what an unclean start re-checks) and
 * {@code log-start-offset-checkpoint} (each log's start, restored on load) and {@code replication-offset-checkpoint}
 * (each log's high watermark, where a replicated log resumes: see {@link Log#setHighWatermarkFollowsLogEnd}).
 * Thread-safe: writes are serialised on this object (the log manager's background thread, topic deletion, close).
 */
final class LogCheckpoints {

    static final String RECOVERY_POINT_CHECKPOINT = "recovery-point-offset-checkpoint";
    static final String LOG_START_OFFSET_CHECKPOINT = "log-start-offset-checkpoint";
    static final String HIGH_WATERMARK_CHECKPOINT = "replication-offset-checkpoint";

    private final OffsetCheckpointFile recoveryPoints;
    private final OffsetCheckpointFile logStartOffsets;
    private final OffsetCheckpointFile highWatermarks;

    LogCheckpoints(Path dataDir) {
        this.recoveryPoints = new OffsetCheckpointFile(dataDir.resolve(RECOVERY_POINT_CHECKPOINT));
        this.logStartOffsets = new OffsetCheckpointFile(dataDir.resolve(LOG_START_OFFSET_CHECKPOINT));
        this.highWatermarks = new OffsetCheckpointFile(dataDir.resolve(HIGH_WATERMARK_CHECKPOINT));
    }

    Map<String, Long> readRecoveryPoints() throws IOException {
        return recoveryPoints.read();
    }

    Map<String, Long> readLogStartOffsets() throws IOException {
        return logStartOffsets.read();
    }

    Map<String, Long> readHighWatermarks() throws IOException {
        return highWatermarks.read();
    }

    /** Writes the three files from {@code logs} (directory name → log). */
    synchronized void writeAll(Map<String, Log> logs) throws IOException {
        recoveryPoints.write(offsets(logs, Log::recoveryPoint));
        writeLogStartOffsets(logs);
        writeHighWatermarks(logs);
    }

    synchronized void writeHighWatermarks(Map<String, Log> logs) throws IOException {
        highWatermarks.write(offsets(logs, Log::highWatermark));
    }

    synchronized void writeLogStartOffsets(Map<String, Log> logs) throws IOException {
        logStartOffsets.write(offsets(logs, Log::logStartOffset));
    }

    private static Map<String, Long> offsets(Map<String, Log> logs, ToLongFunction<Log> offset) {
        Map<String, Long> out = new TreeMap<>();
        for (Map.Entry<String, Log> e : logs.entrySet()) {
            out.put(e.getKey(), offset.applyAsLong(e.getValue()));
        }
        return out;
    }
}
