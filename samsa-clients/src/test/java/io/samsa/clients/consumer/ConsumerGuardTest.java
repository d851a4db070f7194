package io.samsa.clients.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ConcurrentModificationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** KafkaConsumer's single-thread and closed rules, kept in one place for every SamsaConsumer method. */
class ConsumerGuardTest {
    private final ConsumerGuard guard = new ConsumerGuard();

    @Test
    void anotherThreadIsRefusedWhileOneIsInsideAndAdmittedAfterItLeft() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch leave = new CountDownLatch(1);
        CompletableFuture<Void> owner = CompletableFuture.runAsync(() -> guard.run(() -> {
            inside.countDown();
            await(leave);
        }));
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> guard.call(() -> 1)).isInstanceOf(ConcurrentModificationException.class)
                .hasMessage("KafkaConsumer is not safe for multi-threaded access");
        leave.countDown();
        owner.get(10, TimeUnit.SECONDS);
        assertThat(guard.call(() -> 2)).isEqualTo(2);
    }

    @Test
    void theOwningThreadMayReenterAndOwnershipEndsWithTheOutermostCall() throws Exception {
        assertThat(guard.call(() -> guard.call(() -> guard.call(() -> 3)))).isEqualTo(3);
        assertThat(CompletableFuture.supplyAsync(() -> guard.call(() -> 4)).get(10, TimeUnit.SECONDS)).isEqualTo(4);
    }

    @Test
    void ownershipIsReleasedWhenTheBodyThrows() throws Exception {
        assertThatThrownBy(() -> guard.run(() -> {
            throw new IllegalArgumentException("bad");
        })).isInstanceOf(IllegalArgumentException.class);
        assertThat(CompletableFuture.supplyAsync(() -> guard.call(() -> 5)).get(10, TimeUnit.SECONDS)).isEqualTo(5);
    }

    @Test
    void afterCloseEveryCallButCloseItselfIsAnIllegalState() throws Exception {
        guard.runEvenIfClosed(guard::markClosed);
        assertThatThrownBy(() -> guard.call(() -> 1)).isInstanceOf(IllegalStateException.class)
                .hasMessage("This consumer has already been closed.");
        boolean[] ran = new boolean[1];
        guard.runEvenIfClosed(() -> ran[0] = true);
        assertThat(ran[0]).isTrue();
        assertThat(CompletableFuture.supplyAsync(() -> {
            guard.runEvenIfClosed(() -> { });
            return true;
        }).get(10, TimeUnit.SECONDS)).as("a refused call left no owner behind").isTrue();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
