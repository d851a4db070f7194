package io.samsa.metadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active controller of a cluster: {@link MetadataController} driven by ONE thread, {@code samsa-controller},
 * that takes calls from a queue and runs each to the end — validate, write, wait until the log has applied it —
 * before the next, so every validation sees every earlier write (a Ratis append completes after its commit is
 * applied here). Between calls it expires broker sessions every {@code sessionCheckIntervalMs} and runs the
 * preferred leader election every {@code leader.imbalance.check.interval.seconds}.
 * <p>
 * Life cycle: inactive → {@link #onBecomeActive} (this node leads the quorum: the thread starts, every registered
 * broker gets a fresh session) → {@link #onResign} (the thread stops; queued and running calls fail with
 * NOT_CONTROLLER, which {@link RemoteController} retries at the new leader). Calls while inactive fail the same
 * way. Time for sessions is the injected clock; tests run {@link #tick} and {@link #electPreferredLeaders} by
 * hand with periodic work turned off (interval 0).
 */
public final class ControllerEventLoop implements ControllerApi {
    private static final Logger log = LoggerFactory.getLogger(ControllerEventLoop.class);
    /** Session expiry checks: a tenth of Samsa's 2 s session timeout, so fencing is late by ≤100 ms. */
    public static final long DEFAULT_SESSION_CHECK_INTERVAL_MS = 100;
    /** Kafka's {@code leader.imbalance.check.interval.seconds} default, 300 s. */
    public static final long DEFAULT_LEADER_IMBALANCE_CHECK_INTERVAL_MS = 300_000;
    /** How long one write may take to commit before the call fails (the quorum lost its leader meanwhile). */
    public static final long WRITE_TIMEOUT_MS = 30_000;

    private final MetadataController controller;
    private final LongSupplier clock;
    private final long sessionCheckIntervalMs;
    private final long leaderImbalanceCheckIntervalMs;
    private Loop loop; // guarded by this; null while inactive

    public ControllerEventLoop(MetadataController controller, LongSupplier clock, long sessionCheckIntervalMs,
                               long leaderImbalanceCheckIntervalMs) {
        this.controller = controller;
        this.clock = clock;
        this.sessionCheckIntervalMs = sessionCheckIntervalMs;
        this.leaderImbalanceCheckIntervalMs = leaderImbalanceCheckIntervalMs;
    }

    /** This node became the quorum leader: start the controller thread. */
    public synchronized void onBecomeActive() {
        onBecomeActive(Map.of());
    }

    /**
     * As {@link #onBecomeActive()}, knowing when some brokers were last heard from (on the session clock, before
     * now): their sessions count from then, not from now (see {@link MetadataController#onBecomeActive}).
     */
    public synchronized void onBecomeActive(Map<Integer, Long> lastContactMs) {
        if (loop != null) {
            return;
        }
        loop = new Loop();
        long now = clock.getAsLong();
        loop.queue.add(new Event<>(() -> {
            controller.onBecomeActive(now, lastContactMs);
            return CompletableFuture.completedFuture(null);
        }, new CompletableFuture<>()));
        Thread t = new Thread(loop, "samsa-controller");
        t.setDaemon(true);
        loop.thread = t;
        t.start();
        log.info("Controller active on node {}", controller.settings().nodeId());
    }

    /** This node no longer leads the quorum: stop the thread and fail whatever was waiting. */
    public void onResign() {
        Loop stopping;
        synchronized (this) {
            stopping = loop;
            loop = null;
            if (stopping == null) {
                return;
            }
            stopping.running = false;
            stopping.thread.interrupt();
            List<Event<?>> pending = new ArrayList<>();
            stopping.queue.drainTo(pending);
            pending.forEach(e -> e.result.completeExceptionally(notController()));
        }
        try {
            stopping.thread.join(WRITE_TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("Controller resigned on node {}", controller.settings().nodeId());
    }

    public synchronized boolean isActive() {
        return loop != null;
    }

    /** The image the controller validates against (this node's applied metadata). */
    public MetadataImage image() {
        return controller.image();
    }

    @Override
    public CompletionStage<TopicResult> createTopic(CreateTopic request) {
        return submit(() -> controller.createTopic(request));
    }

    @Override
    public CompletionStage<TopicResult> deleteTopic(String name) {
        return submit(() -> controller.deleteTopic(name));
    }

    @Override
    public CompletionStage<TopicResult> createPartitions(String name, int newCount, boolean validateOnly) {
        return submit(() -> controller.createPartitions(name, newCount, validateOnly));
    }

    @Override
    public CompletionStage<Long> alterTopicConfigs(AlterTopicConfigs request) {
        return submit(() -> controller.alterTopicConfigs(request));
    }

    @Override
    public CompletionStage<Long> alterBrokerConfigs(AlterBrokerConfigs request) {
        return submit(() -> controller.alterBrokerConfigs(request));
    }

    @Override
    public CompletionStage<ScramResult> alterScramCredentials(AlterScramCredentials request) {
        return submit(() -> controller.alterScramCredentials(request));
    }

    @Override
    public CompletionStage<AclCreateResult> createAcls(List<NewAcl> bindings) {
        return submit(() -> controller.createAcls(bindings));
    }

    @Override
    public CompletionStage<AclDeleteResult> deleteAcls(List<AclBindingFilter> filters) {
        return submit(() -> controller.deleteAcls(filters));
    }

    @Override
    public CompletionStage<QuotaResult> alterClientQuotas(List<ClientQuotaAlteration> entries, boolean validateOnly) {
        return submit(() -> controller.alterClientQuotas(entries, validateOnly));
    }

    @Override
    public CompletionStage<ProducerIdsResult> allocateProducerIds(int brokerId) {
        return submit(() -> controller.allocateProducerIds(brokerId));
    }

    @Override
    public CompletionStage<Registered> registerBroker(BrokerRegistration request) {
        return submit(() -> controller.registerBroker(request));
    }

    @Override
    public CompletionStage<HeartbeatResult> heartbeat(BrokerHeartbeat request) {
        return submit(() -> controller.heartbeat(request));
    }

    @Override
    public CompletionStage<PartitionResult> alterPartition(AlterPartition request) {
        return submit(() -> controller.alterPartition(request));
    }

    /** Session expiry now (what the periodic check runs); completes with the offset after it. */
    public CompletionStage<Long> tick() {
        return submit(() -> controller.tick(clock.getAsLong()));
    }

    /** Preferred leader election now (what the periodic check runs). */
    public CompletionStage<Long> electPreferredLeaders() {
        return submit(controller::electPreferredLeaders);
    }

    private synchronized <T> CompletionStage<T> submit(Supplier<CompletionStage<T>> call) {
        if (loop == null) {
            return CompletableFuture.failedFuture(notController());
        }
        Event<T> event = new Event<>(call, new CompletableFuture<>());
        loop.queue.add(event);
        return event.result;
    }

    private NotControllerException notController() {
        return new NotControllerException("Node " + controller.settings().nodeId() + " is not the active controller.");
    }

    /** A call and who waits for it. */
    private record Event<T>(Supplier<CompletionStage<T>> call, CompletableFuture<T> result) {
        /** Runs the call and waits for its write to be applied; false if interrupted (resigning). */
        boolean run() {
            try {
                result.complete(call.get().toCompletableFuture().get(WRITE_TIMEOUT_MS, TimeUnit.MILLISECONDS));
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                result.completeExceptionally(cause instanceof MetadataConflictException c ? c.toApiException() : cause);
            } catch (TimeoutException e) {
                result.completeExceptionally(Errors.REQUEST_TIMED_OUT.exception("The metadata write did not commit within "
                        + WRITE_TIMEOUT_MS + " ms."));
            } catch (InterruptedException e) {
                result.completeExceptionally(new NotControllerException("The controller resigned."));
                return false;
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
            return true;
        }
    }

    /** The controller thread: queued calls first, periodic work when it is due. */
    private final class Loop implements Runnable {
        final BlockingQueue<Event<?>> queue = new LinkedBlockingQueue<>();
        volatile boolean running = true;
        Thread thread;

        @Override
        public void run() {
            long nextSessionCheck = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(sessionCheckIntervalMs);
            long nextPreferred = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(leaderImbalanceCheckIntervalMs);
            while (running) {
                try {
                    long now = System.nanoTime();
                    long wait = Long.MAX_VALUE;
                    if (sessionCheckIntervalMs > 0) {
                        wait = Math.min(wait, nextSessionCheck - now);
                    }
                    if (leaderImbalanceCheckIntervalMs > 0) {
                        wait = Math.min(wait, nextPreferred - now);
                    }
                    Event<?> event = queue.poll(Math.max(0, wait), TimeUnit.NANOSECONDS);
                    if (event != null && !event.run()) {
                        return;
                    }
                    now = System.nanoTime();
                    if (sessionCheckIntervalMs > 0 && now - nextSessionCheck >= 0) {
                        nextSessionCheck = now + TimeUnit.MILLISECONDS.toNanos(sessionCheckIntervalMs);
                        runPeriodic(() -> controller.tick(clock.getAsLong()));
                    }
                    if (leaderImbalanceCheckIntervalMs > 0 && now - nextPreferred >= 0) {
                        nextPreferred = now + TimeUnit.MILLISECONDS.toNanos(leaderImbalanceCheckIntervalMs);
                        runPeriodic(controller::electPreferredLeaders);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    log.error("Controller event loop error", e);
                }
            }
        }

        private void runPeriodic(Supplier<CompletionStage<Long>> work) {
            Event<Long> event = new Event<>(work, new CompletableFuture<>());
            if (event.run()) {
                event.result.whenComplete((offset, error) -> {
                    if (error != null) {
                        log.warn("Periodic controller work failed: {}", error.toString());
                    }
                });
            } else {
                running = false;
            }
        }
    }
}
