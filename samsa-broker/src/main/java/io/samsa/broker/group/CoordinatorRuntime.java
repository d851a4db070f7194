package io.samsa.broker.group;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the group state machine: every operation, every timer and every commit continuation runs on one
 * thread, {@code samsa-group-coordinator} (the coordinator thread), so group state needs no locks. An operation
 * returns a {@link CoordinatorResult}; the runtime writes its records through the {@link CoordinatorLog} and
 * completes the caller's future only once they are committed, after replaying them into the state machine (on a
 * failed write the state was never changed, and the result's failure branch answers). Callers (request handler
 * threads) get futures and never touch group state.
 *
 * <p>With a log whose appends complete later (replication), operations that run while a write is in flight see
 * the state before it (the committed state); continuations check that what they complete is still current (e.g.
 * the same generation). Continuations change state but do not write.
 *
 * <p>With replication every shard (one per {@code __consumer_offsets} partition this broker leads) has its own
 * runtime, all on the one shared coordinator thread ({@link #onSharedThread}); a shard that is unloaded is
 * {@link #stop stopped}: what is still queued, or comes back from the log, answers NOT_COORDINATOR and its timers
 * no longer run, while the shared thread goes on for the other shards.
 *
 * <p>{@link #callerRuns} is the test mode: operations, timers and continuations run on the calling thread, so a
 * test drives the coordinator step by step with a mock timer.
 */
final class CoordinatorRuntime {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorRuntime.class);
    static final String THREAD_NAME = "samsa-group-coordinator";

    /** The state the committed records are replayed into. */
    interface StateMachine {
        /** Committed records; {@code transaction} non-null when they are part of a producer's transaction. */
        void replay(List<GroupMetadataRecord> records, CoordinatorResult.Transaction transaction);

        /** A committed transaction marker: the producer's transactional records count now, or never. */
        void replayMarker(long producerId, boolean commit);
    }

    private final Executor executor;
    private final ScheduledThreadPoolExecutor thread;
    private final CoordinatorLog coordinatorLog;
    private final boolean ownsThread;
    private volatile boolean stopped;
    private StateMachine stateMachine;

    private CoordinatorRuntime(ScheduledThreadPoolExecutor thread, Executor executor, CoordinatorLog coordinatorLog,
                               boolean ownsThread) {
        this.thread = thread;
        this.executor = executor;
        this.coordinatorLog = coordinatorLog;
        this.ownsThread = ownsThread;
    }

    /** Production: starts the coordinator thread. */
    static CoordinatorRuntime onOwnThread(CoordinatorLog coordinatorLog) {
        ScheduledThreadPoolExecutor t = newThread();
        return new CoordinatorRuntime(t, t, coordinatorLog, true);
    }

    /** The coordinator thread, {@value #THREAD_NAME}: one thread, daemon, cancelled timers leave its queue. */
    static ScheduledThreadPoolExecutor newThread() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, THREAD_NAME);
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

    /** A shard's runtime on the coordinator thread the shards share; {@link #close} leaves that thread running. */
    static CoordinatorRuntime onSharedThread(ScheduledThreadPoolExecutor shared, CoordinatorLog coordinatorLog) {
        return new CoordinatorRuntime(shared, shared, coordinatorLog, false);
    }

    /** Tests: everything runs on the calling thread, which is then the coordinator thread. */
    static CoordinatorRuntime callerRuns(CoordinatorLog coordinatorLog) {
        return new CoordinatorRuntime(null, Runnable::run, coordinatorLog, false);
    }

    /**
     * The shard is unloaded (this broker no longer leads its partition): from now on operations, timers and
     * commit continuations of this runtime answer NOT_COORDINATOR instead of touching the state. Any thread.
     */
    void stop() {
        stopped = true;
    }

    boolean isStopped() {
        return stopped;
    }

    private static NotCoordinatorException notCoordinator() {
        return new NotCoordinatorException("This broker is no longer the coordinator of the group");
    }

    void bind(StateMachine machine) {
        this.stateMachine = machine;
    }

    CoordinatorLog log() {
        return coordinatorLog;
    }

    /** The scheduler of the coordinator thread (null in caller-runs mode, which uses a mock timer). */
    ScheduledThreadPoolExecutor scheduler() {
        return thread;
    }

    /** Runs {@code operation} on the coordinator thread; completes once its records are committed. */
    <T> CompletableFuture<T> submit(Supplier<CoordinatorResult<T>> operation) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                if (stopped) {
                    f.completeExceptionally(notCoordinator());
                    return;
                }
                try {
                    write(operation.get(), f);
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(new CoordinatorNotAvailableException("The group coordinator is shut down"));
        }
        return f;
    }

    /** Runs a fired timer's operation (already on the coordinator thread); failures are logged. */
    void runTimer(CoordinatorTimer.TimerOperation operation) {
        if (stopped) {
            return;
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        try {
            write(operation.run(), f);
        } catch (RuntimeException e) {
            f.completeExceptionally(e);
        }
        f.whenComplete((v, e) -> {
            if (e != null) {
                log.error("Group coordinator timer failed", e);
            }
        });
    }

    private <T> void write(CoordinatorResult<T> result, CompletableFuture<T> f) {
        if (!result.writes()) {
            f.complete(result.committed());
            return;
        }
        CompletionStage<Long> appended;
        try {
            CoordinatorResult.Marker m = result.marker();
            CoordinatorResult.Transaction txn = result.transaction();
            if (m != null) {
                appended = coordinatorLog.appendMarker(m.producerId(), m.producerEpoch(), m.commit(),
                        m.coordinatorEpoch());
            } else if (txn != null) {
                appended = coordinatorLog.appendTransactional(result.records(), txn.producerId(), txn.producerEpoch());
            } else {
                appended = coordinatorLog.append(result.records());
            }
        } catch (RuntimeException e) {
            appended = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Long> done = appended.toCompletableFuture();
        if (done.isDone()) {
            // The local log: committed (or failed) already, answer in this turn of the coordinator thread.
            afterAppend(result, f, done);
        } else {
            done.whenComplete((o, e) -> {
                try {
                    executor.execute(() -> afterAppend(result, f, done));
                } catch (RejectedExecutionException rejected) {
                    f.completeExceptionally(new CoordinatorNotAvailableException("The group coordinator is shut down"));
                }
            });
        }
    }

    private <T> void afterAppend(CoordinatorResult<T> result, CompletableFuture<T> f, CompletableFuture<Long> appended) {
        try {
            if (stopped) {
                // Unloaded meanwhile: the state is gone; whether or not the write made it, the client asks anew.
                f.complete(result.failed(notCoordinator()));
                return;
            }
            if (appended.isCompletedExceptionally()) {
                Throwable error = appended.handle((o, e) -> e).join();
                Errors code = CoordinatorResult.writeError(error);
                if (code == Errors.NOT_COORDINATOR || code == Errors.INVALID_PRODUCER_EPOCH
                        || code == Errors.INVALID_TXN_STATE || code == Errors.TRANSACTION_COORDINATOR_FENCED) {
                    // Leadership moved, or a fenced or confused producer: the client is told, nothing is wrong here.
                    log.info("Could not write {} group metadata records: {}", result.records().size(), error.toString());
                } else {
                    log.error("Could not write {} group metadata records", result.records().size(), error);
                }
                f.complete(result.failed(error));
                return;
            }
            if (result.marker() != null) {
                stateMachine.replayMarker(result.marker().producerId(), result.marker().commit());
            } else {
                stateMachine.replay(result.records(), result.transaction());
            }
            T response = result.committed();
            f.complete(response);
        } catch (Throwable e) {
            f.completeExceptionally(e);
        }
    }

    /** Stops the coordinator thread (waiting for the running operation); then closes the log. */
    void close() throws IOException {
        if (thread != null && !ownsThread) {
            stopped = true; // a shard on the shared thread
        }
        if (thread != null && ownsThread) {
            thread.shutdownNow();
            try {
                thread.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        coordinatorLog.close();
    }
}
