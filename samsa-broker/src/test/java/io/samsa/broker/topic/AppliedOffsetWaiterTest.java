package io.samsa.broker.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class AppliedOffsetWaiterTest {
    @Test
    void waitsUntilTheOffsetIsAppliedAndNoLonger() throws Exception {
        AppliedOffsetWaiter waiter = new AppliedOffsetWaiter(4, 60_000);
        assertThat(waiter.await(4).toCompletableFuture()).isDone();
        CompletableFuture<Void> six = waiter.await(6).toCompletableFuture();
        CompletableFuture<Void> seven = waiter.await(7).toCompletableFuture();
        waiter.applied(5);
        assertThat(six).isNotDone();
        waiter.applied(6);
        six.get(30, TimeUnit.SECONDS);
        assertThat(seven).isNotDone();
        waiter.applied(9);
        seven.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aNodeThatNeverCatchesUpAnswersRequestTimedOut() {
        AppliedOffsetWaiter waiter = new AppliedOffsetWaiter(-1, 1);
        assertThatThrownBy(() -> waiter.await(3).toCompletableFuture().get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutException.class);
    }
}
