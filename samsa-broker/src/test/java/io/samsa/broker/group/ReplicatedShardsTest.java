package io.samsa.broker.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.log.Log;
import io.samsa.log.LogConfig;

/**
 * The shards of a clustered coordinator over fake {@code __consumer_offsets} partitions (local logs whose appends
 * commit at once, or fail as told): a group is served only while its partition is led and loaded, a shard that is
 * loaded again (a new leader epoch) finds every committed offset in the log, and a write that loses leadership
 * answers NOT_COORDINATOR.
 */
class ReplicatedShardsTest {
    private static final int PARTITIONS = 3;
    private static final TopicPartition TP = new TopicPartition("orders", 0);

    @TempDir
    Path dir;
    private final FakePartitions partitions = new FakePartitions();
    private final ScheduledThreadPoolExecutor thread = CoordinatorRuntime.newThread();
    private GroupCoordinator coordinator;

    /** Local logs standing in for this broker's replicas; appends commit at once unless {@link #failWith} is set. */
    private final class FakePartitions implements OffsetsPartitions {
        final Map<Integer, Log> logs = new HashMap<>();
        volatile RuntimeException failWith;

        @Override
        public synchronized Log log(int partition) {
            return logs.computeIfAbsent(partition, p -> {
                try {
                    return Log.open(dir.resolve(OffsetsTopic.NAME + "-" + p), LogConfig.builder()
                            .segmentBytes(1024 * 1024).timestampAfterMaxMs(Long.MAX_VALUE).build(),
                            Clock.systemUTC(), 0L, false);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }

        @Override
        public CompletionStage<Long> appendAsLeader(int partition, int leaderEpoch, ByteBuffer batch) {
            if (failWith != null) {
                return CompletableFuture.failedFuture(failWith);
            }
            return CompletableFuture.completedFuture(log(partition).appendAsLeader(batch, leaderEpoch,
                    io.samsa.log.AppendOrigin.COORDINATOR).lastOffset() + 1);
        }

        @Override
        public CompletionStage<Long> appendMarker(int partition, int leaderEpoch, long producerId, short producerEpoch,
                                                  boolean commit, int coordinatorEpoch) {
            if (failWith != null) {
                return CompletableFuture.failedFuture(failWith);
            }
            return CompletableFuture.completedFuture(log(partition).appendControlMarkerAsLeader(producerId,
                    producerEpoch, commit, coordinatorEpoch, leaderEpoch).lastOffset() + 1);
        }
    }

    private GroupCoordinator coordinator() {
        if (coordinator == null) {
            coordinator = GroupCoordinator.replicated(new ReplicatedShards(PARTITIONS, thread,
                    ReplicatedShards.factory(partitions, GroupCoordinatorConfig.DEFAULTS, Clock.systemUTC())));
        }
        return coordinator;
    }

    @AfterEach
    void close() throws IOException {
        if (coordinator != null) {
            coordinator.close();
        }
        for (Log l : partitions.logs.values()) {
            l.close();
        }
    }

    private static String groupOn(int partition) {
        for (int i = 0; ; i++) {
            if (OffsetsTopic.partitionFor("group-" + i, PARTITIONS) == partition) {
                return "group-" + i;
            }
        }
    }

    private Map<TopicPartition, Errors> commit(String group, long offset) throws Exception {
        return coordinator().commitOffsets(group, "", null, -1,
                Map.of(TP, new CommittedOffset(offset, -1, "", System.currentTimeMillis(), -1)), false)
                .get(10, TimeUnit.SECONDS);
    }

    private static Throwable failureOf(CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get(10, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no answer", e);
        }
    }

    /** Waits until the shard of {@code group} answers (its load is asynchronous). */
    private void awaitLoaded(String group) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (failureOf(coordinator().fetchOffsets(group, null)) instanceof CoordinatorLoadInProgressException) {
            assertThat(System.currentTimeMillis()).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void groupsArePlacedAsKafkaPlacesThem() {
        // "polygenelubricants".hashCode() is Integer.MIN_VALUE, whose Math.abs is negative.
        for (String g : List.of("billing", "polygenelubricants", "", "group-42")) {
            assertThat(OffsetsTopic.partitionFor(g, 50)).as(g).isEqualTo(Utils.abs(g.hashCode()) % 50);
        }
        OffsetsTopic defaults = io.samsa.broker.config.BrokerConfig.from(Map.of()).offsetsTopic();
        assertThat(defaults.numPartitions()).isEqualTo(50);
        assertThat(defaults.segmentBytes()).isEqualTo(104_857_600);
        assertThat(defaults.commitTimeoutMs()).isEqualTo(5000);
        assertThat(io.samsa.broker.config.BrokerConfig.from(Map.of("offsets.topic.num.partitions", "3"))
                .offsetsTopic().numPartitions()).isEqualTo(3);
    }

    @Test
    void aGroupOfAPartitionNotLedHereIsNotCoordinated() throws Exception {
        String group = groupOn(1);
        assertThat(failureOf(coordinator().fetchOffsets(group, null))).isInstanceOf(NotCoordinatorException.class);
        coordinator().onLeader(0, 0);
        awaitLoaded(groupOn(0));
        assertThat(failureOf(coordinator().fetchOffsets(group, null))).isInstanceOf(NotCoordinatorException.class);
        assertThat(coordinator().coordinatedPartitions()).containsExactly(0);
    }

    @Test
    void offsetsCommittedUnderOneEpochAreLoadedUnderTheNext() throws Exception {
        String group = groupOn(2);
        coordinator().onLeader(2, 5);
        awaitLoaded(group);
        assertThat(commit(group, 42)).containsEntry(TP, Errors.NONE);

        coordinator().onNotLeader(2);
        assertThat(failureOf(coordinator().fetchOffsets(group, null))).isInstanceOf(NotCoordinatorException.class);
        assertThat(coordinator().listGroups().get(10, TimeUnit.SECONDS)).isEmpty();

        coordinator().onLeader(2, 6);
        awaitLoaded(group);
        assertThat(coordinator().fetchOffsets(group, null).get(10, TimeUnit.SECONDS).get(TP).offset()).isEqualTo(42);
        assertThat(coordinator().listGroups().get(10, TimeUnit.SECONDS)).extracting(GroupOverview::groupId)
                .containsExactly(group);
    }

    @Test
    void aLoadingShardAnswersLoadInProgress() throws Exception {
        String group = groupOn(0);
        CountDownLatch release = new CountDownLatch(1);
        thread.execute(() -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        coordinator().onLeader(0, 1); // its load waits behind the blocked coordinator thread
        assertThatThrownBy(() -> coordinator().fetchOffsets(group, null).join())
                .hasCauseInstanceOf(CoordinatorLoadInProgressException.class);
        release.countDown();
        awaitLoaded(group);
        assertThat(coordinator().fetchOffsets(group, null).get(10, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void aWriteThatLosesLeadershipAnswersNotCoordinator() throws Exception {
        String group = groupOn(1);
        coordinator().onLeader(1, 0);
        awaitLoaded(group);
        partitions.failWith = new NotCoordinatorException("lost leadership");
        assertThat(commit(group, 7)).containsEntry(TP, Errors.NOT_COORDINATOR);
        partitions.failWith = null;
        assertThat(coordinator().fetchOffsets(group, null).get(10, TimeUnit.SECONDS)).isEmpty();
    }
}
