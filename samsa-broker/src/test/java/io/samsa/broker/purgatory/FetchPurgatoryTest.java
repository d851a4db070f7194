package io.samsa.broker.purgatory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

import io.samsa.broker.purgatory.FetchPurgatory.Watch;
import io.samsa.broker.replica.PartitionKey;
import io.samsa.log.FetchIsolation;

/** A finished or abandoned waiter leaves nothing behind: no timer entry, no partition key, no connection entry. */
class FetchPurgatoryTest {
    private static final Uuid TOPIC = Uuid.randomUuid();
    private final FetchPurgatory waiters = new FetchPurgatory();

    @AfterEach
    void close() {
        waiters.close();
    }

    @Test
    void anAnsweredWaiterLeavesNoTrace() throws Exception {
        AtomicBoolean dataArrived = new AtomicBoolean();
        CompletableFuture<String> answer = waiters.await(1, List.of(consumer(0), consumer(1)),
                Integer.MAX_VALUE, () -> dataArrived.get() ? "data" : null, () -> "expired");
        dataArrived.set(true);
        waiters.onHighWatermarkAdvanced(new PartitionKey(TOPIC, 0));
        assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("data");
        assertThat(waiters.size()).isZero();
        assertThat(waiters.watchedPartitions()).as("partition keys kept").isZero();
        assertNoTimeoutsLeft();
    }

    @Test
    void aWaiterWhoseConnectionClosedIsDropped() {
        CompletableFuture<String> answer = waiters.await(7, List.of(consumer(0)), Integer.MAX_VALUE,
                () -> null, () -> "expired");
        waiters.connectionClosed(7);
        assertThat(answer).isNotDone();
        assertThat(waiters.size()).isZero();
        assertThat(waiters.watchedPartitions()).isZero();
        assertNoTimeoutsLeft();
    }

    @Test
    void aFetchThatBecomesAWaiterAfterItsConnectionClosedIsDropped() {
        // With request handler threads, the close can be seen before the queued fetch reaches await.
        waiters.connectionClosed(9);
        CompletableFuture<String> answer = waiters.await(9, List.of(consumer(0)), Integer.MAX_VALUE,
                () -> null, () -> "expired");
        assertThat(answer).isNotDone();
        assertThat(waiters.size()).isZero();
        assertThat(waiters.watchedPartitions()).isZero();
        assertNoTimeoutsLeft();
        // The close is remembered for that one request only: a later connection with another id is unaffected.
        waiters.await(10, List.of(consumer(0)), Integer.MAX_VALUE, () -> null, () -> "expired");
        assertThat(waiters.size()).isOne();
    }

    /** Waits for the re-read queued at registration to run; then only timeouts could be left in the queue. */
    private void assertNoTimeoutsLeft() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (waiters.pendingTimeouts() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(waiters.pendingTimeouts()).as("timeouts kept in the timer queue").isZero();
    }

    @Test
    void anotherConnectionClosingLeavesAWaiterAlone() throws Exception {
        CompletableFuture<String> answer = waiters.await(7, List.of(consumer(0)), 50,
                () -> null, () -> "expired");
        waiters.connectionClosed(8);
        assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("expired");
    }

    @Test
    void consumersWakeOnTheHighWatermarkAndFollowersOnTheLogEnd() throws Exception {
        AtomicBoolean dataArrived = new AtomicBoolean(true);
        CompletableFuture<String> consumer = waiters.await(1, List.of(consumer(0)), Integer.MAX_VALUE,
                () -> dataArrived.get() ? "consumer" : null, () -> "expired");
        CompletableFuture<String> follower = waiters.await(2, List.of(follower(0)), Integer.MAX_VALUE,
                () -> dataArrived.get() ? "follower" : null, () -> "expired");
        // Both re-read once at registration; with data there already, both answer.
        assertThat(consumer.get(10, TimeUnit.SECONDS)).isEqualTo("consumer");
        assertThat(follower.get(10, TimeUnit.SECONDS)).isEqualTo("follower");

        dataArrived.set(false);
        CompletableFuture<String> waitingConsumer = waiters.await(3, List.of(consumer(0)), Integer.MAX_VALUE,
                () -> dataArrived.get() ? "consumer" : null, () -> "expired");
        CompletableFuture<String> waitingFollower = waiters.await(4, List.of(follower(0)), Integer.MAX_VALUE,
                () -> dataArrived.get() ? "follower" : null, () -> "expired");
        awaitWatched(2);
        dataArrived.set(true);
        waiters.onLogEndAdvanced(new PartitionKey(TOPIC, 0));
        assertThat(waitingFollower.get(10, TimeUnit.SECONDS)).isEqualTo("follower");
        assertThat(waitingConsumer).as("a log end advance does not wake a consumer").isNotDone();
        waiters.onHighWatermarkAdvanced(new PartitionKey(TOPIC, 1));
        assertThat(waitingConsumer).as("another partition's advance does not wake it").isNotDone();
        waiters.onHighWatermarkAdvanced(new PartitionKey(TOPIC, 0));
        assertThat(waitingConsumer.get(10, TimeUnit.SECONDS)).isEqualTo("consumer");
    }

    /** Waits until {@code n} partition watches are registered and the registration re-reads ran. */
    private void awaitWatched(int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((waiters.watchedPartitions() != n || waiters.pendingTimeouts() != n) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(waiters.watchedPartitions()).isEqualTo(n);
    }

    private static Watch consumer(int partition) {
        return new Watch(new PartitionKey(TOPIC, partition), FetchIsolation.HIGH_WATERMARK);
    }

    private static Watch follower(int partition) {
        return new Watch(new PartitionKey(TOPIC, partition), FetchIsolation.LOG_END);
    }
}
