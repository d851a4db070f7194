package io.samsa.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A finished or abandoned waiter leaves nothing behind: no timer entry, no partition key, no connection entry. */
class FetchWaitersTest {
    private final FetchWaiters waiters = new FetchWaiters();

    @AfterEach
    void close() {
        waiters.close();
    }

    @Test
    void anAnsweredWaiterLeavesNoTrace() throws Exception {
        AtomicBoolean dataArrived = new AtomicBoolean();
        CompletableFuture<String> answer = waiters.await(1, List.of(FetchWaiters.key("t", 0), FetchWaiters.key("t", 1)),
                Integer.MAX_VALUE, () -> dataArrived.get() ? "data" : null, () -> "expired");
        dataArrived.set(true);
        waiters.onAppend("t", 0);
        assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("data");
        assertThat(waiters.size()).isZero();
        assertThat(waiters.watchedPartitions()).as("partition keys kept").isZero();
        assertNoTimeoutsLeft();
    }

    @Test
    void aWaiterWhoseConnectionClosedIsDropped() {
        CompletableFuture<String> answer = waiters.await(7, List.of(FetchWaiters.key("t", 0)), Integer.MAX_VALUE,
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
        CompletableFuture<String> answer = waiters.await(9, List.of(FetchWaiters.key("t", 0)), Integer.MAX_VALUE,
                () -> null, () -> "expired");
        assertThat(answer).isNotDone();
        assertThat(waiters.size()).isZero();
        assertThat(waiters.watchedPartitions()).isZero();
        assertNoTimeoutsLeft();
        // The close is remembered for that one request only: a later connection with another id is unaffected.
        waiters.await(10, List.of(FetchWaiters.key("t", 0)), Integer.MAX_VALUE, () -> null, () -> "expired");
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
        CompletableFuture<String> answer = waiters.await(7, List.of(FetchWaiters.key("t", 0)), 50,
                () -> null, () -> "expired");
        waiters.connectionClosed(8);
        assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("expired");
    }
}
