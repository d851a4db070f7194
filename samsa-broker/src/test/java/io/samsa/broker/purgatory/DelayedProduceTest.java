package io.samsa.broker.purgatory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.purgatory.DelayedProduce.PartitionAck;
import io.samsa.broker.replica.Batches;
import io.samsa.broker.replica.LeaderAndIsr;
import io.samsa.broker.replica.Partition;
import io.samsa.broker.replica.PartitionKey;
import io.samsa.log.AppendResult;
import io.samsa.log.Log;
import io.samsa.log.LogConfig;

/**
 * acks=all against partitions whose ISR has a second, fake replica: this test plays the follower, advancing its
 * log end offset by hand, so the high watermark — and the produce waiting for it — moves only when told.
 */
class DelayedProduceTest {
    private static final int SELF = 1;
    private static final int FOLLOWER = 2;
    private static final long NO_TIMEOUT = TimeUnit.HOURS.toMillis(1);
    private static final Uuid TOPIC = Uuid.randomUuid();

    @TempDir
    Path dir;
    private final ProducePurgatory purgatory = new ProducePurgatory();
    private final List<Log> logs = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        purgatory.close();
        for (Log l : logs) {
            l.close();
        }
    }

    @Test
    void completesWhenTheFollowerCatchesUpAndNotBefore() throws Exception {
        Partition p = replicatedPartition(0);
        CompletableFuture<List<Errors>> acked = produce(p, 3, NO_TIMEOUT);
        assertThat(acked).isNotDone();
        assertThat(purgatory.size()).isOne();

        p.updateFollowerFetchState(FOLLOWER, 2);
        assertThat(acked).as("the follower has 2 of 3 records").isNotDone();
        p.updateFollowerFetchState(FOLLOWER, 3);
        assertThat(acked).as("completed by the advancing thread itself").isCompleted();
        assertThat(acked.join()).containsExactly(Errors.NONE);
        assertNoTrace();
    }

    @Test
    void producesCompleteInTheOrderTheHighWatermarkPassesThem() throws Exception {
        Partition p = replicatedPartition(0);
        CompletableFuture<List<Errors>> first = produce(p, 3, NO_TIMEOUT);   // offsets 0-2: needs HW 3
        CompletableFuture<List<Errors>> second = produce(p, 3, NO_TIMEOUT);  // offsets 3-5: needs HW 6
        List<String> completions = new ArrayList<>();
        first.thenRun(() -> completions.add("first"));
        second.thenRun(() -> completions.add("second"));

        p.updateFollowerFetchState(FOLLOWER, 3);
        assertThat(first).isCompleted();
        assertThat(second).isNotDone();
        p.updateFollowerFetchState(FOLLOWER, 6);
        assertThat(second.join()).containsExactly(Errors.NONE);
        assertThat(completions).containsExactly("first", "second");
        assertNoTrace();
    }

    @Test
    void aProduceToTwoPartitionsWaitsForBoth() throws Exception {
        Partition a = replicatedPartition(0);
        Partition b = replicatedPartition(1);
        long requiredA = a.appendAsLeader(Batches.of(2)).lastOffset() + 1;
        long requiredB = b.appendAsLeader(Batches.of(4)).lastOffset() + 1;
        CompletableFuture<List<Errors>> acked = purgatory.await(new DelayedProduce(List.of(
                new PartitionAck(a, requiredA), new PartitionAck(b, requiredB))), NO_TIMEOUT);

        b.updateFollowerFetchState(FOLLOWER, 4);
        assertThat(acked).isNotDone();
        a.updateFollowerFetchState(FOLLOWER, 2);
        assertThat(acked.join()).containsExactly(Errors.NONE, Errors.NONE);
        assertNoTrace();
    }

    @Test
    void timesOutPerPartitionOnThePurgatoryThread() throws Exception {
        Partition caughtUp = replicatedPartition(0);
        Partition lagging = replicatedPartition(1);
        long requiredA = caughtUp.appendAsLeader(Batches.of(1)).lastOffset() + 1;
        long requiredB = lagging.appendAsLeader(Batches.of(1)).lastOffset() + 1;
        DelayedProduce produce = new DelayedProduce(List.of(
                new PartitionAck(caughtUp, requiredA), new PartitionAck(lagging, requiredB)));
        // Attached before it can complete, so it runs on the completing thread.
        CompletableFuture<String> completedOn = produce.result().thenApply(r -> Thread.currentThread().getName());
        CompletableFuture<List<Errors>> acked = purgatory.await(produce, 50);
        caughtUp.updateFollowerFetchState(FOLLOWER, 1);

        assertThat(acked.get(10, TimeUnit.SECONDS)).containsExactly(Errors.NONE, Errors.REQUEST_TIMED_OUT);
        assertThat(completedOn.join()).isEqualTo("samsa-produce-purgatory");
        assertNoTrace();
        lagging.updateFollowerFetchState(FOLLOWER, 1); // a late advance finds nothing to complete
        assertThat(acked.join()).containsExactly(Errors.NONE, Errors.REQUEST_TIMED_OUT);
    }

    @Test
    void aLoneLeaderAcknowledgesAtOnceWithoutWaiting() throws Exception {
        Partition p = partition(0, LeaderAndIsr.singleNode(SELF));
        CompletableFuture<List<Errors>> acked = produce(p, 5, NO_TIMEOUT);
        assertThat(acked).isCompleted();
        assertThat(acked.join()).containsExactly(Errors.NONE);
        assertThat(purgatory.pendingTimeouts()).as("nothing was scheduled").isZero();
        assertNoTrace();
    }

    private CompletableFuture<List<Errors>> produce(Partition p, int records, long timeoutMs) {
        AppendResult appended = p.appendAsLeader(Batches.of(records));
        return purgatory.await(new DelayedProduce(List.of(new PartitionAck(p, appended.lastOffset() + 1))), timeoutMs);
    }

    private void assertNoTrace() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (purgatory.pendingTimeouts() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(purgatory.size()).isZero();
        assertThat(purgatory.watchedPartitions()).isZero();
        assertThat(purgatory.pendingTimeouts()).isZero();
    }

    private Partition replicatedPartition(int index) throws Exception {
        return partition(index, new LeaderAndIsr(SELF, 0, List.of(SELF, FOLLOWER), List.of(SELF, FOLLOWER)));
    }

    private Partition partition(int index, LeaderAndIsr state) throws Exception {
        Log log = Log.open(dir.resolve("t-" + index), LogConfig.DEFAULTS, Clock.systemUTC(), 0, true);
        logs.add(log);
        return new Partition(new PartitionKey(TOPIC, index), "t", SELF, state, log, purgatory);
    }
}
