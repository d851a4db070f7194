package io.samsa.bench.compare;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Kafka's ConsumerPerformance (its settings, header and summary line) with the stock KafkaConsumer reading every
 * partition directly ({@code assign}, no group), so it runs against a broker without a group coordinator too:
 * <pre>
 * AssignedConsumerPerf --bootstrap-server HOST:PORT --topic T --num-records N [--timeout MS] [--fetch-size B]
 *     [--isolation-level read_uncommitted|read_committed]
 * </pre>
 * The consumer's default isolation level (read_uncommitted) unless {@code --isolation-level} says otherwise: the
 * transactions runs read their topic both ways.
 */
public final class AssignedConsumerPerf {
    private AssignedConsumerPerf() {
    }

    public static void main(String[] args) {
        String bootstrap = null;
        String topic = null;
        long records = -1;
        long timeoutMs = 10_000;
        int fetchSize = 1024 * 1024;
        String isolation = "read_uncommitted";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--bootstrap-server" -> bootstrap = args[i + 1];
                case "--topic" -> topic = args[i + 1];
                case "--num-records", "--messages" -> records = Long.parseLong(args[i + 1]);
                case "--timeout" -> timeoutMs = Long.parseLong(args[i + 1]);
                case "--fetch-size" -> fetchSize = Integer.parseInt(args[i + 1]);
                case "--isolation-level" -> isolation = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (bootstrap == null || topic == null || records < 0) {
            System.err.println("usage: AssignedConsumerPerf --bootstrap-server HOST:PORT --topic T --num-records N"
                    + " [--timeout MS] [--fetch-size BYTES] [--isolation-level read_uncommitted|read_committed]");
            System.exit(2);
        }
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        p.setProperty("enable.auto.commit", "false");
        p.setProperty("auto.offset.reset", "earliest");
        p.setProperty("isolation.level", isolation);
        // ConsumerPerformance's settings.
        p.setProperty("max.partition.fetch.bytes", Integer.toString(fetchSize));
        p.setProperty("receive.buffer.bytes", Integer.toString(2 * 1024 * 1024));
        p.setProperty("check.crcs", "false");
        System.out.println("start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, "
                + "rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec");
        long count = 0;
        long bytes = 0;
        long start;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            start = System.currentTimeMillis(); // as ConsumerPerformance: the clock starts once the consumer exists
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                parts.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long lastRecord = System.currentTimeMillis();
            while (count < records) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                long now = System.currentTimeMillis();
                if (batch.isEmpty()) {
                    if (now - lastRecord > timeoutMs) {
                        System.err.printf("no record for %d ms; read %d of %d%n", timeoutMs, count, records);
                        break;
                    }
                    continue;
                }
                lastRecord = now;
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    count++;
                    bytes += (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
                }
            }
        }
        long end = System.currentTimeMillis();
        double mb = bytes / (1024.0 * 1024.0);
        double sec = Math.max(1, end - start) / 1000.0;
        System.out.printf(Locale.ROOT, "%d, %d, %.4f, %.4f, %d, %.4f, 0, %d, %.4f, %.4f%n", start, end, mb, mb / sec,
                count, count / sec, end - start, mb / sec, count / sec);
        System.exit(count < records ? 1 : 0);
    }
}
