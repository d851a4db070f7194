package io.samsa.broker.group;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.samsa.log.Log;
import io.samsa.log.LogConfig;
import io.samsa.log.LogFiles;

/**
 * The group log of the releases in which a single node kept its groups in a local log of its own,
 * {@code <log.dirs>/__samsa_meta/}{@value #DIR_NAME} (the same {@link GroupMetadataRecord}s in the same batches as
 * a {@code __consumer_offsets} partition). Only read: at the first start of a release that keeps the groups in
 * {@code __consumer_offsets}, the broker imports its live records ({@link #live}) and then moves it aside
 * ({@link #moveAside}), so the import runs once. Used on the broker's main thread at start-up.
 */
public final class LegacyGroupLog implements Closeable {
    /** The legacy log's directory under {@code __samsa_meta}. */
    public static final String DIR_NAME = "__consumer_offsets-0";
    /** What the directory is renamed to once imported (kept for the operator, never read again). */
    public static final String IMPORTED_DIR_NAME = DIR_NAME + ".imported";
    private static final LogConfig CONFIG = LogConfig.builder().segmentBytes(64 * 1024 * 1024)
            .segmentMs(Long.MAX_VALUE).retentionMs(-1L).maxMessageBytes(16 * 1024 * 1024)
            .timestampAfterMaxMs(Long.MAX_VALUE).build();

    private final Path dir;
    private final Log recordLog;

    private LegacyGroupLog(Path dir, Log recordLog) {
        this.dir = dir;
        this.recordLog = recordLog;
    }

    /** The legacy log under {@code metaDir}, if a previous release left one there. */
    public static Optional<LegacyGroupLog> openIfPresent(Path metaDir) throws IOException {
        Path dir = metaDir.resolve(DIR_NAME);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        Log l = Log.open(dir, CONFIG, Clock.systemUTC(), 0L, false);
        l.setFileDeleteDelayMs(0);
        return Optional.of(new LegacyGroupLog(dir, l));
    }

    /** What the log holds that is still live, ready to be appended to the partitions of {@code __consumer_offsets}. */
    public record Live(int groups, int offsets, Map<Integer, List<ByteBuffer>> batchesByPartition) {
        public int records() {
            return groups + offsets;
        }
    }

    /**
     * The newest record of every key (a tombstone removes its key), in log order, as batches per
     * {@code __consumer_offsets} partition of their group ({@link OffsetsTopic#partitionFor}), stamped {@code now}.
     */
    public Live live(int numPartitions, long now) throws IOException {
        Map<ByteBuffer, GroupMetadataRecord> newest = new LinkedHashMap<>();
        GroupRecordBatches.replay(recordLog, r -> {
            ByteBuffer key = ByteBuffer.wrap(r.key());
            newest.remove(key); // re-inserted last: the newest record's place in the log order
            if (r.value() != null) {
                newest.put(key, r);
            }
        });
        Map<Integer, List<GroupMetadataRecord>> byPartition = new TreeMap<>();
        int groups = 0;
        for (GroupMetadataRecord r : newest.values()) {
            byPartition.computeIfAbsent(OffsetsTopic.partitionFor(r.groupId(), numPartitions), p -> new ArrayList<>())
                    .add(r);
            groups += r instanceof GroupMetadataRecord.Group ? 1 : 0;
        }
        Map<Integer, List<ByteBuffer>> batches = new TreeMap<>();
        byPartition.forEach((p, records) -> {
            List<ByteBuffer> out = new ArrayList<>();
            for (int from = 0; from < records.size(); from += GroupRecordBatches.RECORDS_PER_BATCH) {
                out.add(GroupRecordBatches.batch(records.subList(from,
                        Math.min(records.size(), from + GroupRecordBatches.RECORDS_PER_BATCH)), now));
            }
            batches.put(p, out);
        });
        return new Live(groups, newest.size() - groups, batches);
    }

    /**
     * Closes the log and renames its directory to {@value #IMPORTED_DIR_NAME} (durably), so no later start reads
     * it again. Returns the new path.
     */
    public Path moveAside() throws IOException {
        recordLog.close();
        Path target = dir.resolveSibling(IMPORTED_DIR_NAME);
        if (Files.exists(target)) {
            target = dir.resolveSibling(IMPORTED_DIR_NAME + "." + System.currentTimeMillis());
        }
        Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
        LogFiles.fsyncDir(dir.getParent());
        return target;
    }

    @Override
    public void close() throws IOException {
        recordLog.close();
    }
}
