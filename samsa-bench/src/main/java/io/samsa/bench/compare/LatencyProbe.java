package io.samsa.bench.compare;

import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The compaction runs' produce-latency probe: a stock KafkaProducer (acks=all, linger.ms=0) sending fixed-size
 * records at a fixed rate from its own thread, and each send's latency from its place on the timetable to its ack
 * (so a stalled broker is not hidden by sends that were never made: no coordinated omission). Latencies are kept
 * with their scheduled send times, so one probe covers a baseline window and a cleaning window. The sender thread
 * writes the timetable; producer I/O threads record acks; the run's thread reads {@link #latenciesMs}.
 */
final class LatencyProbe implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final long periodNanos;
    private final byte[] value;
    private final Thread sender;
    /** Pairs (scheduled send nanos, latency nanos), appended under the lock. */
    private long[] samples = new long[1 << 16];
    private int count;
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<String> lastError = new AtomicReference<>("");
    private volatile boolean running = true;

    LatencyProbe(String bootstrap, String topic, int rate, int recordBytes) {
        Properties p = Compare.clientProps(bootstrap);
        p.setProperty("acks", "all");
        p.setProperty("linger.ms", "0");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        this.value = new byte[recordBytes];
        ThreadLocalRandom.current().nextBytes(value);
        this.sender = new Thread(this::sendLoop, "compaction-latency-probe");
        sender.setDaemon(true);
    }

    void start() {
        sender.start();
    }

    long failed() {
        return failed.get();
    }

    String lastError() {
        return lastError.get();
    }

    /** The latencies (ms, sorted) of the acknowledged sends scheduled in [fromNanos, toNanos). */
    synchronized double[] latenciesMs(long fromNanos, long toNanos) {
        double[] out = new double[count];
        int n = 0;
        for (int i = 0; i < count; i++) {
            long sent = samples[2 * i];
            if (sent >= fromNanos && sent < toNanos) {
                out[n++] = samples[2 * i + 1] / 1e6;
            }
        }
        double[] window = Arrays.copyOf(out, n);
        Arrays.sort(window);
        return window;
    }

    /** The value at quantile q (0..1) of sorted values, nearest rank; NaN when empty. */
    static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    private synchronized void record(long scheduledNanos, long latencyNanos) {
        if (2 * count + 2 > samples.length) {
            samples = Arrays.copyOf(samples, samples.length * 2);
        }
        samples[2 * count] = scheduledNanos;
        samples[2 * count + 1] = latencyNanos;
        count++;
    }

    private void sendLoop() {
        long next = System.nanoTime();
        while (running) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                continue;
            }
            long scheduled = next;
            next += periodNanos;
            try {
                producer.send(new ProducerRecord<>(topic, value), (md, e) -> {
                    if (e != null) {
                        failed.incrementAndGet();
                        lastError.set(e.toString());
                    } else {
                        record(scheduled, System.nanoTime() - scheduled);
                    }
                });
            } catch (RuntimeException e) {
                failed.incrementAndGet();
                lastError.set(e.toString());
            }
        }
    }

    /** Stops sending and waits (up to 30 s) for the acks of what was sent; a second call does nothing. */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        try {
            sender.join(TimeUnit.SECONDS.toMillis(70));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(30));
    }
}
