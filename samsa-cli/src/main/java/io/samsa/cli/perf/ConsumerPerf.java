package io.samsa.cli.perf;

import java.io.FileInputStream;
import java.io.InputStream;
import java.text.SimpleDateFormat;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import io.samsa.clients.consumer.SamsaConsumer;

/**
 * Kafka's {@code ConsumerPerformance}, same flags and summary line, for SamsaConsumer or KafkaConsumer:
 * <pre>
 * ConsumerPerf --bootstrap-server 127.0.0.1:9092 --topic t --messages 2000000 [--group g] [--fetch-size 1048576]
 *     [--timeout 10000] [--consumer samsa|kafka] [--consumer.config F] [--hide-header]
 * </pre>
 * Subscribes with a group, reads from the earliest offset until {@code --messages} records arrived or nothing came
 * for {@code --timeout} ms, then prints {@code start.time, end.time, data.consumed.in.MB, MB.sec,
 * data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec}.
 */
public final class ConsumerPerf {
    public static final String HEADER = "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, "
            + "nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec";

    private ConsumerPerf() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = null;
        String topic = null;
        long messages = -1;
        String group = "perf-consumer-" + ThreadLocalRandom.current().nextInt(100_000);
        int fetchSize = 1024 * 1024;
        long timeoutMs = 10_000;
        String impl = "samsa";
        boolean header = true;
        Properties props = new Properties();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--bootstrap-server" -> bootstrap = args[++i];
                case "--topic" -> topic = args[++i];
                case "--messages" -> messages = Long.parseLong(args[++i]);
                case "--group" -> group = args[++i];
                case "--fetch-size" -> fetchSize = Integer.parseInt(args[++i]);
                case "--timeout" -> timeoutMs = Long.parseLong(args[++i]);
                case "--consumer" -> impl = args[++i];
                case "--hide-header" -> header = false;
                case "--consumer.config", "--command-config" -> {
                    try (InputStream in = new FileInputStream(args[++i])) {
                        props.load(in);
                    }
                }
                default -> throw new IllegalArgumentException("Unknown argument " + args[i]);
            }
        }
        if (bootstrap == null || topic == null || messages < 0) {
            System.err.println("usage: ConsumerPerf --bootstrap-server HOST:PORT --topic T --messages N [--group G]"
                    + " [--fetch-size B] [--timeout MS] [--consumer samsa|kafka] [--consumer.config F]"
                    + " [--hide-header]");
            System.exit(1);
        }
        props.setProperty("bootstrap.servers", bootstrap);
        props.setProperty("group.id", group);
        props.setProperty("max.partition.fetch.bytes", String.valueOf(fetchSize));
        props.putIfAbsent("receive.buffer.bytes", String.valueOf(2 * 1024 * 1024));
        props.putIfAbsent("auto.offset.reset", "earliest");
        props.putIfAbsent("check.crcs", "false");
        props.putIfAbsent("client.id", "perf-consumer-client");
        if (header) {
            System.out.println(HEADER);
        }
        System.out.println(run(topic, messages, timeoutMs, impl, props));
    }

    /** Runs the benchmark; returns the summary line. */
    public static String run(String topic, long messages, long timeoutMs, String impl, Properties props) {
        long[] joinStart = {0};
        long[] joinTime = {0};
        long bytes = 0;
        long count = 0;
        long start;
        long end;
        try (Consumer<byte[], byte[]> consumer = "kafka".equals(impl)
                ? new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                : new SamsaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            start = System.currentTimeMillis();
            joinStart[0] = start;
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    joinStart[0] = System.currentTimeMillis();
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    joinTime[0] += System.currentTimeMillis() - joinStart[0];
                }
            });
            long lastConsumed = System.currentTimeMillis();
            long now = lastConsumed;
            while (count < messages && now - lastConsumed <= timeoutMs) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                now = System.currentTimeMillis();
                if (!records.isEmpty()) {
                    lastConsumed = now;
                }
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    count++;
                    if (r.key() != null) {
                        bytes += r.key().length;
                    }
                    if (r.value() != null) {
                        bytes += r.value().length;
                    }
                }
            }
            end = System.currentTimeMillis();
            if (count < messages) {
                System.err.printf("WARNING: Exiting before consuming the expected number of messages: timeout (%d ms) "
                        + "exceeded.%n", timeoutMs);
            }
        }
        double elapsedSec = (end - start) / 1000.0;
        long fetchTimeMs = end - start - joinTime[0];
        double mb = bytes / (1024.0 * 1024.0);
        SimpleDateFormat fmt = new SimpleDateFormat("yyyy-MM-dd HH:mm:ss:SSS");
        return String.format("%s, %s, %.4f, %.4f, %d, %.4f, %d, %d, %.4f, %.4f", fmt.format(start), fmt.format(end),
                mb, mb / elapsedSec, count, count / elapsedSec, joinTime[0], fetchTimeMs,
                fetchTimeMs <= 0 ? 0.0 : mb / (fetchTimeMs / 1000.0),
                fetchTimeMs <= 0 ? 0.0 : count / (fetchTimeMs / 1000.0));
    }
}
