package io.samsa.metadata;

import java.io.IOException;

/**
 * A broker component that follows the metadata (the topic registry creating and deleting logs, the producer-id
 * allocator, later the replica manager). Called by {@link MetadataStateMachine} on the thread that applies a
 * committed batch, one call at a time, BEFORE the new image becomes visible to {@link MetadataStateMachine#image()}
 * readers, so a publisher can make the image's promises true first (a topic is visible only once its logs exist).
 */
public interface MetadataPublisher {
    /**
     * Before a batch this node writes is appended: acquire the local resources it needs (create the logs of new
     * partitions). Throwing vetoes the write: nothing is appended and {@link #abort} undoes what was prepared.
     * Runs only on the node that writes; every node (this one too) then gets {@link #onMetadataUpdate}.
     */
    default void prepare(MetadataDelta delta, MetadataImage newImage) throws IOException {
    }

    /** A prepared batch was not committed: release what {@link #prepare} acquired. */
    default void abort(MetadataDelta delta) {
    }

    /** A committed batch: bring local state in line with {@code newImage}; it must not throw for a valid delta. */
    void onMetadataUpdate(MetadataDelta delta, MetadataImage newImage);
}
