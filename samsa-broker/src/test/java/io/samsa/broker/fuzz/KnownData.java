package io.samsa.broker.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.header.internals.RecordHeaders;

import io.samsa.broker.testing.Clients;

/**
 * Data written with stock clients before the fuzzing (records with acks=all, committed group offsets), and the
 * check that it reads back identically afterwards: same records at the same offsets from the beginning of
 * each partition, same committed offsets. The fuzzer may append to these topics; only the prefix written
 * here is compared. Used from the test thread only.
 */
final class KnownData {
    /** Every known topic and group name starts with this; {@link KnownDataGuard} looks for it. */
    static final String NAME_PREFIX = "KNOWNDATA";
    private static final int TOPICS = 3;
    private static final int PARTITIONS = 2;
    private static final int GROUPS = 2;

    private final List<String> topics = new ArrayList<>();
    private final List<String> groups = new ArrayList<>();
    private final Map<TopicPartition, List<RecordMetadata>> written = new HashMap<>();
    private final Map<TopicPartition, List<byte[]>> values = new HashMap<>();
    private final Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new HashMap<>();
    private final List<Uuid> topicIds = new ArrayList<>();

    KnownData() {
        for (int t = 0; t < TOPICS; t++) {
            topics.add(NAME_PREFIX + "-topic-" + t);
        }
        for (int g = 0; g < GROUPS; g++) {
            groups.add(NAME_PREFIX + "-group-" + g);
        }
    }

    /** Creates the topics, writes {@code recordsPerPartition} records to each partition, commits group offsets. */
    void write(String bootstrap, int recordsPerPartition) throws Exception {
        try (Admin admin = Clients.admin(bootstrap)) {
            admin.createTopics(topics.stream().map(t -> new NewTopic(t, PARTITIONS, (short) 1)).toList())
                    .all().get(30, TimeUnit.SECONDS);
            admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS)
                    .forEach((name, d) -> topicIds.add(d.topicId()));
        }
        Map<TopicPartition, List<Future<RecordMetadata>>> sends = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> p = Clients.producer(bootstrap, Map.of("acks", "all", "linger.ms", 5))) {
            for (String t : topics) {
                for (int partition = 0; partition < PARTITIONS; partition++) {
                    TopicPartition tp = new TopicPartition(t, partition);
                    for (int i = 0; i < recordsPerPartition; i++) {
                        byte[] value = (tp + " record " + i).getBytes(StandardCharsets.UTF_8);
                        RecordHeaders headers = new RecordHeaders();
                        headers.add("i", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                        values.computeIfAbsent(tp, k -> new ArrayList<>()).add(value);
                        sends.computeIfAbsent(tp, k -> new ArrayList<>()).add(p.send(new ProducerRecord<>(t,
                                partition, null, ("key-" + i).getBytes(StandardCharsets.UTF_8), value, headers)));
                    }
                }
            }
            p.flush();
        }
        for (var e : sends.entrySet()) {
            List<RecordMetadata> md = new ArrayList<>();
            for (Future<RecordMetadata> f : e.getValue()) {
                md.add(f.get(30, TimeUnit.SECONDS));
            }
            written.put(e.getKey(), md);
        }
        for (int g = 0; g < groups.size(); g++) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (TopicPartition tp : written.keySet()) {
                offsets.put(tp, new OffsetAndMetadata(1 + (g * 7 + tp.partition()) % recordsPerPartition,
                        "known " + g));
            }
            try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap, groups.get(g))) {
                c.commitSync(offsets);
            }
            committed.put(groups.get(g), offsets);
        }
    }

    KnownDataGuard guard() {
        return new KnownDataGuard(topics, topicIds, groups);
    }

    /** Throws AssertionError naming {@code when} if a known record or committed offset differs. */
    void assertIntact(String bootstrap, String when) throws Exception {
        try (Admin admin = Clients.admin(bootstrap)) {
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            written.keySet().forEach(tp -> earliest.put(tp, OffsetSpec.earliest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts =
                    admin.listOffsets(earliest).all().get(30, TimeUnit.SECONDS);
            for (TopicPartition tp : written.keySet()) {
                check(starts.get(tp).offset() == 0, when, tp + " log start offset moved to " + starts.get(tp).offset());
            }
            for (String g : groups) {
                Map<TopicPartition, OffsetAndMetadata> now = admin.listConsumerGroupOffsets(g)
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                check(committed.get(g).equals(now), when, "group " + g + " offsets " + now + ", expected "
                        + committed.get(g));
            }
        }
        for (var e : written.entrySet()) {
            TopicPartition tp = e.getKey();
            List<RecordMetadata> md = e.getValue();
            List<ConsumerRecord<byte[], byte[]>> read = Clients.read(bootstrap, tp, 0, md.get(md.size() - 1).offset() + 1);
            check(read.size() == md.size(), when, tp + ": read " + read.size() + " records, wrote " + md.size());
            for (int i = 0; i < md.size(); i++) {
                ConsumerRecord<byte[], byte[]> r = read.get(i);
                check(r.offset() == md.get(i).offset() && r.timestamp() == md.get(i).timestamp()
                        && Arrays.equals(r.key(), ("key-" + i).getBytes(StandardCharsets.UTF_8))
                        && Arrays.equals(r.value(), values.get(tp).get(i))
                        && Arrays.equals(r.headers().lastHeader("i").value(),
                                Integer.toString(i).getBytes(StandardCharsets.UTF_8)),
                        when, tp + " record " + i + " differs: read offset " + r.offset());
            }
        }
    }

    private static void check(boolean ok, String when, String what) {
        if (!ok) {
            throw new AssertionError("known data not intact after " + when + ": " + what);
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String group) {
        return new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap, "group.id", group,
                "enable.auto.commit", "false",
                "key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer",
                "value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer"));
    }
}
