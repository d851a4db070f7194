package io.samsa.metadata;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The log the metadata records live in. {@link LocalMetadataLog} is a durable file log for one node;
 * {@link io.samsa.metadata.quorum.RatisMetadataLog} a Raft group of the controller voters, whose
 * {@code applyTransaction} calls the same {@link MetadataCommitListener}.
 */
public interface MetadataLog extends AutoCloseable {
    /**
     * Replays every stored batch (snapshot, then the log after it) through {@link MetadataCommitListener#replayed},
     * then sends every later commit to {@link MetadataCommitListener#committed}. Called once, before any append.
     * The Ratis log publishes the replay itself ({@link MetadataCommitListener#finishReplay}) before it joins the
     * quorum; after the local log, the caller calls {@link MetadataStateMachine#finishReplay()}.
     */
    void start(MetadataCommitListener listener) throws IOException;

    /**
     * Appends one batch atomically (all of it or none survives a crash). The stage completes with the offset of
     * its last record once it is committed, after the listener has applied it on this node; it fails with the
     * {@link MetadataConflictException#toApiException() Kafka exception} of a batch the listener rejected.
     */
    CompletionStage<Long> append(List<MetadataRecord> records);

    /** Takes a snapshot of {@code image} if the log has grown enough since the last one; called after an apply. */
    void maybeSnapshot(MetadataImage image) throws IOException;

    @Override
    void close() throws IOException;
}
