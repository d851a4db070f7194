package io.samsa.broker.group;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.protocol.Errors;

/**
 * The groups of one coordinator log — on a single node every group, in a cluster those of one
 * {@code __consumer_offsets} partition this broker leads — with the state machine's operations over them and the
 * runtime that runs them. {@link #load} replays the log into the state; {@link #unload} stops the shard when
 * its partition's leadership moves away. Its state is owned by the coordinator thread; the fields are read by
 * {@link GroupCoordinator} only to submit operations through {@link #runtime}.
 */
final class CoordinatorShard {
    final CoordinatorRuntime runtime;
    final GroupStore store;
    final Rebalance rebalance;
    final JoinOperations joins;
    final MembershipOperations membership;
    final OffsetOperations offsets;
    final AdminOperations admin;
    private final CoordinatorTimer timer;

    CoordinatorShard(CoordinatorRuntime runtime, CoordinatorTimer timer, GroupCoordinatorConfig config, Clock clock) {
        this.runtime = runtime;
        this.timer = timer;
        this.store = new GroupStore(config, clock, timer);
        this.rebalance = new Rebalance(store);
        this.joins = new JoinOperations(store, rebalance);
        this.membership = new MembershipOperations(store, rebalance);
        this.offsets = new OffsetOperations(store, rebalance);
        this.admin = new AdminOperations(store);
        runtime.bind(store);
    }

    /** Replays the log into the state and starts the offset-retention pass; completes once loaded. */
    CompletableFuture<Void> load() {
        return runtime.submit(() -> {
            try {
                GroupLoader.load(runtime.log(), store, rebalance);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            offsets.scheduleRetentionPass();
            return CoordinatorResult.of(null);
        });
    }

    /**
     * Stops serving (any thread): queued operations answer NOT_COORDINATOR from now on; then, on the coordinator
     * thread, the timers are cancelled and held JoinGroup and SyncGroup answers are released with NOT_COORDINATOR,
     * so their members look the coordinator up again.
     */
    void unload(java.util.concurrent.Executor coordinatorThread) {
        runtime.stop();
        coordinatorThread.execute(this::releaseEverything);
    }

    private void releaseEverything() {
        if (timer instanceof ScheduledCoordinatorTimer scheduled) {
            scheduled.cancelAll();
        }
        for (ClassicGroup g : store.all()) {
            for (ClassicGroupMember m : g.members()) {
                m.completeJoin(JoinResult.error(m.memberId(), Errors.NOT_COORDINATOR));
                m.completeSync(SyncResult.error(Errors.NOT_COORDINATOR));
            }
        }
    }

    void close() throws IOException {
        runtime.close();
    }
}
