package io.samsa.broker.group;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/** Drives a {@link GroupCoordinator} directly, as the handlers would, with a settable clock. */
final class CoordinatorHarness implements AutoCloseable {
    final MutableClock clock = new MutableClock();
    final Path dir;
    final GroupCoordinatorConfig config;
    GroupCoordinator coordinator;

    CoordinatorHarness(Path dir, GroupCoordinatorConfig config) throws IOException {
        this.dir = dir;
        this.config = config;
        this.coordinator = GroupCoordinator.open(dir, config, clock);
    }

    /** Test defaults: no initial delay, session timeouts from 10 ms allowed. */
    static GroupCoordinatorConfig fastConfig() {
        return GroupCoordinatorConfig.DEFAULTS.withInitialRebalanceDelayMs(0).withSessionTimeoutBounds(10, 1_800_000);
    }

    /** Closes and reopens the coordinator on the same directory (a broker restart). */
    void restart() throws IOException {
        coordinator.close();
        coordinator = GroupCoordinator.open(dir, config, clock);
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

    CompletableFuture<JoinResult> join(JoinRequest r) {
        return coordinator.joinGroup(r);
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
                Map.of(tp, new OffsetAndMetadata(offset, -1, "", clock.millis(), -1)), true));
    }

    Map<TopicPartition, OffsetAndMetadata> fetch(String group) throws Exception {
        return get(coordinator.fetchOffsets(group, null));
    }

    static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(15, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        coordinator.close();
    }

    /** A clock the test moves by hand (offset retention); timers still run in real time. */
    static final class MutableClock extends Clock {
        private final AtomicLong millis = new AtomicLong(System.currentTimeMillis());

        void advance(long ms) {
            millis.addAndGet(ms);
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }
    }
}
