package io.samsa.broker.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.samsa.broker.SamsaBroker;
import io.samsa.log.Log;

/**
 * A topic created with cleanup.policy=compact through the stock Admin client is compacted by the broker's log
 * cleaner: a stock consumer reading it from the start afterwards sees about one record per key, each key's newest
 * value, at the offsets the producer was told; a record without a key is refused as Kafka refuses it.
 */
class CompactedTopicTest {

    static final String TOPIC = "compacted";

    @Test
    void aCompactedTopicKeepsTheNewestValueOfEachKey() throws Exception {
        try (SamsaBroker broker = SamsaBroker.startEmbedded(Map.of("log.cleaner.backoff.ms", "50"));
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1).configs(Map.of("cleanup.policy", "compact",
                    "internal.segment.bytes", "2048", "min.cleanable.dirty.ratio", "0.1")))).all().get();
            Map<String, Long> offsetOfNewest = new LinkedHashMap<>();
            Map<String, String> newest = new LinkedHashMap<>();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(broker))) {
                for (int round = 0; round < 40; round++) {
                    for (int k = 0; k < 10; k++) {
                        String key = "key-" + k;
                        String value = round == 39 && k < 2 ? null : key + "@" + round; // two tombstones at the end
                        long offset = producer.send(new ProducerRecord<>(TOPIC, key, value)).get().offset();
                        offsetOfNewest.put(key, offset);
                        newest.put(key, value);
                    }
                }
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(TOPIC, null, "no key")).get())
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(InvalidRecordException.class);
            }
            // 400 one-record batches of about 80 bytes each were written; the cleaner runs meanwhile too.
            Log log = broker.topics().log(TOPIC, 0);
            assertThat(log.config().compact()).isTrue();
            await("the cleaner compacts the topic", () -> log.sizeInBytes() < 8_000,
                    () -> log.sizeInBytes() + " bytes in " + log.segmentCount() + " segments");

            List<ConsumerRecord<String, String>> read = readAll(broker);
            Map<String, ConsumerRecord<String, String>> lastRead = new LinkedHashMap<>();
            long previous = -1;
            for (ConsumerRecord<String, String> r : read) {
                assertThat(r.offset()).isGreaterThan(previous);
                previous = r.offset();
                lastRead.put(r.key(), r);
            }
            assertThat(read.size()).isLessThan(400 / 4); // 400 written
            assertThat(lastRead.keySet()).containsExactlyInAnyOrderElementsOf(newest.keySet());
            lastRead.forEach((key, r) -> {
                assertThat(r.value()).as(key).isEqualTo(newest.get(key));
                assertThat(r.offset()).as(key).isEqualTo(offsetOfNewest.get(key));
            });
        }
    }

    private static Properties producerProps(SamsaBroker broker) {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        p.put("linger.ms", "0");
        return p;
    }

    private static List<ConsumerRecord<String, String>> readAll(SamsaBroker broker) {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            assertThat(consumer.position(tp)).isEqualTo(end);
        }
        return out;
    }

    private static void await(String what, java.util.function.BooleanSupplier condition,
                              java.util.function.Supplier<Object> state) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for: " + what + "; state: " + state.get());
            }
            Thread.sleep(50);
        }
    }
}
