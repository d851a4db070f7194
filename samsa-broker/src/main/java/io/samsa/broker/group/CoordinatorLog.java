package io.samsa.broker.group;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Where the coordinator's records go: today {@link LocalCoordinatorLog} over {@link GroupMetadataLog}, a
 * local log whose appends complete once written; with replication, a {@code __consumer_offsets} partition whose
 * appends complete when the high watermark passes them. Called on the coordinator thread; the returned stage may
 * complete on another thread (the runtime moves back to its own).
 */
interface CoordinatorLog extends Closeable {

    /** Appends {@code records}; completes with the offset after the last one once they are committed. */
    CompletionStage<Long> append(List<GroupMetadataRecord> records);

    /** Feeds every committed record, in log order (at start, before any append). */
    void replay(Consumer<GroupMetadataRecord> visitor) throws IOException;

    /** Called after each committed write: may rewrite the log to {@code liveRecords} (the whole current state). */
    void maybeCompact(Supplier<List<GroupMetadataRecord>> liveRecords);
}
