package io.samsa.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.testing.Clients;

/**
 * A broker closed and started again on the same data directory (small segments, so partitions span many
 * files) keeps its topics (names, partition counts, topic ids), end offsets and every record, and producing
 * continues at the next offset. Done twice, so the second start reads what the first restart wrote.
 */
class RestartTest {
    static final Map<String, Integer> TOPICS = Map.of("restart-a", 3, "restart-b", 1, "restart.c_2", 2);

    @TempDir
    Path dataDir;

    record Written(TopicPartition tp, long offset, byte[] key, byte[] value, long timestamp) {
    }

    SamsaBroker start() throws Exception {
        return SamsaBroker.start(Map.of(
                "listeners", "PLAINTEXT://127.0.0.1:0",
                "log.dirs", dataDir.toString(),
                "internal.log.segment.bytes", "65536"));
    }

    @Test
    void topicsOffsetsAndDataSurviveRestarts() throws Exception {
        Map<String, Uuid> ids = new HashMap<>();
        List<Written> written = new ArrayList<>();
        Set<TopicPartition> partitions = new HashSet<>();
        TOPICS.forEach((t, n) -> {
            for (int p = 0; p < n; p++) {
                partitions.add(new TopicPartition(t, p));
            }
        });

        Map<TopicPartition, Long> ends;
        try (SamsaBroker broker = start()) {
            try (Admin admin = Clients.admin(broker.bootstrapServers())) {
                List<NewTopic> nts = new ArrayList<>();
                TOPICS.forEach((t, n) -> nts.add(new NewTopic(t, n, (short) 1)));
                admin.createTopics(nts).all().get();
                admin.describeTopics(TOPICS.keySet()).allTopicNames().get()
                        .forEach((t, d) -> ids.put(t, d.topicId()));
            }
            assertThat(ids.values()).doesNotContainNull().doesNotHaveDuplicates()
                    .noneMatch(id -> id.equals(Uuid.ZERO_UUID));
            produce(broker, 0, 6000, written);
            ends = Clients.endOffsets(broker.bootstrapServers(), partitions);
        }
        assertThat(ends.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(6000);

        for (int round = 1; round <= 2; round++) {
            try (SamsaBroker broker = start()) {
                String bs = broker.bootstrapServers();
                try (Admin admin = Clients.admin(bs)) {
                    assertThat(admin.listTopics().names().get()).as("round %d topics", round)
                            .containsExactlyInAnyOrderElementsOf(TOPICS.keySet());
                    Map<String, TopicDescription> ds = admin.describeTopics(TOPICS.keySet()).allTopicNames().get();
                    for (var e : TOPICS.entrySet()) {
                        TopicDescription d = ds.get(e.getKey());
                        assertThat(d.partitions()).as("round %d partitions of %s", round, e.getKey())
                                .hasSize(e.getValue());
                        assertThat(d.topicId()).as("round %d topic id of %s", round, e.getKey())
                                .isEqualTo(ids.get(e.getKey()));
                    }
                }
                assertThat(Clients.endOffsets(bs, partitions)).as("round %d end offsets", round).isEqualTo(ends);
                assertAllPresent(bs, written, ends);

                // Producing continues exactly at the end offset of each partition.
                int before = written.size();
                produce(broker, 100_000 * round, 900, written);
                Map<TopicPartition, Long> next = new HashMap<>();
                for (Written w : written.subList(before, written.size())) {
                    long expected = next.getOrDefault(w.tp, ends.get(w.tp));
                    assertThat(w.offset).as("round %d: new record offset in %s", round, w.tp).isEqualTo(expected);
                    next.put(w.tp, expected + 1);
                }
                ends = Clients.endOffsets(bs, partitions);
                assertAllPresent(bs, written, ends);
            }
        }
    }

    @Test
    void addedPartitionsAndDeletedTopicsStayThatWayAfterRestart() throws Exception {
        Uuid keptId;
        Uuid deletedId;
        try (SamsaBroker broker = start(); Admin admin = Clients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("grows", 2, (short) 1), new NewTopic("goes", 1, (short) 1)))
                    .all().get();
            admin.createPartitions(Map.of("grows", org.apache.kafka.clients.admin.NewPartitions.increaseTo(5)))
                    .all().get();
            try (KafkaProducer<byte[], byte[]> p = Clients.producer(broker.bootstrapServers(), Map.of())) {
                p.send(new ProducerRecord<>("goes", 0, null, "old".getBytes(StandardCharsets.UTF_8))).get();
                p.send(new ProducerRecord<>("grows", 4, null, "p4".getBytes(StandardCharsets.UTF_8))).get();
            }
            var ds = admin.describeTopics(List.of("grows", "goes")).allTopicNames().get();
            keptId = ds.get("grows").topicId();
            deletedId = ds.get("goes").topicId();
            admin.deleteTopics(List.of("goes")).all().get();
        }
        try (SamsaBroker broker = start(); Admin admin = Clients.admin(broker.bootstrapServers())) {
            assertThat(admin.listTopics().names().get()).containsExactly("grows");
            TopicDescription d = admin.describeTopics(List.of("grows")).allTopicNames().get().get("grows");
            assertThat(d.partitions()).hasSize(5);
            assertThat(d.topicId()).isEqualTo(keptId);
            TopicPartition p4 = new TopicPartition("grows", 4);
            assertThat(Clients.read(broker.bootstrapServers(), p4, 0, 1)).extracting(r -> new String(r.value(),
                    StandardCharsets.UTF_8)).containsExactly("p4");

            // The deleted topic can be created again: a new id and none of the old data.
            admin.createTopics(List.of(new NewTopic("goes", 1, (short) 1))).all().get();
            Uuid newId = admin.describeTopics(List.of("goes")).allTopicNames().get().get("goes").topicId();
            assertThat(newId).isNotEqualTo(deletedId);
            TopicPartition goes0 = new TopicPartition("goes", 0);
            assertThat(Clients.endOffsets(broker.bootstrapServers(), Set.of(goes0)).get(goes0)).isZero();
        }
    }

    private static void assertAllPresent(String bs, List<Written> written, Map<TopicPartition, Long> ends) {
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> logs = new HashMap<>();
        ends.forEach((tp, end) -> {
            List<ConsumerRecord<byte[], byte[]>> rs = Clients.read(bs, tp, 0, end);
            assertThat(rs).as("records of %s", tp).hasSize(end.intValue());
            for (int i = 0; i < rs.size(); i++) {
                assertThat(rs.get(i).offset()).as("%s record #%d offset", tp, i).isEqualTo(i);
            }
            logs.put(tp, rs);
        });
        for (Written w : written) {
            ConsumerRecord<byte[], byte[]> r = logs.get(w.tp).get((int) w.offset);
            assertThat(r.key()).as("key at %s@%d", w.tp, w.offset).isEqualTo(w.key);
            assertThat(r.value()).as("value at %s@%d", w.tp, w.offset).isEqualTo(w.value);
            assertThat(r.timestamp()).as("timestamp at %s@%d", w.tp, w.offset).isEqualTo(w.timestamp);
        }
    }

    private static void produce(SamsaBroker broker, int from, int count, List<Written> out) throws Exception {
        List<String> topics = new ArrayList<>(TOPICS.keySet());
        topics.sort(null);
        long ts = System.currentTimeMillis() - 100_000;
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker.bootstrapServers(),
                Map.of("linger.ms", "2", "batch.size", "4096"))) {
            List<Future<RecordMetadata>> fs = new ArrayList<>();
            List<ProducerRecord<byte[], byte[]>> recs = new ArrayList<>();
            for (int i = from; i < from + count; i++) {
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topics.get(i % topics.size()), null, ts + i,
                        ("k" + i).getBytes(StandardCharsets.UTF_8),
                        ("restart-value-" + i + "-" + "z".repeat(i % 40)).getBytes(StandardCharsets.UTF_8));
                recs.add(r);
                fs.add(producer.send(r));
            }
            for (int i = 0; i < fs.size(); i++) {
                RecordMetadata md = fs.get(i).get();
                ProducerRecord<byte[], byte[]> r = recs.get(i);
                out.add(new Written(new TopicPartition(md.topic(), md.partition()), md.offset(), r.key(), r.value(),
                        r.timestamp()));
            }
        }
    }
}
