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

        // Waiting on the dependent first: a thread blocked in acked.get() may itself run acked's dependents.
        assertThat(completedOn.get(10, TimeUnit.SECONDS)).isEqualTo("samsa-produce-purgatory");
        assertThat(acked.join()).containsExactly(Errors.NONE, Errors.REQUEST_TIMED_OUT);
        assertNoTrace();
        lagging.updateFollowerFetchState(FOLLOWER, 1); // a late advance finds nothing to complete
        assertThat(acked.join()).containsExactly(Errors.NONE, Errors.REQUEST_TIMED_OUT);
    }

    @Test
    void aLeaderThatLosesLeadershipFailsItsWaitingProducesWithNotLeaderOrFollower() throws Exception {
        Partition p = replicatedPartition(0);
        CompletableFuture<List<Errors>> acked = produce(p, 3, NO_TIMEOUT);
        assertThat(acked).isNotDone();
        p.makeFollower(new LeaderAndIsr(FOLLOWER, 1, List.of(SELF, FOLLOWER), List.of(FOLLOWER), 1));
        assertThat(acked).as("woken by the change of state").isCompleted();
        assertThat(acked.join()).containsExactly(Errors.NOT_LEADER_OR_FOLLOWER);
        assertNoTrace();
    }

    @Test
    void anIsrThatShrankBelowMinInsyncReplicasWhileWaitingGivesNotEnoughReplicasAfterAppend() throws Exception {
        Partition p = replicatedPartition(0);
        long required = p.appendAsLeader(Batches.of(2)).lastOffset() + 1;
        CompletableFuture<List<Errors>> acked = purgatory.await(
                new DelayedProduce(List.of(new PartitionAck(p, required, 2))), NO_TIMEOUT);
        assertThat(acked).isNotDone();
        // The follower leaves the ISR (same leader epoch, newer partition epoch): the leader alone has it all.
        p.makeLeader(new LeaderAndIsr(SELF, 0, List.of(SELF, FOLLOWER), List.of(SELF), 1));
        assertThat(acked).isCompleted();
        assertThat(acked.join()).containsExactly(Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
        assertNoTrace();
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

    /**
     * Many acks=all produces registering while others complete and leave, on one partition: none may be lost. A
     * produce that registers into a partition's watcher set just as the last other waiter empties it and the set is
     * dropped would never be woken, and would answer REQUEST_TIMED_OUT after its whole timeout (seen in a 3-node
     * benchmark: acks=all writes stalled for 30 s).
     */
    @Test
    void noProduceIsLostWhileOthersCompleteConcurrently() throws Exception {
        Partition p = replicatedPartition(0);
        int producers = 8;
        int perProducer = 25_000;
        List<CompletableFuture<List<Errors>>> all = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread follower = new Thread(() -> {
            while (writing.get()) {
                p.updateFollowerFetchState(FOLLOWER, p.logEndOffset());
            }
        });
        follower.start();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < producers; w++) {
            Thread t = new Thread(() -> {
                for (int i = 0; i < perProducer; i++) {
                    all.add(produce(p, 1, NO_TIMEOUT));
                }
            });
            writers.add(t);
            t.start();
        }
        for (Thread t : writers) {
            t.join();
        }
        writing.set(false);
        follower.join();
        p.updateFollowerFetchState(FOLLOWER, p.logEndOffset()); // the follower has everything
        long lost = all.stream().filter(f -> !f.isDone()).count();
        assertThat(lost).as("produces left waiting although the high watermark passed them").isZero();
        assertNoTrace();
    }

    private CompletableFuture<List<Errors>> produce(Partition p, int records, long timeoutMs) {
        AppendResult appended = p.appendAsLeader(Batches.of(records));
        return purgatory.await(new DelayedProduce(List.of(new PartitionAck(p, appended.lastOffset() + 1))), timeoutMs);
    }

    /** The purgatory forgets a completed produce right after completing it, maybe on its own thread: poll. */
    private void assertNoTrace() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((purgatory.pendingTimeouts() > 0 || purgatory.size() > 0 || purgatory.watchedPartitions() > 0)
                && System.nanoTime() < deadline) {
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
