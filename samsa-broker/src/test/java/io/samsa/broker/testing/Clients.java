package io.samsa.broker.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import io.samsa.broker.SamsaBroker;

/** Stock kafka-clients set up the way the external tests use them. */
public final class Clients {
    /** A consumer that sees nothing new for this long is stuck: a liveness bound, not a speed assertion. */
    private static final Duration NO_PROGRESS_LIMIT = Duration.ofSeconds(60);

    private Clients() {
    }

    public static KafkaProducer<byte[], byte[]> producer(String bootstrap, Map<String, Object> overrides) {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", bootstrap);
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        p.putAll(overrides);
        return new KafkaProducer<>(p);
    }

    public static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        return consumer(bootstrap, Map.of());
    }

    public static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, Map<String, Object> overrides) {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", bootstrap);
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        p.put("enable.auto.commit", "false");
        p.put("auto.offset.reset", "none");
        p.putAll(overrides);
        return new KafkaConsumer<>(p);
    }

    public static Admin admin(String bootstrap) {
        return Admin.create(Map.of("bootstrap.servers", bootstrap));
    }

    /**
     * Waits until a fresh broker coordinates groups, for tests that send group requests over a raw connection
     * without FindCoordinator: a stock Admin's first group call makes the broker create {@code __consumer_offsets}
     * (as Kafka does on the first FindCoordinator), then every partition's groups finish loading.
     */
    public static void awaitGroupCoordinator(SamsaBroker broker) throws Exception {
        try (Admin admin = admin(broker.bootstrapServers())) {
            admin.listConsumerGroupOffsets("__samsa-test-warm-up").partitionsToOffsetAndMetadata()
                    .get(60, TimeUnit.SECONDS);
        }
        broker.groupCoordinator().loaded().get(60, TimeUnit.SECONDS);
    }

    /** Log end offset ("latest") of each partition, through the Admin ListOffsets API. */
    public static Map<TopicPartition, Long> endOffsets(String bootstrap, Set<TopicPartition> partitions)
            throws Exception {
        try (Admin admin = admin(bootstrap)) {
            Map<TopicPartition, OffsetSpec> req = new HashMap<>();
            partitions.forEach(tp -> req.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> res = admin.listOffsets(req).all().get();
            Map<TopicPartition, Long> out = new HashMap<>();
            res.forEach((tp, info) -> out.put(tp, info.offset()));
            return out;
        }
    }

    /** Every record of {@code tp} in [from, until), read with a fresh consumer (assign + seek). */
    public static List<ConsumerRecord<byte[], byte[]>> read(String bootstrap, TopicPartition tp, long from,
            long until) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        if (until <= from) {
            return out;
        }
        try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap)) {
            c.assign(List.of(tp));
            c.seek(tp, from);
            long lastProgress = System.nanoTime();
            while (c.position(tp) < until) {
                var records = c.poll(Duration.ofMillis(500));
                if (!records.isEmpty()) {
                    lastProgress = System.nanoTime();
                }
                for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                    if (r.offset() < until) {
                        out.add(r);
                    }
                }
                if (System.nanoTime() - lastProgress > NO_PROGRESS_LIMIT.toNanos()) {
                    throw new AssertionError("consumer of " + tp + " stuck at position " + c.position(tp)
                            + " before " + until + " (read " + out.size() + " records)");
                }
            }
        }
        return out;
    }
}
