package io.samsa.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader epochs of one partition and the offset at which each began (Kafka's {@code LeaderEpochFileCache}):
 * what a leader answers OffsetForLeaderEpoch with, and what a follower truncates by after a leader change, so that
 * it drops exactly the records the new leader does not have.
 *
 * <p>Persisted after every change in {@code leader-epoch-checkpoint}, Kafka's format: a line "0" (version), a line
 * with the entry count, then one line "epoch startOffset" per entry, written with {@link LogFiles#writeAtomically}.
 * A missing or unreadable file is rebuilt by the log from its batches' partitionLeaderEpoch at start-up.
 *
 * <p>Epochs and start offsets both strictly increase. Thread-safe (its own monitor): the owning log changes it
 * under its lock (appends, truncation, retention); request threads read it concurrently.
 */
final class LeaderEpochCache {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderEpochCache.class);

    static final String FILE_NAME = "leader-epoch-checkpoint";
    private static final int VERSION = 0;

    private final Path file;
    /** epoch → start offset. */
    private final TreeMap<Integer, Long> epochs = new TreeMap<>();
    private final boolean loadedFromFile;

    private LeaderEpochCache(Path file, Map<Integer, Long> entries, boolean loadedFromFile) {
        this.file = file;
        this.epochs.putAll(entries);
        this.loadedFromFile = loadedFromFile;
    }

    /** Reads {@code dir/leader-epoch-checkpoint}; a missing or corrupt file gives an empty cache to rebuild. */
    static LeaderEpochCache load(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        try {
            return new LeaderEpochCache(file, parse(Files.readAllLines(file, StandardCharsets.UTF_8)), true);
        } catch (NoSuchFileException e) {
            return new LeaderEpochCache(file, Map.of(), false);
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: unreadable {} ({}); rebuilding it from the log", dir.getFileName(), FILE_NAME, e.toString());
            return new LeaderEpochCache(file, Map.of(), false);
        }
    }

    private static Map<Integer, Long> parse(List<String> lines) throws IOException {
        if (lines.size() < 2 || Integer.parseInt(lines.get(0).trim()) != VERSION) {
            throw new IOException("bad header");
        }
        int count = Integer.parseInt(lines.get(1).trim());
        if (count < 0 || lines.size() < 2 + count) {
            throw new IOException("expected " + count + " entries");
        }
        TreeMap<Integer, Long> entries = new TreeMap<>();
        long prevOffset = -1;
        int prevEpoch = -1;
        for (int i = 0; i < count; i++) {
            String[] parts = lines.get(2 + i).trim().split("\\s+");
            if (parts.length != 2) {
                throw new IOException("malformed entry '" + lines.get(2 + i) + "'");
            }
            int epoch = Integer.parseInt(parts[0]);
            long start = Long.parseLong(parts[1]);
            if (epoch <= prevEpoch || start < prevOffset || start < 0) {
                throw new IOException("entries out of order at '" + lines.get(2 + i) + "'");
            }
            entries.put(epoch, start);
            prevEpoch = epoch;
            prevOffset = start;
        }
        return entries;
    }

    /** False when the file was missing or corrupt: the log rebuilds the entries from its batches. */
    boolean loadedFromFile() { return loadedFromFile; }

    /**
     * Records that {@code epoch} begins at {@code startOffset} (a leader's first append in a new epoch, or a
     * follower's append of a batch carrying one). No-op for a negative epoch or an epoch already known at or
     * before that offset; an entry that contradicts the new one (an epoch at least as high, or a start offset at
     * least as high) is removed first, as Kafka does.
     */
    synchronized void assign(int epoch, long startOffset) throws IOException {
        if (epoch < 0) {
            return;
        }
        Map.Entry<Integer, Long> latest = epochs.lastEntry();
        if (latest != null && latest.getKey() == epoch && latest.getValue() <= startOffset) {
            return;
        }
        epochs.entrySet().removeIf(e -> e.getKey() >= epoch || e.getValue() >= startOffset);
        epochs.put(epoch, startOffset);
        writeCheckpoint();
    }

    /** The latest epoch, or {@link EpochEndOffset#UNDEFINED_EPOCH} when none is known. */
    synchronized int latestEpoch() {
        return epochs.isEmpty() ? EpochEndOffset.UNDEFINED_EPOCH : epochs.lastKey();
    }

    /** The start offset of {@code epoch}, or -1 when it is not in the cache. */
    synchronized long startOffsetOf(int epoch) {
        Long start = epochs.get(epoch);
        return start == null ? -1L : start;
    }

    /**
     * Kafka's {@code endOffsetFor}: for the latest epoch, the log end offset; for an older one, the largest known
     * epoch ≤ it and the start offset of the next higher epoch; undefined for an undefined epoch or one above the
     * latest. A requested epoch below every known one answers with the first known start offset.
     */
    synchronized EpochEndOffset endOffsetFor(int requestedEpoch, long logEndOffset) {
        if (requestedEpoch == EpochEndOffset.UNDEFINED_EPOCH || epochs.isEmpty()) {
            return EpochEndOffset.UNDEFINED;
        }
        if (requestedEpoch == epochs.lastKey()) {
            return new EpochEndOffset(requestedEpoch, logEndOffset);
        }
        Map.Entry<Integer, Long> higher = epochs.higherEntry(requestedEpoch);
        if (higher == null) {
            return EpochEndOffset.UNDEFINED;
        }
        Map.Entry<Integer, Long> floor = epochs.floorEntry(requestedEpoch);
        return new EpochEndOffset(floor == null ? requestedEpoch : floor.getKey(), higher.getValue());
    }

    /** Drops every epoch that starts at or after {@code endOffset} (the log was truncated to it). */
    synchronized void truncateFromEnd(long endOffset) throws IOException {
        if (epochs.values().removeIf(start -> start >= endOffset)) {
            writeCheckpoint();
        }
    }

    /**
     * The log start moved to {@code startOffset}: epochs that began before it are dropped, except the one in force
     * there, whose start moves up to {@code startOffset}.
     */
    synchronized void truncateFromStart(long startOffset) throws IOException {
        Integer inForce = null;
        for (Map.Entry<Integer, Long> e : epochs.entrySet()) {
            if (e.getValue() > startOffset) {
                break;
            }
            inForce = e.getKey();
        }
        if (inForce == null || (inForce.equals(epochs.firstKey()) && epochs.get(inForce) == startOffset)) {
            return;
        }
        epochs.headMap(inForce, true).clear();
        epochs.put(inForce, startOffset);
        writeCheckpoint();
    }

    /** Forgets every epoch (the log was emptied and restarted elsewhere). */
    synchronized void clear() throws IOException {
        epochs.clear();
        writeCheckpoint();
    }

    /** A copy of the entries, oldest first (tests, diagnostics). */
    synchronized Map<Integer, Long> entries() {
        return new TreeMap<>(epochs);
    }

    private void writeCheckpoint() throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append(VERSION).append('\n').append(epochs.size()).append('\n');
        for (Map.Entry<Integer, Long> e : epochs.entrySet()) {
            sb.append(e.getKey()).append(' ').append(e.getValue()).append('\n');
        }
        LogFiles.writeAtomically(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    }
}
