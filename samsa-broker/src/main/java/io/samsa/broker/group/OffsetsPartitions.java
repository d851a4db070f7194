package io.samsa.broker.group;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

import io.samsa.log.Log;

/**
 * This broker's replicas of the {@code __consumer_offsets} partitions, as the coordinator's shards use them: the
 * local log to load from, and appends as leader that complete once committed. Implemented by the broker over its
 * replica manager ({@code lifecycle.ReplicatedOffsetsPartitions}); thread-safe.
 */
public interface OffsetsPartitions {

    /** The local replica's log of the partition; NotCoordinatorException if it is not hosted here. */
    Log log(int partition);

    /**
     * Appends {@code batch} (one record batch v2) as leader of the partition at {@code leaderEpoch}, acks=all;
     * completes with the offset after its last record once the high watermark passes it. Fails with
     * NotCoordinatorException when this broker does not lead the partition at that epoch (or stops leading it
     * meanwhile), CoordinatorNotAvailableException when the in-sync replicas are too few or do not all get it in
     * time.
     */
    CompletionStage<Long> appendAsLeader(int partition, int leaderEpoch, ByteBuffer batch);

    /**
     * Appends a transaction marker (COMMIT or ABORT of the producer's transaction) as leader at {@code leaderEpoch},
     * acks=all, failing as {@link #appendAsLeader} does; completes with the offset after it once committed.
     */
    CompletionStage<Long> appendMarker(int partition, int leaderEpoch, long producerId, short producerEpoch,
                                       boolean commit, int coordinatorEpoch);
}
