package io.samsa.broker.group;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-node {@link CoordinatorLog}: a write is committed once {@link GroupMetadataLog} has appended it
 * (the stage is complete when {@code append} returns, so the runtime answers in the same turn). Compacts once
 * the log holds {@code compactionMinRecords} more records than the live state; the live count is only recomputed
 * when the last known one says it may be time. Coordinator thread only.
 */
final class LocalCoordinatorLog implements CoordinatorLog {
    private static final Logger log = LoggerFactory.getLogger(LocalCoordinatorLog.class);

    private final GroupMetadataLog store;
    private final int compactionMinRecords;
    private long lastLiveRecords;

    LocalCoordinatorLog(GroupMetadataLog store, int compactionMinRecords) {
        this.store = store;
        this.compactionMinRecords = compactionMinRecords;
    }

    @Override
    public CompletionStage<Long> append(List<GroupMetadataRecord> records) {
        try {
            store.append(records);
            return CompletableFuture.completedFuture(store.logEndOffset());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void replay(Consumer<GroupMetadataRecord> visitor) throws IOException {
        store.replay(visitor);
    }

    @Override
    public void maybeCompact(Supplier<List<GroupMetadataRecord>> liveRecords) {
        if (store.appendedSinceCompaction() < compactionMinRecords + lastLiveRecords) {
            return;
        }
        List<GroupMetadataRecord> live = liveRecords.get();
        lastLiveRecords = live.size();
        if (store.appendedSinceCompaction() < compactionMinRecords + live.size()) {
            return;
        }
        try {
            store.compact(live);
        } catch (RuntimeException e) {
            log.error("Compacting the group metadata log failed", e);
        }
    }

    @Override
    public void close() throws IOException {
        store.close();
    }
}
