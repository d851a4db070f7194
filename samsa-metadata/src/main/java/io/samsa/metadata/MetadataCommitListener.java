package io.samsa.metadata;

import java.util.List;

/**
 * What a {@link MetadataLog} hands committed batches to: {@link MetadataStateMachine}, the one apply path.
 * Called on the log's commit thread (the local log: the appending thread; Ratis: its state-machine updater).
 */
public interface MetadataCommitListener {
    /** A batch read back at start (snapshot first, then the log tail), in offset order. */
    void replayed(List<MetadataRecord> records, long lastOffset);

    /** A batch committed now; {@code lastOffset} is the offset of its last record. */
    void committed(List<MetadataRecord> records, long lastOffset);
}
