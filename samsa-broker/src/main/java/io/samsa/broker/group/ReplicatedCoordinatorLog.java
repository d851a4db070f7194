package io.samsa.broker.group;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shard's {@link CoordinatorLog}: one {@code __consumer_offsets} partition, led by this broker at one leader
 * epoch (on a single node every partition, at epoch 0). A write is one record batch v2 of the records (key = the record's key, so the log cleaner can
 * compact it), appended as leader and committed once the high watermark passes it (acks=all). Writes
 * complete in the order they were appended, so the state machine replays them in log order even though the high
 * watermark may release several at once. The log is never rewritten by its leader: each replica's log cleaner
 * compacts it ({@code cleanup.policy=compact}), keeping the newest record of each key. Coordinator thread only.
 */
final class ReplicatedCoordinatorLog implements CoordinatorLog {
    private static final Logger log = LoggerFactory.getLogger(ReplicatedCoordinatorLog.class);

    private final OffsetsPartitions partitions;
    private final int partition;
    private final int leaderEpoch;
    private final Clock clock;
    private CompletableFuture<Long> lastWrite = CompletableFuture.completedFuture(-1L);

    ReplicatedCoordinatorLog(OffsetsPartitions partitions, int partition, int leaderEpoch, Clock clock) {
        this.partitions = partitions;
        this.partition = partition;
        this.leaderEpoch = leaderEpoch;
        this.clock = clock;
    }

    @Override
    public CompletionStage<Long> append(List<GroupMetadataRecord> records) {
        return inOrder(() -> partitions.appendAsLeader(partition, leaderEpoch,
                GroupRecordBatches.batch(records, clock.millis())));
    }

    @Override
    public CompletionStage<Long> appendTransactional(List<GroupMetadataRecord> records, long producerId,
                                                     short producerEpoch) {
        return inOrder(() -> partitions.appendAsLeader(partition, leaderEpoch,
                GroupRecordBatches.batch(records, clock.millis(), producerId, producerEpoch)));
    }

    @Override
    public CompletionStage<Long> appendMarker(long producerId, short producerEpoch, boolean commit,
                                              int coordinatorEpoch) {
        return inOrder(() -> partitions.appendMarker(partition, leaderEpoch, producerId, producerEpoch, commit,
                coordinatorEpoch));
    }

    /** Starts the append now; its completion waits for the earlier ones (the high watermark may pass several). */
    private CompletionStage<Long> inOrder(Supplier<CompletionStage<Long>> write) {
        CompletableFuture<Long> appended;
        try {
            appended = write.get().toCompletableFuture();
        } catch (RuntimeException e) {
            appended = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Long> thisWrite = appended;
        CompletableFuture<Long> inOrder = lastWrite.handle((o, e) -> null).thenCompose(ignored -> thisWrite);
        lastWrite = inOrder;
        return inOrder;
    }

    @Override
    public void replay(Visitor visitor) throws IOException {
        long n = GroupRecordBatches.replay(partitions.log(partition), visitor);
        log.info("Replayed {} group metadata records of {}-{} (leader epoch {})", n, OffsetsTopic.NAME, partition,
                leaderEpoch);
    }

    @Override
    public void close() {
    }
}
