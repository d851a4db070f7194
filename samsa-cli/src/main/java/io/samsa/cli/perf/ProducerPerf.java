package io.samsa.cli.perf;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Random;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import io.samsa.clients.producer.SamsaProducer;

/**
 * Kafka's {@code ProducerPerformance}, same flags and output lines, for SamsaProducer or KafkaProducer:
 * <pre>
 * ProducerPerf --topic t --num-records 1000000 --record-size 100 --throughput -1 \
 *     --producer-props bootstrap.servers=127.0.0.1:9092 acks=1 [--producer samsa|kafka] [--print-metrics]
 * </pre>
 * Every 5 s a window line; at the end Kafka's summary line: records/s, MB/s, avg/max latency, percentiles.
 */
public final class ProducerPerf {
    private ProducerPerf() {
    }

    public static void main(String[] args) throws Exception {
        String topic = null;
        long numRecords = -1;
        int recordSize = 100;
        double throughput = -1;
        String impl = "samsa";
        boolean printMetrics = false;
        Properties props = new Properties();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--topic" -> topic = args[++i];
                case "--num-records" -> numRecords = Long.parseLong(args[++i]);
                case "--record-size" -> recordSize = Integer.parseInt(args[++i]);
                case "--throughput" -> throughput = Double.parseDouble(args[++i]);
                case "--producer" -> impl = args[++i];
                case "--print-metrics" -> printMetrics = true;
                case "--producer.config" -> {
                    try (InputStream in = new FileInputStream(args[++i])) {
                        props.load(in);
                    }
                }
                case "--producer-props" -> {
                    while (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                        String kv = args[++i];
                        int eq = kv.indexOf('=');
                        props.setProperty(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                }
                default -> throw new IllegalArgumentException("Unknown argument " + args[i]);
            }
        }
        if (topic == null || numRecords < 0) {
            System.err.println("usage: ProducerPerf --topic T --num-records N [--record-size B] [--throughput R]"
                    + " --producer-props k=v ... [--producer.config F] [--producer samsa|kafka] [--print-metrics]");
            System.exit(1);
        }
        System.out.print(run(topic, numRecords, recordSize, throughput, impl, props, printMetrics));
    }

    /** Runs the benchmark; returns the summary line. Window lines go to stdout. */
    public static String run(String topic, long numRecords, int recordSize, double throughput, String impl,
                             Properties props, boolean printMetrics) throws IOException {
        return run(new Options(topic, numRecords, recordSize, List.of(), throughput, impl, props, printMetrics, 5000),
                System.out::print);
    }

    /**
     * What to run: Kafka's flags. {@code payloads}, when not empty, are sent in random order instead of
     * {@code recordSize} random letters ({@code --payload-file}).
     */
    public record Options(String topic, long numRecords, int recordSize, List<byte[]> payloads, double throughput,
                          String impl, Properties props, boolean printMetrics, int reportingIntervalMs) {
    }

    /** What a run reports as it goes: Kafka's window lines, and the count of completed sends (a progress bar). */
    public interface Progress {
        void window(String line);

        default void completed(long records) {
        }
    }

    /** Runs the benchmark; returns the summary line. */
    public static String run(Options o, Progress progress) throws IOException {
        byte[] payload = new byte[o.recordSize()];
        Random random = new Random(0);
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (random.nextInt(26) + 65);
        }
        Properties props = o.props();
        Producer<byte[], byte[]> producer = "kafka".equals(o.impl())
                ? new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())
                : new SamsaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        Stats stats = new Stats(o.numRecords(), o.reportingIntervalMs(), progress);
        long start = System.currentTimeMillis();
        Throttler throttler = new Throttler(o.throughput(), start);
        List<byte[]> payloads = o.payloads();
        for (long i = 0; i < o.numRecords(); i++) {
            byte[] value = payloads.isEmpty() ? payload : payloads.get(random.nextInt(payloads.size()));
            long sendStart = System.currentTimeMillis();
            Callback cb = stats.nextCompletion(sendStart, value.length);
            producer.send(new ProducerRecord<>(o.topic(), value), cb);
            if (throttler.shouldThrottle(i, sendStart)) {
                throttler.throttle();
            }
        }
        producer.flush();
        String summary = stats.summary();
        if (o.printMetrics()) {
            producer.metrics().entrySet().stream()
                    .sorted((a, b) -> (a.getKey().group() + a.getKey().name()).compareTo(b.getKey().group()
                            + b.getKey().name()))
                    .forEach(e -> System.out.printf("%-60s : %s%n", e.getKey().group() + ":" + e.getKey().name(),
                            e.getValue().metricValue()));
        }
        producer.close();
        return summary;
    }

    /** Kafka's ProducerPerformance.Stats: windows every reportingInterval ms, sampled latencies. */
    static final class Stats {
        private final long start = System.currentTimeMillis();
        private long windowStart = start;
        private final int[] latencies;
        private final long sampling;
        private int index;
        private long iteration;
        private long count;
        private long bytes;
        private int maxLatency;
        private long totalLatency;
        private long windowCount;
        private int windowMaxLatency;
        private long windowTotalLatency;
        private long windowBytes;
        private final long reportingInterval;
        private final Progress progress;

        Stats(long numRecords, int reportingInterval, Progress progress) {
            this.progress = progress;
            this.sampling = Math.max(1, numRecords / Math.min(numRecords == 0 ? 1 : numRecords, 500_000));
            this.latencies = new int[(int) (numRecords / sampling) + 1];
            this.reportingInterval = reportingInterval;
        }

        synchronized void record(int latency, int recordBytes, long time) {
            count++;
            bytes += recordBytes;
            totalLatency += latency;
            maxLatency = Math.max(maxLatency, latency);
            windowCount++;
            windowBytes += recordBytes;
            if (latency > windowMaxLatency) {
                windowMaxLatency = latency;
            }
            windowTotalLatency += latency;
            if (iteration % sampling == 0 && index < latencies.length) {
                latencies[index++] = latency;
            }
            iteration++;
            progress.completed(count);
            if (time - windowStart >= reportingInterval) {
                long elapsed = time - windowStart;
                double recsPerSec = 1000.0 * windowCount / elapsed;
                double mbPerSec = 1000.0 * windowBytes / elapsed / (1024.0 * 1024.0);
                progress.window(String.format("%d records sent, %.1f records/sec (%.2f MB/sec), %.1f ms avg latency, "
                                + "%.1f ms max latency.%n", windowCount, recsPerSec, mbPerSec,
                        windowTotalLatency / (double) windowCount, (double) windowMaxLatency));
                windowStart = time;
                windowCount = 0;
                windowMaxLatency = 0;
                windowTotalLatency = 0;
                windowBytes = 0;
            }
        }

        Callback nextCompletion(long sendStart, int recordBytes) {
            return new PerfCallback(sendStart, recordBytes, this);
        }

        synchronized String summary() {
            long elapsed = System.currentTimeMillis() - start;
            double recsPerSec = 1000.0 * count / elapsed;
            double mbPerSec = 1000.0 * bytes / elapsed / (1024.0 * 1024.0);
            int[] sorted = Arrays.copyOf(latencies, index);
            Arrays.sort(sorted);
            return String.format("%d records sent, %.1f records/sec (%.2f MB/sec), %.2f ms avg latency, "
                            + "%.2f ms max latency, %d ms 50th, %d ms 95th, %d ms 99th, %d ms 99.9th.%n",
                    count, recsPerSec, mbPerSec, totalLatency / (double) Math.max(1, count), (double) maxLatency,
                    pct(sorted, 0.5), pct(sorted, 0.95), pct(sorted, 0.99), pct(sorted, 0.999));
        }

        private static int pct(int[] sorted, double p) {
            return sorted.length == 0 ? 0 : sorted[(int) (p * sorted.length)];
        }
    }

    private record PerfCallback(long start, int bytes, Stats stats) implements Callback {
        @Override
        public void onCompletion(RecordMetadata metadata, Exception exception) {
            long now = System.currentTimeMillis();
            stats.record((int) (now - start), bytes, now);
            if (exception != null) {
                exception.printStackTrace();
            }
        }
    }

    /** Kafka's ThroughputThrottler: sleeps to hold a target records/s; -1 means no limit. */
    private static final class Throttler {
        private final double target;
        private final long startMs;

        Throttler(double target, long startMs) {
            this.target = target;
            this.startMs = startMs;
        }

        boolean shouldThrottle(long sent, long nowMs) {
            if (target < 0) {
                return false;
            }
            double elapsedSec = (nowMs - startMs) / 1000.0;
            return elapsedSec > 0 && sent / elapsedSec > target;
        }

        void throttle() {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
