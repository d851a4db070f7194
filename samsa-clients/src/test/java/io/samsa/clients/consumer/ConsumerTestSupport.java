package io.samsa.clients.consumer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.RecordMetadata;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Producing test data with a stock KafkaProducer, and polling until a condition holds. */
final class ConsumerTestSupport {
    private static final AtomicInteger TOPICS = new AtomicInteger();

    private ConsumerTestSupport() {
    }

    static String newTopic(String prefix) {
        return prefix + "-" + System.nanoTime() % 100000 + "-" + TOPICS.incrementAndGet();
    }

    /** Produces {@code count} records "k{i}"/"v{i}" with header h=i, round robin over {@code partitions}. */
    static void produce(String bootstrap, String topic, int partitions, int from, int count) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        p.setProperty("linger.ms", "5");
        // One request at a time: a retried first batch can never be overtaken by a later one (see createTopic).
        p.setProperty("max.in.flight.requests.per.connection", "1");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>(count);
            for (int i = from; i < from + count; i++) {
                ProducerRecord<String, String> r = new ProducerRecord<>(topic, i % partitions, "k" + i, "v" + i);
                r.headers().add("h", String.valueOf(i).getBytes(StandardCharsets.UTF_8));
                sent.add(producer.send(r));
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get(60, TimeUnit.SECONDS); // a failed set-up send fails here, not as a missing record later
            }
        } catch (Exception e) {
            throw new IllegalStateException("Producing the test records to " + topic + " failed: " + e, e);
        }
    }

    static Properties props(String bootstrap) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        p.setProperty("key.deserializer", StringDeserializer.class.getName());
        p.setProperty("value.deserializer", StringDeserializer.class.getName());
        return p;
    }

    /** Polls until {@code done} holds for everything received (or 30 s pass); returns what was received. */
    static List<ConsumerRecord<String, String>> pollUntil(Consumer<String, String> c,
                                                          Predicate<List<ConsumerRecord<String, String>>> done) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 30_000;
        while (!done.test(out) && System.currentTimeMillis() < deadline) {
            c.poll(Duration.ofMillis(200)).forEach(out::add);
        }
        return out;
    }
}
