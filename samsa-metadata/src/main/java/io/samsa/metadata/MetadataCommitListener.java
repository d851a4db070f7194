package io.samsa.metadata;

import java.util.List;

/**
 * What a {@link MetadataLog} hands committed batches to: {@link MetadataStateMachine}, the one apply path.
 * Called on the log's commit thread (the local log: the appending thread; Ratis: its state-machine updater).
 */
public interface MetadataCommitListener {
    /** A batch read back at start (snapshot first, then the log tail), in offset order. */
    void replayed(List<MetadataRecord> records, long lastOffset);

    /** Publishes what {@link #replayed} gathered; the log calls it when its start-up replay is done. */
    default void finishReplay() {
    }

    /**
     * A batch committed now; {@code lastOffset} is the offset of its last record. Throws
     * {@link MetadataConflictException} when the batch is rejected (the image stays as it was, but its offset
     * moves to {@code lastOffset}, so nothing waiting for that offset waits forever).
     */
    void committed(List<MetadataRecord> records, long lastOffset);

    /**
     * The whole state was replaced by a snapshot (a quorum member that fell behind the leader's purged log):
     * {@code records} rebuild the image as of {@code lastOffset} from nothing.
     */
    default void reloaded(List<MetadataRecord> records, long lastOffset) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot reload a snapshot");
    }

    /** The image as of the last batch handed over: what a snapshot of the log holds. */
    MetadataImage image();
}
