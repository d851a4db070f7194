package io.samsa.clients.consumer;

import static io.samsa.clients.consumer.ConsumerTestSupport.newTopic;
import static io.samsa.clients.consumer.ConsumerTestSupport.pollUntil;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * SamsaConsumer's isolation levels against any broker with transactions: stock transactional KafkaProducers
 * interleave committed and aborted transactions with non-transactional records over two partitions. read_committed
 * sees exactly the committed and the non-transactional records, in offset order, and nothing past an open
 * transaction until it ends; read_uncommitted sees every record.
 */
abstract class ReadCommittedContract {
    abstract String bootstrap();

    abstract void createTopic(String name, int partitions);

    @Test
    void readCommittedSeesExactlyTheCommittedRecordsAndReadUncommittedSeesAll() {
        String topic = newTopic("txn-read");
        createTopic(topic, 2);
        List<String> all = new ArrayList<>();
        List<String> committed = new ArrayList<>();
        try (KafkaProducer<String, String> a = transactional("a-" + topic);
                KafkaProducer<String, String> b = transactional("b-" + topic);
                KafkaProducer<String, String> plain = plain()) {
            a.beginTransaction();
            send(a, topic, 0, "a1", all);
            send(a, topic, 1, "a2", all);
            b.beginTransaction();
            send(b, topic, 0, "b1", all);
            send(b, topic, 1, "b2", all);
            send(plain, topic, 0, "n1", all);
            a.commitTransaction();
            send(b, topic, 0, "b3", all);
            b.abortTransaction();
            a.beginTransaction();
            send(a, topic, 0, "a3", all);
            send(a, topic, 1, "a4", all);
            a.abortTransaction();
            b.beginTransaction();
            send(b, topic, 1, "b4", all);
            b.commitTransaction();
            send(plain, topic, 0, "n2", all);
            committed.addAll(List.of("a1", "a2", "n1", "b4", "n2"));

            assertThat(values(read(topic, "read_committed", committed.size()))).containsExactlyInAnyOrderElementsOf(
                    committed);
            assertThat(values(read(topic, "read_uncommitted", all.size()))).containsExactlyInAnyOrderElementsOf(all);

            // An open transaction holds read_committed back at its first offset (the last stable offset), even
            // for later non-transactional records; its commit releases both.
            a.beginTransaction();
            send(a, topic, 0, "a5", all);
            send(plain, topic, 0, "n3", all);
            // (read() polls once more after the expected count: anything past the open transaction would show)
            assertThat(values(read(topic, "read_committed", committed.size())))
                    .as("nothing past the open transaction").containsExactlyInAnyOrderElementsOf(committed);
            a.commitTransaction();
            committed.addAll(List.of("a5", "n3"));
            assertThat(values(read(topic, "read_committed", committed.size())))
                    .containsExactlyInAnyOrderElementsOf(committed);
        }
    }

    /** Reads both partitions from the start until {@code expected} records or a quiet 30 s bound; checks order. */
    private List<ConsumerRecord<String, String>> read(String topic, String isolation, int expected) {
        Properties p = ConsumerTestSupport.props(bootstrap());
        p.setProperty("isolation.level", isolation);
        try (SamsaConsumer<String, String> c = new SamsaConsumer<>(p)) {
            List<TopicPartition> tps = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
            c.assign(tps);
            c.seekToBeginning(tps);
            List<ConsumerRecord<String, String>> got = pollUntil(c, l -> l.size() >= expected);
            c.poll(Duration.ofMillis(1000)).forEach(got::add); // anything beyond what is expected shows up here
            long[] last = {-1, -1};
            for (ConsumerRecord<String, String> r : got) {
                assertThat(r.offset()).as("offsets increase within a partition").isGreaterThan(last[r.partition()]);
                last[r.partition()] = r.offset();
            }
            return got;
        }
    }

    private static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }

    private static void send(KafkaProducer<String, String> producer, String topic, int partition, String value,
                             List<String> all) {
        producer.send(new ProducerRecord<>(topic, partition, value, value));
        producer.flush();
        all.add(value);
    }

    private KafkaProducer<String, String> transactional(String id) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap());
        p.setProperty("transactional.id", id);
        KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        producer.initTransactions();
        return producer;
    }

    private KafkaProducer<String, String> plain() {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap());
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }
}
