package io.samsa.broker.group;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.testkit.MutableClock;

/**
 * Drives a {@link GroupCoordinator} directly, as the handlers would, deterministically: the runtime runs every
 * operation on the test thread ({@link CoordinatorRuntime#callerRuns}), timers fire only when the test moves
 * {@link #timer} (which moves {@link #clock}), and {@link #log} can be told to fail appends. Moving {@link #clock}
 * alone moves time without firing timers (offset retention is a separate pass the test runs).
 */
final class CoordinatorHarness implements AutoCloseable {
    final MutableClock clock = new MutableClock();
    final MockCoordinatorTimer timer = new MockCoordinatorTimer(clock);
    final Path dir;
    final GroupCoordinatorConfig config;
    FaultyCoordinatorLog log;
    GroupCoordinator coordinator;

    CoordinatorHarness(Path dir, GroupCoordinatorConfig config) throws IOException {
        this.dir = dir;
        this.config = config;
        open();
    }

    private void open() throws IOException {
        log = new FaultyCoordinatorLog(LocalTestCoordinatorLog.open(dir, clock));
        CoordinatorRuntime runtime = CoordinatorRuntime.callerRuns(log);
        timer.runWith(runtime::runTimer);
        coordinator = GroupCoordinator.start(runtime, timer, config, clock);
    }

    /** Test defaults: no initial delay, session timeouts from 10 ms allowed. */
    static GroupCoordinatorConfig fastConfig() {
        return GroupCoordinatorConfig.DEFAULTS.withInitialRebalanceDelayMs(0).withSessionTimeoutBounds(10, 1_800_000);
    }

    /** Closes and reopens the coordinator on the same directory (a broker restart); pending timers are dropped. */
    void restart() throws IOException {
        coordinator.close();
        timer.scheduledKeys().forEach(timer::cancel);
        open();
    }

    static byte[] subscription(String... topics) {
        ByteBuffer b = ConsumerProtocol.serializeSubscription(new ConsumerPartitionAssignor.Subscription(List.of(topics)));
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    static JoinRequest joinRequest(String group, String memberId, String instanceId, int sessionMs, int rebalanceMs,
                                   String... topics) {
        return new JoinRequest(group, memberId, instanceId, "client", "/127.0.0.1", sessionMs, rebalanceMs, "consumer",
                List.of(new Protocol("range", subscription(topics))), true, true, null);
    }

    /** A JoinGroup; then the timers already due run (a zero initial delay), as on the coordinator thread. */
    CompletableFuture<JoinResult> join(JoinRequest r) {
        CompletableFuture<JoinResult> f = coordinator.joinGroup(r);
        timer.advance(0);
        return f;
    }

    /** A new dynamic member: MEMBER_ID_REQUIRED, then the join with that id (not awaited). */
    CompletableFuture<JoinResult> joinNew(String group, int sessionMs, int rebalanceMs, String... topics) throws Exception {
        JoinResult first = get(join(joinRequest(group, "", null, sessionMs, rebalanceMs, topics)));
        if (first.error() != Errors.MEMBER_ID_REQUIRED) {
            throw new AssertionError("Expected MEMBER_ID_REQUIRED, got " + first);
        }
        return join(joinRequest(group, first.memberId(), null, sessionMs, rebalanceMs, topics));
    }

    SyncResult sync(String group, JoinResult joined, Map<String, byte[]> assignments) throws Exception {
        return get(coordinator.syncGroup(new SyncRequest(group, joined.generationId(), joined.memberId(), null, null,
                null, assignments)));
    }

    Errors heartbeat(String group, String memberId, int generation) throws Exception {
        return get(coordinator.heartbeat(group, memberId, null, generation));
    }

    Map<TopicPartition, Errors> commit(String group, String memberId, int generation, TopicPartition tp, long offset)
            throws Exception {
        return get(coordinator.commitOffsets(group, memberId, null, generation,
                Map.of(tp, new CommittedOffset(offset, -1, "", clock.millis(), -1)), true));
    }

    Map<TopicPartition, CommittedOffset> fetch(String group) throws Exception {
        return get(coordinator.fetchOffsets(group, null));
    }

    /** The answer, which must be there already: the coordinator runs on the test thread, nothing comes later. */
    static <T> T get(CompletableFuture<T> f) throws Exception {
        if (!f.isDone()) {
            throw new AssertionError("Not answered (held until a rebalance, a sync or a timer that has not run)");
        }
        return f.get(0, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        coordinator.close();
    }
}
