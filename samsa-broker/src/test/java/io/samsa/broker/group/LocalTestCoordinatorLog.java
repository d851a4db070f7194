package io.samsa.broker.group;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.samsa.log.AppendOrigin;
import io.samsa.log.Log;
import io.samsa.log.LogConfig;

/**
 * A {@link CoordinatorLog} for tests that drive one shard directly: a local samsa-log {@link Log} in
 * {@code dir}/{@value #DIR_NAME} holding the records exactly as a {@code __consumer_offsets} partition does
 * ({@link GroupRecordBatches}), whose appends are committed once written (as on a single node, where the high
 * watermark follows the log end at once). Survives a close and reopen, like a partition across a restart.
 * Test thread only.
 */
final class LocalTestCoordinatorLog implements CoordinatorLog {
    static final String DIR_NAME = OffsetsTopic.NAME + "-0";

    private final Log recordLog;
    private final Clock clock;

    private LocalTestCoordinatorLog(Log recordLog, Clock clock) {
        this.recordLog = recordLog;
        this.clock = clock;
    }

    static LocalTestCoordinatorLog open(Path dir, Clock clock) throws IOException {
        Log l = Log.open(dir.resolve(DIR_NAME), LogConfig.builder().segmentBytes(1024 * 1024)
                .timestampAfterMaxMs(Long.MAX_VALUE).build(), clock, 0L, false);
        return new LocalTestCoordinatorLog(l, clock);
    }

    @Override
    public CompletionStage<Long> append(List<GroupMetadataRecord> records) {
        try {
            return CompletableFuture.completedFuture(
                    recordLog.appendAsLeader(GroupRecordBatches.batch(records, clock.millis()), 0).lastOffset() + 1);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletionStage<Long> appendTransactional(List<GroupMetadataRecord> records, long producerId,
                                                     short producerEpoch) {
        try {
            return CompletableFuture.completedFuture(recordLog.appendAsLeader(
                    GroupRecordBatches.batch(records, clock.millis(), producerId, producerEpoch), 0,
                    AppendOrigin.COORDINATOR).lastOffset() + 1);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletionStage<Long> appendMarker(long producerId, short producerEpoch, boolean commit,
                                              int coordinatorEpoch) {
        try {
            return CompletableFuture.completedFuture(recordLog.appendControlMarkerAsLeader(producerId, producerEpoch,
                    commit, coordinatorEpoch, 0).lastOffset() + 1);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void replay(Visitor visitor) throws IOException {
        GroupRecordBatches.replay(recordLog, visitor);
    }

    @Override
    public void close() throws IOException {
        recordLog.close();
    }
}
