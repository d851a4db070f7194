package io.samsa.bench;

import io.samsa.log.Log;
import io.samsa.log.LogConfig;
import io.samsa.log.ReadResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.SplittableRandom;
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
 * Reads of a pre-filled log of ~16 KiB batches (256 MiB over 4 segments, page cache warm) at random
 * offsets, {@code maxBytes} per read as a consumer fetch would ask.
 * {@code lookup}: only {@link Log#read} (segment floor lookup, index binary search, header scan).
 * {@code lookupAndCopy}: plus copying the returned bytes out of the file into a direct buffer (the work a
 * transferTo to a socket would do). Score = reads/s; MB/s = score × maxBytes for lookupAndCopy.
 *
 * <p>Run: {@code java -jar samsa-bench/target/benchmarks.jar LogReadBenchmark}, or this class's {@code main}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class LogReadBenchmark {

    @Param({"16384", "1048576"})
    public int maxBytes;

    private Path dir;
    private Log log;
    private long endOffset;
    private ByteBuffer sink;
    private final SplittableRandom random = new SplittableRandom(42);

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("samsa-bench-read");
        log = Log.open(dir.resolve("bench-0"), LogConfig.DEFAULTS.withSegmentBytes(64 << 20), Clock.systemUTC(), 0,
                true);
        ByteBuffer batch = BenchBatches.batch16k(System.currentTimeMillis());
        long bytes = 0;
        while (bytes < (256L << 20)) {
            bytes += batch.remaining();
            log.appendAsLeader(batch.duplicate(), 0);
        }
        endOffset = log.logEndOffset();
        sink = ByteBuffer.allocateDirect(maxBytes + (64 << 10));
    }

    @Benchmark
    public ReadResult lookup() {
        return log.read(random.nextLong(endOffset), maxBytes, true);
    }

    @Benchmark
    public int lookupAndCopy() throws IOException {
        ReadResult r = log.read(random.nextLong(endOffset), maxBytes, true);
        sink.clear().limit(r.sizeInBytes());
        long pos = r.position();
        while (sink.hasRemaining()) {
            pos += r.channel().read(sink, pos);
        }
        return sink.position();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        log.close();
        LogAppendBenchmark.deleteTree(dir);
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(LogReadBenchmark.class.getSimpleName()).build()).run();
    }
}
