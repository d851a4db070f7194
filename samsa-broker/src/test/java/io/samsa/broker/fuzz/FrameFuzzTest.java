package io.samsa.broker.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.testing.BrokerHealth;
import io.samsa.broker.testing.BrokerProcess;
import io.samsa.protocol.WireCodec;

/**
 * Thousands of frames against a broker process: (a) valid requests for every advertised API key at every
 * advertised version, with random plausible fields; (b) the same frames mutated; (c) random frames. Each frame
 * must get an answer or a closed connection within the liveness bound, and one that decodes as an advertised
 * API and version must be answered (only a failed acks=0 produce may close the connection, as in Kafka). A frame
 * that legitimately leaves the broker waiting (a size header beyond the bytes sent, a long poll:
 * {@link LongWaits}) is abandoned by closing the socket, excused only while fresh connections are answered.
 * Produce frames are also mutated inside their record batches behind a recomputed CRC ({@link RecordBatchMutator}).
 * Afterwards the broker must be healthy (open connections back to none: abandoned waits freed their sockets),
 * the data written before the fuzzing (records, committed offsets) must read back identically, every partition
 * holding records must read from the beginning with a stock consumer ({@link WrittenPartitionsCheck}), its whole
 * output must show no fatal error and no ERROR line, and a clean stop and restart must keep all that. Frames
 * that would delete the known data are screened out and counted ({@link KnownDataGuard}).
 *
 * <p>Reproducible: {@code -Dsamsa.fuzz.seed=<n>} (default fixed; {@code random} for a new one, printed),
 * {@code -Dsamsa.fuzz.frames=<n>} total frames, {@code -Dsamsa.fuzz.workers=<n>} parallel connections,
 * {@code -Dsamsa.fuzz.livenessMs=<n>} the bound per frame. A worker's frame stream depends only on the seed
 * (the broker's state depends on how the workers interleave).
 */
class FrameFuzzTest {
    private static final int NETWORK_THREADS = 2;
    private static final long DEFAULT_SEED = 20261202L;
    /**
     * Fatal errors, a dead network thread, and any ERROR line: the broker logs one when a handler fails with
     * UNKNOWN_SERVER_ERROR, which a request should never cause (Kafka answers bad input with its own code).
     */
    private static final List<String> FATAL_OUTPUT = List.of("OutOfMemoryError", "StackOverflowError",
            "Network processor", " ERROR ");

    private static final Path BROKER_LOG = Path.of("target", "FrameFuzzTest-broker.log");

    @TempDir
    Path dir;

    @Test
    void validMutatedAndRandomFramesLeaveTheBrokerHealthyAndItsDataIntact() throws Exception {
        String seedText = System.getProperty("samsa.fuzz.seed", Long.toString(DEFAULT_SEED));
        long seed = seedText.equals("random") ? ThreadLocalRandom.current().nextLong() : Long.parseLong(seedText);
        seedText = Long.toString(seed);
        int frames = Integer.getInteger("samsa.fuzz.frames", 4000);
        int workers = Integer.getInteger("samsa.fuzz.workers", 4);
        int livenessMs = Integer.getInteger("samsa.fuzz.livenessMs", 20_000);
        System.out.println("FrameFuzzTest: seed " + seedText + ", " + frames + " frames, " + workers + " workers");

        Path data = Files.createDirectories(dir.resolve("data"));
        int port = BrokerProcess.freePort();
        int metricsPort = BrokerProcess.freePort();
        Map<String, String> config = Map.of("num.network.threads", Integer.toString(NETWORK_THREADS),
                "metrics.port", Integer.toString(metricsPort), "group.initial.rebalance.delay.ms", "0",
                // a group member's session (and so a follower's wait in SyncGroup) ends within the liveness bound
                "group.max.session.timeout.ms", Integer.toString(LongWaits.SESSION_TIMEOUT_MAX_MS));
        KnownData known = new KnownData();
        FuzzStats stats = new FuzzStats();
        long started = System.nanoTime();
        try (BrokerProcess broker = BrokerProcess.start(data, port, config)) {
            BrokerHealth health = broker.health(NETWORK_THREADS, metricsPort);
            health.assertHealthy("start", 0);
            known.write(broker.bootstrapServers(), 40);
            known.assertIntact(broker.bootstrapServers(), "writing it");

            try {
                fuzz(port, known.guard(), stats, seed, seedText, frames, workers, livenessMs);
            } finally {
                Files.copy(broker.outputFile(), BROKER_LOG, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            System.out.println("FrameFuzzTest: " + frames + " frames in "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms (with setup)\n" + stats);

            printErrors(Files.readString(broker.outputFile()));
            health.assertHealthy("fuzzing (seed " + seedText + ")", 0);
            known.assertIntact(broker.bootstrapServers(), "fuzzing (seed " + seedText + ")");
            System.out.println("FrameFuzzTest: a stock consumer read "
                    + WrittenPartitionsCheck.assertReadable(broker.bootstrapServers(), "fuzzing (seed " + seedText + ")"));
            assertNoFatalOutput(broker, seedText);
            broker.stop();
            Files.copy(broker.outputFile(), BROKER_LOG, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertNoFatalOutput(broker, seedText);
        }
        try (BrokerProcess broker = BrokerProcess.start(data, port, config)) {
            broker.health(NETWORK_THREADS, metricsPort).assertHealthy("restart after fuzzing", 0);
            known.assertIntact(broker.bootstrapServers(), "restart after fuzzing (seed " + seedText + ")");
            WrittenPartitionsCheck.assertReadable(broker.bootstrapServers(), "restart after fuzzing (seed " + seedText + ")");
            broker.stop();
            assertNoFatalOutput(broker, seedText);
        }
    }

    private static void fuzz(int port, KnownDataGuard guard, FuzzStats stats, long seed,
            String seedText, int frames, int workers, int livenessMs) throws Exception {
        List<ApiKeys> keys = new ArrayList<>();
        List<Short> versions = new ArrayList<>();
        advertised(port, keys, versions);
        short[] keyIds = new short[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            keyIds[i] = keys.get(i).id;
        }
        int validEach = Math.max(frames * 2 / 5 / workers, (keys.size() + workers - 1) / workers);
        int mutatedEach = frames * 2 / 5 / workers;
        int randomEach = frames / 5 / workers;
        List<FuzzWorker> pool = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            pool.add(new FuzzWorker(seedText, seed, w, port, livenessMs, NETWORK_THREADS, guard, stats));
        }
        ExecutorService threads = Executors.newFixedThreadPool(workers);
        try {
            long t0 = System.nanoTime();
            runPhase(threads, pool, w -> pool.get(w).sendValid(keys, versions, mine(w, workers, keys.size()), validEach));
            long t1 = System.nanoTime();
            assertThat(stats.total("valid")).as("valid frames sent").isGreaterThanOrEqualTo(keys.size());
            runPhase(threads, pool, w -> pool.get(w).sendMutated(mutatedEach));
            long t2 = System.nanoTime();
            runPhase(threads, pool, w -> pool.get(w).sendRandom(keyIds, randomEach));
            long t3 = System.nanoTime();
            System.out.printf("FrameFuzzTest: phase times valid %d ms, mutated %d ms, random %d ms%n",
                    (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);
        } finally {
            threads.shutdownNow();
            for (FuzzWorker w : pool) {
                w.close();
            }
        }
    }

    /** Every advertised API key at every advertised version kafka-clients can encode (as ApiVersionMatrixTest). */
    private static void advertised(int port, List<ApiKeys> keys, List<Short> versions) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            ByteBuffer req = WireCodec.encodeRequest(ApiKeys.API_VERSIONS, (short) 3, "fuzz", 1,
                    new ApiVersionsRequestData().setClientSoftwareName("fuzz").setClientSoftwareVersion("1"));
            s.getOutputStream().write(req.array(), req.arrayOffset(), req.remaining());
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] body = new byte[in.readInt()];
            in.readFully(body);
            ApiVersionsResponseData r = (ApiVersionsResponseData) WireCodec.decodeResponse(ByteBuffer.wrap(body),
                    ApiKeys.API_VERSIONS, (short) 3, 1);
            for (ApiVersionsResponseData.ApiVersion v : r.apiKeys()) {
                ApiKeys key = ApiKeys.forId(v.apiKey());
                for (short version = (short) Math.max(v.minVersion(), key.oldestVersion()); version <= v.maxVersion(); version++) {
                    keys.add(key);
                    versions.add(version);
                }
            }
        }
        System.out.println("FrameFuzzTest: " + keys.size() + " advertised API key/version pairs");
    }

    /** Worker {@code w}'s share of the key/version pairs, so that together the workers send every pair. */
    private static int[] mine(int w, int workers, int pairs) {
        List<Integer> out = new ArrayList<>();
        for (int p = w; p < pairs; p += workers) {
            out.add(p);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private interface WorkerTask {
        void run(int worker) throws Exception;
    }

    private static void runPhase(ExecutorService threads, List<FuzzWorker> pool, WorkerTask task) throws Exception {
        List<Future<Void>> done = new ArrayList<>();
        for (int w = 0; w < pool.size(); w++) {
            int worker = w;
            done.add(threads.submit((Callable<Void>) () -> {
                task.run(worker);
                return null;
            }));
        }
        for (Future<Void> f : done) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof Error error) {
                    throw error; // a worker's AssertionError carries the seed and the frame
                }
                throw (Exception) e.getCause();
            }
        }
    }

    /**
     * Prints the broker's ERROR and WARN lines with the exception line after each, counted, so that handler
     * failures (UNKNOWN_SERVER_ERROR answers) show up in the test output; the whole output goes to a file.
     */
    private static void printErrors(String output) {
        Path file = BROKER_LOG;
        Map<String, Integer> kinds = new java.util.TreeMap<>();
        String[] lines = output.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(" ERROR ") || lines[i].contains(" WARN ")) {
                String next = i + 1 < lines.length && !lines[i + 1].startsWith("[") ? " / " + lines[i + 1] : "";
                String kind = (lines[i].replaceFirst("^\\[[^]]*\\] ", "") + next).replaceAll("\\d+", "N");
                kinds.merge(kind.length() > 300 ? kind.substring(0, 300) : kind, 1, Integer::sum);
            }
        }
        StringBuilder sb = new StringBuilder("FrameFuzzTest: broker ERROR/WARN lines by kind (all output in "
                + file.toAbsolutePath() + ")\n");
        kinds.forEach((k, v) -> sb.append("  ").append(v).append(" x ").append(k).append('\n'));
        System.out.println(sb);
    }

    /** Scans the broker's whole output (its file, not the in-memory prefix). */
    private static void assertNoFatalOutput(BrokerProcess broker, String seedText) throws java.io.IOException {
        String output = Files.readString(broker.outputFile());
        for (String fatal : FATAL_OUTPUT) {
            assertThat(output).as("broker output after fuzzing with seed " + seedText + " mentions " + fatal)
                    .doesNotContain(fatal);
        }
    }
}
