package io.samsa.bench.compare;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The quota runs' clients (issue 14): one stock KafkaProducer or KafkaConsumer per {@code --client-ids} entry, each
 * with that {@code client.id} on its own thread, all flat out for the same {@code --seconds} from one start instant.
 * <pre>
 * QuotaClients --bootstrap-server HOST:PORT --topic T --mode produce|consume --client-ids limited,unlimited
 *     [--seconds 20] [--record-size 1024]
 * </pre>
 * Produce: acks=1, client defaults otherwise, one random value sent again and again; a record's bytes count in the
 * second of its ack. Consume: assign() of every partition from the beginning, back to the beginning whenever the
 * end (as it was at the start) is reached, so a pre-filled topic lasts any run; a record counts in the second its
 * poll returned it. Either counts key + value bytes ("payload"); "wire" is the client's network bytes
 * ({@code outgoing-byte-total} / {@code incoming-byte-total}), what the broker's quota measures more closely.
 * Prints per client one line: {@code quota-client: ID MODE, B bytes, wire W bytes, throttle max T ms, per second:
 * b0 b1 ...}, then {@code quota-clients cpu: S s} (this JVM's CPU time); exit 1 if a client failed. Threads: main
 * plus one per client (and the clients' own I/O threads).
 */
public final class QuotaClients {
    private QuotaClients() {
    }

    public static void main(String[] args) throws InterruptedException {
        String bootstrap = null;
        String topic = null;
        String mode = null;
        List<String> ids = List.of();
        int seconds = 20;
        int size = 1024;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--bootstrap-server" -> bootstrap = v;
                case "--topic" -> topic = v;
                case "--mode" -> mode = v;
                case "--client-ids" -> ids = Arrays.stream(v.split(",")).map(String::trim).toList();
                case "--seconds" -> seconds = Integer.parseInt(v);
                case "--record-size" -> size = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (bootstrap == null || topic == null || ids.isEmpty() || seconds < 1
                || !("produce".equals(mode) || "consume".equals(mode))) {
            System.err.println("usage: QuotaClients --bootstrap-server HOST:PORT --topic T --mode produce|consume"
                    + " --client-ids A,B [--seconds S] [--record-size B]");
            System.exit(2);
        }
        CountDownLatch ready = new CountDownLatch(ids.size());
        CountDownLatch go = new CountDownLatch(1);
        long[] start = new long[1];
        List<Client> clients = new ArrayList<>();
        for (String id : ids) {
            clients.add(new Client(id, mode, bootstrap, topic, seconds, size, ready, go, start));
        }
        clients.forEach(Thread::start);
        ready.await();
        start[0] = System.nanoTime();
        go.countDown();
        boolean ok = true;
        for (Client c : clients) {
            c.join();
        }
        // The client JVM's own CPU (all clients, their I/O threads, GC): a spinning client shows here.
        double cpuSeconds = ((com.sun.management.OperatingSystemMXBean) ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
        System.out.println(String.format(Locale.ROOT, "quota-clients cpu: %.2f s", cpuSeconds));
        for (Client c : clients) {
            if (c.error.get() != null) {
                System.err.println("quota-client " + c.id + " failed: " + c.error.get());
                ok = false;
                continue;
            }
            StringBuilder perSecond = new StringBuilder();
            long total = 0;
            for (int s = 0; s < seconds; s++) {
                perSecond.append(' ').append(c.perSecond.get(s));
                total += c.perSecond.get(s);
            }
            System.out.println(String.format(Locale.ROOT, "quota-client: %s %s, %d bytes, wire %d bytes, "
                    + "throttle max %.1f ms, per second:%s", c.id, mode, total, c.wireBytes, c.throttleMaxMs,
                    perSecond));
        }
        System.exit(ok ? 0 : 1);
    }

    /** One client on its own thread; its figures are read by main after join(). */
    private static final class Client extends Thread {
        private final String id;
        private final String mode;
        private final String bootstrap;
        private final String topic;
        private final int seconds;
        private final int size;
        private final CountDownLatch ready;
        private final CountDownLatch go;
        private final long[] start;
        private final AtomicLongArray perSecond;
        private final AtomicReference<String> error = new AtomicReference<>();
        private long wireBytes;
        private double throttleMaxMs = Double.NaN;

        Client(String id, String mode, String bootstrap, String topic, int seconds, int size, CountDownLatch ready,
               CountDownLatch go, long[] start) {
            super("quota-client-" + id);
            this.id = id;
            this.mode = mode;
            this.bootstrap = bootstrap;
            this.topic = topic;
            this.seconds = seconds;
            this.size = size;
            this.ready = ready;
            this.go = go;
            this.start = start;
            this.perSecond = new AtomicLongArray(seconds);
        }

        @Override
        public void run() {
            try {
                if (mode.equals("produce")) {
                    produce();
                } else {
                    consume();
                }
            } catch (Exception e) {
                error.set(e.toString());
                ready.countDown(); // never leave main waiting for a client that failed before the start
            }
        }

        private void count(long now, long bytes) {
            int s = (int) ((now - start[0]) / 1_000_000_000L);
            if (s >= 0 && s < seconds) {
                perSecond.addAndGet(s, bytes);
            }
        }

        private void produce() throws InterruptedException {
            Properties p = props();
            p.setProperty("acks", "1");
            // A throttled producer's buffer stays full: a send may wait for room, but not past the run's end.
            p.setProperty("max.block.ms", "1000");
            byte[] value = new byte[size];
            for (int i = 0; i < size; i++) {
                value[i] = (byte) ('A' + ThreadLocalRandom.current().nextInt(26));
            }
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                awaitMetadata(() -> producer.partitionsFor(topic)); // before the clock starts
                ready.countDown();
                go.await();
                long end = start[0] + seconds * 1_000_000_000L;
                while (System.nanoTime() < end) {
                    try {
                        producer.send(new ProducerRecord<>(topic, value), (md, e) -> {
                            if (e == null) {
                                count(System.nanoTime(), size);
                            }
                        });
                    } catch (org.apache.kafka.common.errors.TimeoutException full) {
                        // the buffer stayed full for max.block.ms (throttled): try again until the end
                    }
                }
                wireBytes = (long) metric(producer.metrics(), "producer-metrics", "outgoing-byte-total");
                throttleMaxMs = metric(producer.metrics(), "producer-metrics", "produce-throttle-time-max");
                producer.close(Duration.ZERO); // what is still buffered is not part of the run
            }
        }

        private void consume() throws InterruptedException {
            Properties p = props();
            p.setProperty("enable.auto.commit", "false");
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                List<TopicPartition> parts = awaitMetadata(() -> consumer.partitionsFor(topic)).stream()
                        .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
                consumer.assign(parts);
                consumer.seekToBeginning(parts);
                Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
                parts.forEach(consumer::position);
                ready.countDown();
                go.await();
                long end = start[0] + seconds * 1_000_000_000L;
                while (System.nanoTime() < end) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                    long bytes = 0;
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        bytes += Math.max(0, r.serializedKeySize()) + Math.max(0, r.serializedValueSize());
                    }
                    count(System.nanoTime(), bytes);
                    List<TopicPartition> done = parts.stream()
                            .filter(tp -> consumer.position(tp) >= ends.get(tp)).collect(Collectors.toList());
                    if (!done.isEmpty()) {
                        consumer.seekToBeginning(done);
                    }
                }
                wireBytes = (long) metric(consumer.metrics(), "consumer-metrics", "incoming-byte-total");
                throttleMaxMs = metric(consumer.metrics(), "consumer-fetch-manager-metrics",
                        "fetch-throttle-time-max");
            }
        }

        /**
         * The topic's partitions, asking again for up to 60 s: a topic just created may take a moment to reach the
         * broker's metadata, longer than the producer's short max.block.ms.
         */
        private static List<PartitionInfo> awaitMetadata(Supplier<List<PartitionInfo>> ask) {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (true) {
                try {
                    List<PartitionInfo> parts = ask.get();
                    if (parts != null && !parts.isEmpty()) {
                        return parts;
                    }
                } catch (org.apache.kafka.common.errors.TimeoutException notYet) {
                    // asked again below
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no metadata for the topic after 60 s");
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }

        private Properties props() {
            Properties p = new Properties();
            p.setProperty("bootstrap.servers", bootstrap);
            p.setProperty("client.id", id);
            return p;
        }

        private static double metric(Map<MetricName, ? extends Metric> metrics, String group, String name) {
            return metrics.entrySet().stream()
                    .filter(e -> e.getKey().group().equals(group) && e.getKey().name().equals(name))
                    .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                    .filter(v -> !Double.isInfinite(v)).max().orElse(Double.NaN);
        }
    }
}
