package io.samsa.bench;

import io.samsa.log.Log;
import io.samsa.log.LogCleaner;
import io.samsa.log.LogConfig;
import io.samsa.protocol.records.BatchCompressor;
import io.samsa.protocol.records.RecordBatchWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * One full cleaning of a compacted log: {@value #KEYS} keys written {@value #ROUNDS} times each in 128-record
 * batches of 100-byte values (~{@value #ROUNDS}0% of the bytes are superseded), 16 MiB segments, page cache, no
 * fsync wait beyond the cleaner's own of each cleaned segment. Score = seconds per cleaning (single shot; the log is
 * rewritten before each); MB/s compacted = segment bytes read (printed at setup) / score.
 *
 * <p>Run: {@code mvn -B -o -q -pl samsa-bench -am package -DskipTests} then
 * {@code java -jar samsa-bench/target/benchmarks.jar LogCleanerBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class LogCleanerBenchmark {

    static final int KEYS = 50_000;
    static final int ROUNDS = 10;
    static final int PER_BATCH = 128;

    @Param({"NONE", "LZ4"})
    public String compression;

    private Path dir;
    private Log log;
    private LogCleaner cleaner;

    @Setup(Level.Invocation)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("samsa-bench-cleaner");
        LogConfig config = LogConfig.builder().segmentBytes(16 << 20).cleanupPolicy(true, false).build();
        log = Log.open(dir.resolve("bench-0"), config, Clock.systemUTC(), 0, true);
        BatchCompressor c = compression.equals("LZ4") ? BatchCompressor.of("lz4", null) : null;
        byte[] value = new byte[100];
        long now = System.currentTimeMillis();
        for (int round = 0; round < ROUNDS; round++) {
            for (int k = 0; k < KEYS; k += PER_BATCH) {
                RecordBatchWriter batch = new RecordBatchWriter(ByteBuffer.allocate(64 * 1024));
                for (int i = 0; i < Math.min(PER_BATCH, KEYS - k); i++) {
                    value[0] = (byte) round;
                    if (batch.tryAppend(now, String.format("key-%07d", k + i).getBytes(StandardCharsets.UTF_8),
                            value.clone(), null) < 0) {
                        throw new IllegalStateException("a batch of " + PER_BATCH + " records does not fit");
                    }
                }
                log.appendAsLeader(batch.finish(c), 0);
            }
        }
        log.roll();
        log.flush();
        System.out.printf("%nlog: %d bytes in %d segments%n", log.sizeInBytes(), log.segmentCount());
        cleaner = new LogCleaner(dir, () -> Map.of("bench-0", log), LogCleaner.Settings.DEFAULTS);
    }

    @Benchmark
    public LogCleaner.Stats clean() throws IOException {
        LogCleaner.Stats s = cleaner.cleanFilthiestLog();
        System.out.printf("cleaned %d bytes to %d bytes in %d ms: %.1f MB/s%n", s.bytesRead(), s.bytesWritten(),
                s.durationMs(), s.bytesRead() / 1e6 / Math.max(1, s.durationMs()) * 1000);
        return s;
    }

    @TearDown(Level.Invocation)
    public void tearDown() throws IOException {
        log.close();
        LogAppendBenchmark.deleteTree(dir);
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(LogCleanerBenchmark.class.getSimpleName()).build()).run();
    }
}
