package io.samsa.broker.fuzz;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;


/**
 * One fuzzing thread with its own connections and its own seeded frame stream: sends each frame with
 * {@link FuzzConnection}, opens a new connection whenever the broker closes one, and fails with the seed and
 * the frame's hex when a frame gets neither an answer nor a close within the liveness bound. Runs the three
 * phases in turn when the test calls it; owned by one thread of the test's pool.
 */
final class FuzzWorker {
    /**
     * A frame whose size header disagrees with its bytes may leave the broker waiting for more, a long poll
     * waits as long as it asks: a short bound for those.
     */
    private static final int EXCUSABLE_WAIT_MS = 500;

    private final String seedText;
    private final int index;
    private final int port;
    private final int livenessMs;
    private final int networkThreads;
    private final Set<Integer> advertised = new HashSet<>();
    private final FrameFactory factory;
    private final List<FuzzFrame> validSent = new ArrayList<>();
    private final List<FuzzFrame> validProduce = new ArrayList<>();
    private final FuzzStats stats;
    private FuzzConnection connection;
    private Random random;

    FuzzWorker(String seedText, long seed, int index, int port, int livenessMs, int networkThreads,
            KnownDataGuard guard, FuzzStats stats) {
        this.seedText = seedText;
        this.index = index;
        this.port = port;
        this.livenessMs = livenessMs;
        this.networkThreads = networkThreads;
        this.stats = stats;
        this.random = new Random(seed * 1_000_003L + index);
        this.factory = new FrameFactory(random, guard);
    }

    /** Phase (a): the given key/version pairs first, then random advertised pairs, {@code count} frames in all. */
    void sendValid(List<ApiKeys> keys, List<Short> versions, int[] mine, int count) throws Exception {
        for (int p = 0; p < keys.size(); p++) {
            advertised.add(FuzzFrame.apiKeyAndVersion(keys.get(p).id, versions.get(p)));
        }
        for (int i = 0; i < count; i++) {
            int pair = i < mine.length ? mine[i] : random.nextInt(keys.size());
            FuzzFrame frame = factory.valid(keys.get(pair), versions.get(pair));
            validSent.add(frame);
            if (frame.apiKey() == ApiKeys.PRODUCE.id) {
                validProduce.add(frame);
            }
            send("valid", i, frame, false);
        }
    }

    /** Phase (b): mutations of this worker's valid frames (of its Produce frames' record batches, a fifth). */
    void sendMutated(int count) throws Exception {
        for (int i = 0; i < count; i++) {
            // Produce is one API among many: a fifth of the mutations go inside its record batches
            FuzzFrame frame = !validProduce.isEmpty() && random.nextInt(5) == 0
                    ? factory.batchMutated(validProduce.get(random.nextInt(validProduce.size())))
                    : factory.mutated(validSent.get(random.nextInt(validSent.size())));
            send(frame.origin().startsWith(RecordBatchMutator.ORIGIN) ? "mutated batch" : "mutated", i, frame, true);
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
        // A size header claiming more than was sent leaves the broker waiting for the rest (it reserves the claim
        // from queued.max.request.bytes); a long poll waits as asked. Both are abandoned by closing the socket.
        ApiMessage decoded = hostile && frame.sizeHeaderMatches() ? FrameFactory.decode(frame) : null;
        String longWait = decoded == null ? null : LongWaits.requested(decoded, livenessMs);
        boolean excusable = hostile && (!frame.sizeHeaderMatches() || longWait != null);
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
        if (outcome == FuzzConnection.Outcome.CLOSED && frame.sizeHeaderMatches()) {
            // Kafka closes a connection on a failed acks=0 produce (the client has no other way to learn of it);
            // every other request that decodes gets an answer, error codes and all.
            // (Kafka itself closes on an API or version it does not advertise, so those are not held against it.)
            ApiMessage body = FrameFactory.decode(frame);
            if (body != null && advertised.contains(frame.apiKeyAndVersion())
                    && !(body instanceof ProduceRequestData p && p.acks() == 0)) {
                throw failure(phase, i, frame, "the broker closed the connection on a request that decodes", null);
            }
            if (!hostile) {
                stats.validClosed(frame.origin() + " acks=0");
            }
        }
        if (outcome == FuzzConnection.Outcome.ANSWERED) {
            if (phase.equals("mutated batch")) {
                stats.produceErrors(frame, connection.answer());
            }
            if (!hostile) {
                try {
                    factory.learn(frame, connection.answer());
                } catch (AssertionError e) {
                    throw failure(phase, i, frame, e.getMessage(), e);
                }
            }
            return;
        }
        close();
        if (outcome == FuzzConnection.Outcome.NO_ANSWER) {
            String others = othersAnswered();
            if (others != null) {
                throw failure(phase, i, frame, "no answer within the bound, and " + others, null);
            }
            if (!excusable) {
                throw failure(phase, i, frame, "no answer and no close within " + livenessMs + " ms", null);
            }
            stats.excused(longWait != null ? "long wait asked for, abandoned" : "size header beyond the bytes sent");
        }
    }

    /**
     * Null if 2 x network-threads fresh connections (one at least on each processor) are each answered within
     * the liveness bound, else what went wrong. (The shared health check's 2 s bound is for the end of the run;
     * mid-run, the machine is busy with the other workers.)
     */
    private String othersAnswered() throws IOException {
        FuzzFrame apiVersions = FrameFactory.encode(ApiKeys.API_VERSIONS, (short) 0, "fuzz-check", 7,
                new ApiVersionsRequestData(), "ApiVersions v0 on a fresh connection");
        for (int n = 0; n < 2 * networkThreads; n++) {
            try (FuzzConnection fresh = new FuzzConnection(port, livenessMs)) {
                FuzzConnection.Outcome o = fresh.exchange(apiVersions, livenessMs);
                if (o != FuzzConnection.Outcome.ANSWERED) {
                    return "fresh connection " + n + " got " + o + " for an ApiVersions request";
                }
            }
        }
        return null;
    }

    private AssertionError failure(String phase, int i, FuzzFrame frame, String what, Throwable cause) {
        return new AssertionError("fuzz failure (reproduce with -Dsamsa.fuzz.seed=" + seedText + "): worker " + index
                + ", " + phase + " frame #" + i + ": " + what + "\nframe: " + frame, cause);
    }
}
