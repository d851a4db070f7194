package io.samsa.metadata;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;

/** A cluster controller over a local log with a mock clock; brokers are only ids (no processes). */
final class ClusterTestSupport implements AutoCloseable {
    final AtomicLong clock = new AtomicLong(1_000_000);
    final MetadataStateMachine state = new MetadataStateMachine();
    final LocalMetadataLog log;
    final MetadataController controller;

    ClusterTestSupport(Path dir, boolean unclean) throws IOException {
        log = new LocalMetadataLog(dir, MetadataTestSupport.WRITER, LocalMetadataLog.DEFAULT_SNAPSHOT_BYTES);
        log.start(state);
        state.finishReplay();
        controller = new MetadataController(state, log,
                MetadataController.Settings.cluster(0, 10_000, 1000, c -> { }).withUncleanLeaderElection(unclean),
                clock::get);
    }

    ClusterTestSupport(Path dir) throws IOException {
        this(dir, false);
    }

    static <T> T join(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new CompletionException(e.getCause() != null ? e.getCause() : e);
        }
    }

    static Errors errorOf(CompletionStage<?> stage) {
        try {
            join(stage);
            return Errors.NONE;
        } catch (CompletionException e) {
            return e.getCause() instanceof ApiException a ? Errors.forException(a) : Errors.UNKNOWN_SERVER_ERROR;
        }
    }

    /** Registers a broker (fenced); returns its epoch. */
    long register(int id, String rack) {
        ControllerApi.Registered r = join(controller.registerBroker(new ControllerApi.BrokerRegistration(id,
                Uuid.randomUuid(), List.of(new BrokerRegistrationRecord.Endpoint("PLAINTEXT", "PLAINTEXT", "h" + id,
                9092)), rack)));
        return r.brokerEpoch();
    }

    /** Registers and unfences (a heartbeat caught up with everything). */
    long start(int id, String rack) {
        long epoch = register(id, rack);
        heartbeat(id);
        return epoch;
    }

    ControllerApi.HeartbeatResult heartbeat(int id) {
        return join(controller.heartbeat(new ControllerApi.BrokerHeartbeat(id, image().broker(id).brokerEpoch(),
                image().offset(), false)));
    }

    MetadataImage image() {
        return state.image();
    }

    ControllerApi.TopicResult create(String name, Map<Integer, List<Integer>> assignments) {
        return join(controller.createTopic(new ControllerApi.CreateTopic(name, -1, (short) -1, assignments,
                Map.of(), false)));
    }

    PartitionRecord partition(String topic, int p) {
        return image().topics().get(topic).partition(p);
    }

    /** Every broker but {@code silent} heartbeats, time passes beyond the session timeout, expiry runs. */
    void expire(int... silent) {
        java.util.Set<Integer> talking = new java.util.HashSet<>(image().unfencedBrokers());
        java.util.Arrays.stream(silent).forEach(talking::remove);
        // The controller checks sessions every 100 ms (a longer gap means the controller itself stalled).
        for (long passed = 0; passed <= MetadataController.Settings.DEFAULT_SESSION_TIMEOUT_MS; passed += 100) {
            clock.addAndGet(100);
            talking.forEach(this::heartbeat);
            join(controller.tick(clock.get()));
        }
    }

    /** Lets {@code ms} pass in the controller's 100 ms session checks, nobody heartbeating. */
    void advance(long ms) {
        for (long passed = 0; passed < ms; passed += 100) {
            clock.addAndGet(Math.min(100, ms - passed));
            join(controller.tick(clock.get()));
        }
    }

    @Override
    public void close() throws IOException {
        log.close();
    }
}
