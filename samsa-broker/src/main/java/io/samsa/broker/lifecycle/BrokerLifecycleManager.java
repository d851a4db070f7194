package io.samsa.broker.lifecycle;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.apache.kafka.common.errors.StaleBrokerEpochException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.metadata.ControllerApi;
import io.samsa.metadata.ControllerApi.BrokerHeartbeat;
import io.samsa.metadata.ControllerApi.BrokerRegistration;

/**
 * This broker's life as the controller sees it, after Kafka's {@code BrokerLifecycleManager}: register (a new
 * incarnation id per start), then heartbeat every {@code broker.heartbeat.interval.ms} with the metadata offset
 * applied here; the controller unfences the broker once it has caught up and fences it when heartbeats stop for
 * {@code broker.session.timeout.ms}. A registration the controller no longer knows (STALE_BROKER_EPOCH: it was
 * fenced and a newer incarnation or a new controller forgot it) is redone. Controlled shutdown sends
 * {@code wantShutdown} until the controller has moved every leadership away.
 *
 * <p>One thread ({@code samsa-broker-lifecycle}) sends everything, one call at a time; the state read by other
 * threads ({@link #isFenced()}, {@link #brokerEpoch()}) is volatile.
 */
public final class BrokerLifecycleManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrokerLifecycleManager.class);

    private final ControllerApi controller;
    private final BrokerRegistration registration;
    private final LongSupplier appliedMetadataOffset;
    private final long heartbeatIntervalMs;
    private final ScheduledExecutorService thread;
    private final CompletableFuture<ControllerApi.Registered> registered = new CompletableFuture<>();
    private final CompletableFuture<Void> unfenced = new CompletableFuture<>();
    private volatile long brokerEpoch = -1;
    private volatile boolean fenced = true;
    private volatile boolean wantShutdown;
    private volatile CompletableFuture<Void> shutdownGranted;
    private volatile boolean heartbeating;
    private volatile boolean closed;

    public BrokerLifecycleManager(ControllerApi controller, BrokerRegistration registration,
                                  LongSupplier appliedMetadataOffset, long heartbeatIntervalMs) {
        this.controller = controller;
        this.registration = registration;
        this.appliedMetadataOffset = appliedMetadataOffset;
        this.heartbeatIntervalMs = heartbeatIntervalMs;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "samsa-broker-lifecycle");
            t.setDaemon(true);
            return t;
        });
    }

    /** Registers (retrying until a controller answers); the stage completes with the broker epoch. */
    public CompletionStage<ControllerApi.Registered> register() {
        thread.execute(this::sendRegistration);
        return registered;
    }

    /** Starts heartbeating; the stage completes once the controller has unfenced this broker. */
    public CompletionStage<Void> startHeartbeats() {
        heartbeating = true;
        thread.execute(this::heartbeat);
        return unfenced;
    }

    public long brokerEpoch() {
        return brokerEpoch;
    }

    public boolean isFenced() {
        return fenced;
    }

    /**
     * Asks the controller to move this broker's leaderships elsewhere and fence it; the stage completes when the
     * controller says it may shut down (or never, if the controller is unreachable: the caller bounds the wait).
     */
    public CompletionStage<Void> controlledShutdown() {
        CompletableFuture<Void> granted = new CompletableFuture<>();
        shutdownGranted = granted;
        wantShutdown = true;
        if (brokerEpoch < 0) {
            granted.complete(null); // never registered: nothing to move
        } else {
            thread.execute(this::heartbeat);
        }
        return granted;
    }

    private void sendRegistration() {
        if (closed) {
            return;
        }
        controller.registerBroker(registration).whenComplete((result, error) -> {
            if (error != null) {
                log.info("Broker registration failed ({}); retrying", rootMessage(error));
                schedule(this::sendRegistration);
                return;
            }
            brokerEpoch = result.brokerEpoch();
            log.info("Registered broker {} with broker epoch {}", registration.brokerId(), brokerEpoch);
            registered.complete(result);
            if (heartbeating) {
                schedule(this::heartbeat);
            }
        });
    }

    private void heartbeat() {
        if (closed) {
            return;
        }
        long epoch = brokerEpoch;
        controller.heartbeat(new BrokerHeartbeat(registration.brokerId(), epoch, appliedMetadataOffset.getAsLong(),
                wantShutdown)).whenComplete((result, error) -> {
                    if (error != null) {
                        if (unwrap(error) instanceof StaleBrokerEpochException) {
                            log.warn("The controller no longer knows broker epoch {}; registering again", epoch);
                            brokerEpoch = -1;
                            fenced = true;
                            schedule(this::sendRegistration);
                        } else {
                            log.debug("Heartbeat failed: {}", rootMessage(error));
                            schedule(this::heartbeat);
                        }
                        return;
                    }
                    boolean wasFenced = fenced;
                    fenced = result.fenced();
                    if (wasFenced && !fenced) {
                        log.info("Broker {} is unfenced", registration.brokerId());
                        unfenced.complete(null);
                    } else if (!wasFenced && fenced && !wantShutdown) {
                        log.warn("Broker {} was fenced by the controller", registration.brokerId());
                    }
                    CompletableFuture<Void> granted = shutdownGranted;
                    if (granted != null && result.shouldShutDown()) {
                        granted.complete(null);
                        return;
                    }
                    schedule(this::heartbeat);
                });
    }

    private void schedule(Runnable task) {
        if (!closed) {
            try {
                thread.schedule(task, wantShutdown ? Math.min(heartbeatIntervalMs, 100) : heartbeatIntervalMs,
                        TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException ignored) {
                // closing
            }
        }
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String rootMessage(Throwable t) {
        Throwable u = unwrap(t);
        return u.getClass().getSimpleName() + ": " + u.getMessage();
    }

    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
        registered.completeExceptionally(new IllegalStateException("closed"));
        unfenced.completeExceptionally(new IllegalStateException("closed"));
    }
}
