package io.samsa.broker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.samsa.network.server.FrameHandler;
import io.samsa.network.server.FrameHandler.ClientAddress;
import io.samsa.network.server.Session;
import io.samsa.protocol.ResponseSend;

/** The pool's own contract: off the caller's thread, survives a failing request, back-pressure when full. */
class RequestHandlerPoolTest {
    private static final Session CLIENT = Session.anonymous(new ClientAddress("127.0.0.1", 1, 1));
    private static final long WAIT_S = 30;

    @Test
    void runsRequestsOnHandlerThreadsAndSurvivesAnErrorInOne() throws Exception {
        AtomicReference<String> ranOn = new AtomicReference<>();
        FrameHandler target = (frame, client) -> {
            if (frame.get(0) == 1) {
                throw new StackOverflowError("a request that blows up its thread");
            }
            ranOn.set(Thread.currentThread().getName());
            return CompletableFuture.completedFuture(null);
        };
        RequestMetrics metrics = new RequestMetrics();
        RequestHandlerPool pool = new RequestHandlerPool(target, 1, 10, metrics);
        try {
            CompletableFuture<ResponseSend> failed = pool.handle(frame(1), CLIENT).toCompletableFuture();
            assertThatThrownBy(() -> failed.get(WAIT_S, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(StackOverflowError.class);
            pool.handle(frame(0), CLIENT).toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS);
            assertThat(ranOn.get()).isEqualTo("samsa-request-handler-0");
            assertThat(metrics.dequeued()).isEqualTo(2);
        } finally {
            pool.close();
        }
    }

    @Test
    void aFullQueueBlocksTheCallerUntilAHandlerTakesARequest() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstStarted = new CountDownLatch(1);
        FrameHandler target = (frame, client) -> {
            firstStarted.countDown();
            await(release);
            return CompletableFuture.completedFuture(null);
        };
        RequestMetrics metrics = new RequestMetrics();
        RequestHandlerPool pool = new RequestHandlerPool(target, 1, 1, metrics);
        try {
            CompletionStage<ResponseSend> running = pool.handle(frame(0), CLIENT);
            assertThat(firstStarted.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
            CompletionStage<ResponseSend> queued = pool.handle(frame(0), CLIENT);
            assertThat(metrics.queueSize()).isEqualTo(1);
            Thread caller = new Thread(() -> pool.handle(frame(0), CLIENT), "network-thread-stand-in");
            caller.start();
            awaitState(caller, Thread.State.WAITING);
            release.countDown();
            caller.join(TimeUnit.SECONDS.toMillis(WAIT_S));
            assertThat(caller.isAlive()).as("caller still blocked after the queue drained").isFalse();
            running.toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS);
            queued.toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            pool.close();
        }
    }

    @Test
    void closeFailsWhatIsStillQueuedAndRefusesNewRequests() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstStarted = new CountDownLatch(1);
        FrameHandler target = (frame, client) -> {
            firstStarted.countDown();
            await(release);
            return CompletableFuture.completedFuture(null);
        };
        RequestHandlerPool pool = new RequestHandlerPool(target, 1, 10, new RequestMetrics());
        CompletionStage<ResponseSend> running = pool.handle(frame(0), CLIENT);
        assertThat(firstStarted.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
        CompletionStage<ResponseSend> queued = pool.handle(frame(0), CLIENT);
        Thread closer = new Thread(pool::close, "closer");
        closer.start();
        awaitState(closer, Thread.State.TIMED_WAITING); // joining the busy handler thread: closed is set
        release.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(WAIT_S));
        running.toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS);
        assertThat(queued.toCompletableFuture()).failsWithin(WAIT_S, TimeUnit.SECONDS);
        assertThat(pool.handle(frame(0), CLIENT).toCompletableFuture()).isCompletedExceptionally();
    }

    private static ByteBuffer frame(int marker) {
        return ByteBuffer.wrap(new byte[] {(byte) marker});
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(WAIT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitState(Thread t, Thread.State state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (t.getState() != state && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(t.getState()).as("state of " + t.getName()).isEqualTo(state);
    }
}
