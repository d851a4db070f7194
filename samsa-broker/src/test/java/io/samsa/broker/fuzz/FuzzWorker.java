package io.samsa.broker.fuzz;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import io.samsa.broker.testing.BrokerHealth;

/**
 * One fuzzing thread with its own connections and its own seeded frame stream: sends each frame with
 * {@link FuzzConnection}, opens a new connection whenever the broker closes one, and fails with the seed and
 * the frame's hex when a frame gets neither an answer nor a close within the liveness bound. Runs the three
 * phases in turn when the test calls it; owned by one thread of the test's pool.
 */
final class FuzzWorker {
    /**
     * APIs whose requests may wait on purpose as long as a field of theirs says (Fetch max wait, JoinGroup
     * rebalance timeout, SyncGroup waiting for its leader). Valid frames keep those fields small; a mutated one
     * that makes them huge is given a short bound and excused if the broker still answers everyone else.
     */
    private static final Set<ApiKeys> MAY_WAIT = EnumSet.of(ApiKeys.FETCH, ApiKeys.JOIN_GROUP, ApiKeys.SYNC_GROUP);
    private static final int EXCUSABLE_WAIT_MS = 500;

    private final String seedText;
    private final int index;
    private final int port;
    private final int livenessMs;
    private final BrokerHealth health;
    private final FrameFactory factory;
    private final List<FuzzFrame> validSent = new ArrayList<>();
    private final FuzzStats stats;
    private FuzzConnection connection;
    private Random random;

    FuzzWorker(String seedText, long seed, int index, int port, int livenessMs, BrokerHealth health,
            KnownDataGuard guard, FuzzStats stats) {
        this.seedText = seedText;
        this.index = index;
        this.port = port;
        this.livenessMs = livenessMs;
        this.health = health;
        this.stats = stats;
        this.random = new Random(seed * 1_000_003L + index);
        this.factory = new FrameFactory(random, guard);
    }

    /** Phase (a): the given key/version pairs first, then random advertised pairs, {@code count} frames in all. */
    void sendValid(List<ApiKeys> keys, List<Short> versions, int[] mine, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            int pair = i < mine.length ? mine[i] : random.nextInt(keys.size());
            FuzzFrame frame = factory.valid(keys.get(pair), versions.get(pair));
            validSent.add(frame);
            send("valid", i, frame, false);
        }
    }

    /** Phase (b): mutations of this worker's valid frames. */
    void sendMutated(int count) throws Exception {
        for (int i = 0; i < count; i++) {
            FuzzFrame frame = factory.mutated(validSent.get(random.nextInt(validSent.size())));
            send("mutated", i, frame, true);
        }
    }

    /** Phase (c): random frames, mostly behind a header naming a real API key. */
    void sendRandom(short[] apiKeys, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            send("random", i, factory.random(apiKeys), true);
        }
    }

    void close() throws IOException {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }

    private void send(String phase, int i, FuzzFrame frame, boolean hostile) throws Exception {
        if (hostile) {
            String skip = factory.screen(frame);
            if (skip != null) {
                stats.skipped(skip);
                return;
            }
        }
        boolean excusable = hostile && (!frame.sizeHeaderMatches() || mayWait(frame));
        if (connection == null) {
            connection = new FuzzConnection(port, livenessMs);
        }
        FuzzConnection.Outcome outcome;
        try {
            outcome = connection.exchange(frame, excusable ? EXCUSABLE_WAIT_MS : livenessMs);
        } catch (IOException e) {
            throw failure(phase, i, frame, "the broker's answer was unreadable: " + e, e);
        }
        stats.count(phase, outcome);
        if (!hostile && outcome == FuzzConnection.Outcome.CLOSED) {
            stats.validClosed(frame.origin()); // Kafka closes on a failed acks=0 produce; anything else is suspect
        }
        if (outcome == FuzzConnection.Outcome.ANSWERED) {
            return;
        }
        close();
        if (outcome == FuzzConnection.Outcome.NO_ANSWER) {
            try {
                health.everyNetworkThreadAnswers("fuzz frame " + phase + " #" + i + " of worker " + index);
            } catch (Throwable e) {
                throw failure(phase, i, frame, "no answer within the bound, and the broker stopped answering others", e);
            }
            if (!excusable) {
                throw failure(phase, i, frame, "no answer and no close within " + livenessMs + " ms", null);
            }
            stats.excused();
        }
    }

    private static boolean mayWait(FuzzFrame frame) {
        ApiMessage body = FrameFactory.decode(frame);
        return body != null && MAY_WAIT.contains(ApiKeys.forId(body.apiKey())); // undecodable: closed at once
    }

    private AssertionError failure(String phase, int i, FuzzFrame frame, String what, Throwable cause) {
        return new AssertionError("fuzz failure (reproduce with -Dsamsa.fuzz.seed=" + seedText + "): worker " + index
                + ", " + phase + " frame #" + i + ": " + what + "\nframe: " + frame, cause);
    }
}
