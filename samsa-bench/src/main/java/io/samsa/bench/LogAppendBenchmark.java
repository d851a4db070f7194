package io.samsa.bench;

import io.samsa.log.AppendResult;
import io.samsa.log.Log;
import io.samsa.log.LogConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Appends of ~16 KiB v2 batches of 100-byte records to one {@link Log} (no network, page cache, no fsync
 * per append, as Kafka by default). Score = batches/s; MB/s = score × batch size (printed at setup).
 *
 * <p>Run: {@code mvn -B -o -q -pl samsa-bench -am package -DskipTests} then
 * {@code java -jar samsa-bench/target/benchmarks.jar LogAppendBenchmark} (JMH options as usual, e.g.
 * {@code -f 1 -wi 2 -i 3}), or run this class's {@code main}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class LogAppendBenchmark {

    private Path dir;
    private Log log;
    private ByteBuffer batch;
    private long appends;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("samsa-bench-append");
        // 256 MiB segments, keep ~1 GiB so a long run does not fill the disk.
        LogConfig config = LogConfig.DEFAULTS.withSegmentBytes(256 << 20).withRetention(-1, 1L << 30);
        log = Log.open(dir.resolve("bench-0"), config, Clock.systemUTC(), 0, true);
        log.setFileDeleteDelayMs(0);
        batch = BenchBatches.batch16k(System.currentTimeMillis());
        System.out.printf("%nbatch: %d bytes, %d records of %d bytes%n", batch.remaining(),
                BenchBatches.recordCount(batch), BenchBatches.RECORD_BYTES);
    }

    @Benchmark
    public AppendResult append() {
        if (++appends % 4096 == 0) {
            log.deleteRetainedSegments();
        }
        return log.appendAsLeader(batch.duplicate(), 0);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        log.close();
        deleteTree(dir);
    }

    static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(LogAppendBenchmark.class.getSimpleName()).build()).run();
    }
}
