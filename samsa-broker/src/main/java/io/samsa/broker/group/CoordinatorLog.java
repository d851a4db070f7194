package io.samsa.broker.group;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where the coordinator's records go: a {@code __consumer_offsets} partition ({@link ReplicatedCoordinatorLog}),
 * whose appends complete when the high watermark passes them (on a single node at once), and which the log
 * cleaner compacts; tests use a local log whose appends complete once written. Appends complete in the order they
 * were made. Called on the coordinator thread; the returned stage may complete on another thread (the runtime moves
 * back to its own).
 */
interface CoordinatorLog extends Closeable {

    /** Appends {@code records}; completes with the offset after the last one once they are committed. */
    CompletionStage<Long> append(List<GroupMetadataRecord> records);

    /**
     * Appends {@code records} as part of the producer's transaction (TxnOffsetCommit): one transactional batch
     * with its producer id and epoch, which counts only once the transaction's COMMIT marker follows it. Fails with
     * InvalidProducerEpochException for a fenced epoch, InvalidTxnStateException when the producer has not added
     * this partition to its transaction.
     */
    CompletionStage<Long> appendTransactional(List<GroupMetadataRecord> records, long producerId, short producerEpoch);

    /** Appends the producer's transaction marker (COMMIT or ABORT), as the transaction coordinator asks. */
    CompletionStage<Long> appendMarker(long producerId, short producerEpoch, boolean commit, int coordinatorEpoch);

    /** Feeds every record and transaction marker, in log order (at load, before any append). */
    void replay(Visitor visitor) throws IOException;

    /** Sees the log at load: records with their transaction, and transaction markers. */
    interface Visitor {
        /** A record; {@code producerId} is its transaction's producer, -1 when it is not transactional. */
        void record(long producerId, GroupMetadataRecord record);

        /** The producer's transaction ended here. */
        void marker(long producerId, boolean commit);
    }
}
