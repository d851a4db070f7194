package io.samsa.broker.group;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Where the coordinator's records go: a {@code __consumer_offsets} partition ({@link ReplicatedCoordinatorLog}),
 * whose appends complete when the high watermark passes them (on a single node at once), and which the log
 * cleaner compacts; tests use a local log whose appends complete once written. Called on the coordinator thread; the returned stage may
 * complete on another thread (the runtime moves back to its own).
 */
interface CoordinatorLog extends Closeable {

    /** Appends {@code records}; completes with the offset after the last one once they are committed. */
    CompletionStage<Long> append(List<GroupMetadataRecord> records);

    /** Feeds every committed record, in log order (at start, before any append). */
    void replay(Consumer<GroupMetadataRecord> visitor) throws IOException;
}
