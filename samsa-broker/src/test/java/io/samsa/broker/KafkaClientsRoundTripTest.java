package io.samsa.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
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
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stock kafka-clients (the pinned version) against a Samsa broker: AdminClient creates a topic,
 * KafkaProducer with its defaults (idempotent, acks=all) sends keyed records with headers, KafkaConsumer
 * reads them all back, byte for byte, with contiguous offsets, each key in the partition KafkaProducer chose.
 */
class KafkaClientsRoundTripTest {
    static final int RECORDS = 100_000;
    static SamsaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = SamsaBroker.startEmbedded();
    }

    @AfterAll
    static void stop() throws Exception {
        broker.close();
    }

    @Test
    void produceAndConsume100kKeyedRecordsWithHeaders() throws Exception {
        String topic = "round-trip";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            assertThat(d.partitions()).hasSize(3);
            assertThat(admin.describeCluster().nodes().get()).hasSize(1);
        }

        List<Sent> sent = new ArrayList<>(RECORDS);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps())) {
            List<Future<RecordMetadata>> futures = new ArrayList<>(RECORDS);
            long baseTs = System.currentTimeMillis() - 10_000;
            for (int i = 0; i < RECORDS; i++) {
                byte[] key = ("key-" + (i % 997)).getBytes(StandardCharsets.UTF_8);
                byte[] value = ("value-" + i).getBytes(StandardCharsets.UTF_8);
                RecordHeaders headers = new RecordHeaders();
                headers.add("seq", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                long ts = baseTs + i;
                futures.add(producer.send(new ProducerRecord<>(topic, null, ts, key, value, headers)));
                sent.add(new Sent(key, value, ts, i));
            }
            for (int i = 0; i < RECORDS; i++) {
                RecordMetadata md = futures.get(i).get();
                sent.get(i).partition = md.partition();
                sent.get(i).offset = md.offset();
            }
        }

        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> received = consumeAll(topic, 3, RECORDS);
        int total = 0;
        for (int p = 0; p < 3; p++) {
            List<ConsumerRecord<byte[], byte[]>> records = received.get(new TopicPartition(topic, p));
            for (int i = 0; i < records.size(); i++) {
                assertThat(records.get(i).offset()).as("offsets contiguous from 0 in partition %d", p).isEqualTo(i);
            }
            total += records.size();
        }
        assertThat(total).isEqualTo(RECORDS);

        for (Sent s : sent) {
            int expectedPartition = Utils.toPositive(Utils.murmur2(s.key)) % 3;
            assertThat(s.partition).isEqualTo(expectedPartition);
            ConsumerRecord<byte[], byte[]> r = received.get(new TopicPartition(topic, s.partition)).get((int) s.offset);
            assertThat(r.key()).isEqualTo(s.key);
            assertThat(r.value()).isEqualTo(s.value);
            assertThat(r.timestamp()).isEqualTo(s.timestamp);
            assertThat(new String(r.headers().lastHeader("seq").value(), StandardCharsets.UTF_8))
                    .isEqualTo(Integer.toString(s.seq));
        }
    }

    private Properties producerProps() {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        return p;
    }

    static Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> consumeAll(String topic, int partitions,
                                                                               int expected) {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        p.put("enable.auto.commit", "false");
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> out = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                tps.add(new TopicPartition(topic, i));
                out.put(tps.get(i), new ArrayList<>());
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            int count = 0;
            long deadline = System.currentTimeMillis() + 60_000;
            while (count < expected && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    out.get(new TopicPartition(r.topic(), r.partition())).add(r);
                    count++;
                }
            }
        }
        return out;
    }

    static final class Sent {
        final byte[] key;
        final byte[] value;
        final long timestamp;
        final int seq;
        int partition;
        long offset;

        Sent(byte[] key, byte[] value, long timestamp, int seq) {
            this.key = key;
            this.value = value;
            this.timestamp = timestamp;
            this.seq = seq;
        }
    }
}
