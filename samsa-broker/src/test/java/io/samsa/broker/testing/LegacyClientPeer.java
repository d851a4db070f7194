package io.samsa.broker.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * A Kafka client program written only against the public producer / consumer / admin API, so that it runs
 * unchanged on an older kafka-clients jar in a child JVM (see LegacyKafkaClientTest).
 * <p>Args: bootstrap topic records expectedClientVersion [compression.type]. Exits 0 when every check passed, 1 (printing what
 * failed) otherwise, 2 on an unexpected exception.
 */
public final class LegacyClientPeer {
    private static final int PARTITIONS = 3;
    private static final List<String> failures = new ArrayList<>();

    private LegacyClientPeer() {
    }

    public static void main(String[] args) {
        try {
            run(args[0], args[1], Integer.parseInt(args[2]), args[3], args.length > 4 ? args[4] : null);
        } catch (Throwable t) {
            System.out.println("PEER-ERROR " + t);
            t.printStackTrace(System.out);
            System.exit(2);
        }
        if (failures.isEmpty()) {
            System.out.println("PEER-OK");
            System.exit(0);
        }
        System.out.println("PEER-FAILED " + failures.size() + " check(s):");
        failures.stream().limit(50).forEach(f -> System.out.println("  " + f));
        System.exit(1);
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            failures.add(what);
        }
    }

    private static void run(String bootstrap, String topic, int n, String expectedVersion, String compression)
            throws Exception {
        Properties info = new Properties();
        try (var in = KafkaProducer.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            if (in != null) {
                info.load(in);
            }
        }
        String version = info.getProperty("version", "unknown");
        System.out.println("kafka-clients version " + version + " from "
                + KafkaProducer.class.getProtectionDomain().getCodeSource().getLocation());
        check(version.equals(expectedVersion), "running kafka-clients " + version + ", expected " + expectedVersion);

        Properties common = new Properties();
        common.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(common)) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            check(d.partitions().size() == PARTITIONS, "describeTopics: " + d.partitions().size() + " partitions");
            check(admin.describeCluster().nodes().get().size() == 1, "describeCluster: not one node");
        }

        long baseTs = System.currentTimeMillis() - 60_000;
        int[] partitionOf = new int[n];
        long[] offsetOf = new long[n];
        Properties pp = new Properties();
        pp.putAll(common);
        pp.put("key.serializer", ByteArraySerializer.class.getName());
        pp.put("value.serializer", ByteArraySerializer.class.getName());
        if (compression != null) {
            pp.put("compression.type", compression);
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp)) { // defaults: idempotent, acks=all
            List<Future<RecordMetadata>> futures = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                futures.add(producer.send(new ProducerRecord<>(topic, null, baseTs + i, key(i), value(i), headers(i))));
            }
            for (int i = 0; i < n; i++) {
                RecordMetadata md = futures.get(i).get();
                partitionOf[i] = md.partition();
                offsetOf[i] = md.offset();
                int expected = Utils.toPositive(Utils.murmur2(key(i))) % PARTITIONS;
                if (md.partition() != expected) {
                    check(false, "record " + i + " went to partition " + md.partition() + ", murmur2 says " + expected);
                }
            }
        }

        Properties cp = new Properties();
        cp.putAll(common);
        cp.put("key.deserializer", ByteArrayDeserializer.class.getName());
        cp.put("value.deserializer", ByteArrayDeserializer.class.getName());
        cp.put("enable.auto.commit", "false");
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> got = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                tps.add(new TopicPartition(topic, p));
                got.put(tps.get(p), new ArrayList<>());
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            long total = end.values().stream().mapToLong(Long::longValue).sum();
            check(total == n, "end offsets sum to " + total + ", sent " + n);
            int read = 0;
            long lastProgress = System.nanoTime();
            while (read < total) {
                var batch = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    got.get(new TopicPartition(r.topic(), r.partition())).add(r);
                    read++;
                    lastProgress = System.nanoTime();
                }
                if (System.nanoTime() - lastProgress > Duration.ofSeconds(60).toNanos()) {
                    check(false, "consumer stuck after " + read + " of " + total + " records");
                    break;
                }
            }
        }

        // Contiguous offsets from 0 in every partition.
        for (var e : got.entrySet()) {
            List<ConsumerRecord<byte[], byte[]>> rs = e.getValue();
            for (int j = 0; j < rs.size(); j++) {
                if (rs.get(j).offset() != j) {
                    check(false, e.getKey() + ": record #" + j + " has offset " + rs.get(j).offset());
                    break;
                }
            }
        }
        // Every sent record at the offset it was acknowledged with, byte for byte.
        for (int i = 0; i < n; i++) {
            List<ConsumerRecord<byte[], byte[]>> rs = got.get(new TopicPartition(topic, partitionOf[i]));
            if (offsetOf[i] >= rs.size()) {
                check(false, "record " + i + " (p" + partitionOf[i] + "@" + offsetOf[i] + ") not read back");
                continue;
            }
            ConsumerRecord<byte[], byte[]> r = rs.get((int) offsetOf[i]);
            check(Arrays.equals(r.key(), key(i)), "record " + i + ": key differs");
            check(Arrays.equals(r.value(), value(i)), "record " + i + ": value differs");
            check(r.timestamp() == baseTs + i, "record " + i + ": timestamp " + r.timestamp() + " != " + (baseTs + i));
            Header[] hs = r.headers().toArray();
            Header[] want = headers(i).toArray();
            boolean same = hs.length == want.length;
            for (int h = 0; same && h < hs.length; h++) {
                same = hs[h].key().equals(want[h].key()) && Arrays.equals(hs[h].value(), want[h].value());
            }
            check(same, "record " + i + ": headers differ");
            if (failures.size() > 100) {
                return;
            }
        }
        System.out.println("read back " + n + " records");
    }

    static byte[] key(int i) {
        return ("key-" + (i % 499)).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] value(int i) {
        return ("value-" + i + "-" + "x".repeat(i % 50)).getBytes(StandardCharsets.UTF_8);
    }

    static RecordHeaders headers(int i) {
        RecordHeaders h = new RecordHeaders();
        h.add("seq", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
        if (i % 3 == 0) {
            h.add("empty", new byte[0]);
        }
        if (i % 5 == 0) {
            h.add("null", null);
        }
        return h;
    }
}
