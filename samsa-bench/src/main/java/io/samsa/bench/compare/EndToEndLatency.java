package io.samsa.bench.compare;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produce to consume latency at a fixed rate, with the stock KafkaProducer and KafkaConsumer (the broker is what
 * is measured). Each record carries its intended send time ({@code System.nanoTime()}, same JVM); the consumer
 * records now minus that. Sends are scheduled on a fixed timetable, so a stalled broker shows up as latency rather
 * than as fewer sends (no coordinated omission). The first {@code --warmup-seconds} are left out.
 * <pre>
 * EndToEndLatency --bootstrap-server HOST:PORT --topic T --rate 5000 --seconds 20 [--warmup-seconds 3]
 *     [--record-size 100] [--acks 1|all] [--compression none|lz4] [--consumer-property K=V]... [--producer-property K=V]...
 * </pre>
 * Prints {@code e2e: sent N, received M, rate R/s, p50 X ms, p99 Y ms, p99.9 Z ms, max W ms}.
 */
public final class EndToEndLatency {
    private EndToEndLatency() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = null;
        String topic = null;
        int rate = 5000;
        int seconds = 20;
        int warmup = 3;
        int size = 100;
        String acks = "1";
        String compression = "none";
        Properties extraConsumer = new Properties();
        Properties extraProducer = new Properties();
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--bootstrap-server" -> bootstrap = v;
                case "--topic" -> topic = v;
                case "--rate" -> rate = Integer.parseInt(v);
                case "--seconds" -> seconds = Integer.parseInt(v);
                case "--warmup-seconds" -> warmup = Integer.parseInt(v);
                case "--record-size" -> size = Math.max(8, Integer.parseInt(v));
                case "--acks" -> acks = v;
                case "--compression" -> compression = v;
                case "--consumer-property" -> extraConsumer.setProperty(v.substring(0, v.indexOf('=')),
                        v.substring(v.indexOf('=') + 1));
                case "--producer-property" -> extraProducer.setProperty(v.substring(0, v.indexOf('=')),
                        v.substring(v.indexOf('=') + 1));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (bootstrap == null || topic == null) {
            throw new IllegalArgumentException("--bootstrap-server and --topic are required");
        }
        long total = (long) rate * seconds;
        long warmupRecords = (long) rate * warmup;
        long[] latencies = new long[(int) Math.max(0, total - warmupRecords)];
        AtomicBoolean producing = new AtomicBoolean(true);

        Properties cp = new Properties();
        cp.setProperty("bootstrap.servers", bootstrap);
        cp.setProperty("enable.auto.commit", "false");
        cp.setProperty("auto.offset.reset", "earliest");
        Properties pp = new Properties();
        pp.setProperty("bootstrap.servers", bootstrap);
        pp.setProperty("acks", acks);
        pp.setProperty("compression.type", compression);
        pp.setProperty("linger.ms", "0"); // send each record now: the latency measured is the broker's, not linger's
        cp.putAll(extraConsumer);
        pp.putAll(extraProducer);

        long received = 0;
        long counted = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp, new ByteArraySerializer(),
                     new ByteArraySerializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                parts.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            parts.forEach(consumer::position); // resolve the start offsets before anything is sent
            producer.partitionsFor(topic); // metadata fetched before the clock starts

            String t = topic;
            int recordSize = size;
            int perSecond = rate;
            Thread sender = new Thread(() -> {
                long start = System.nanoTime();
                long interval = TimeUnit.SECONDS.toNanos(1) / perSecond;
                for (long i = 0; i < total; i++) {
                    long due = start + i * interval;
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(Math.min(wait, 200_000));
                    }
                    byte[] value = new byte[recordSize];
                    ByteBuffer.wrap(value).putLong(due).putLong(i);
                    producer.send(new ProducerRecord<>(t, value));
                }
                producer.flush();
                producing.set(false);
            }, "e2e-sender");
            sender.start();
            long idleSince = System.nanoTime();
            while (received < total) {
                var batch = consumer.poll(Duration.ofMillis(50));
                long now = System.nanoTime();
                if (batch.isEmpty()) {
                    if (!producing.get() && now - idleSince > TimeUnit.SECONDS.toNanos(10)) {
                        break;
                    }
                    continue;
                }
                idleSince = now;
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    ByteBuffer b = ByteBuffer.wrap(r.value());
                    long due = b.getLong();
                    long seq = b.getLong();
                    received++;
                    if (seq >= warmupRecords && counted < latencies.length) {
                        latencies[(int) counted++] = now - due;
                    }
                }
            }
            sender.join();
        }
        long[] sorted = Arrays.copyOf(latencies, (int) counted);
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "e2e: sent %d, received %d, rate %d/s, p50 %.3f ms, p99 %.3f ms, "
                        + "p99.9 %.3f ms, max %.3f ms%n", total, received, rate, pct(sorted, 0.50), pct(sorted, 0.99),
                pct(sorted, 0.999), sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6);
        System.exit(received < total ? 1 : 0);
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }
}
