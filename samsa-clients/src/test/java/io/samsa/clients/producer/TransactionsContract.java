package io.samsa.clients.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * SamsaProducer's transactions against any broker with transactions, read back by a stock KafkaConsumer:
 * committed records are seen by read_committed and aborted ones are not (read_uncommitted sees both); a second
 * instance with the same transactional.id fences the first; offsets sent to a transaction become the group's only
 * when it commits; sending outside a transaction is refused.
 */
abstract class TransactionsContract {
    abstract String bootstrap();

    abstract void createTopic(String name, int partitions);

    private static int topics;

    private static String newTopic(String prefix) {
        return prefix + "-" + System.nanoTime() % 100_000 + "-" + (++topics);
    }

    @Test
    void committedTransactionsAreReadAndAbortedOnesAreNot() throws Exception {
        String topic = newTopic("txn");
        createTopic(topic, 2);
        List<String> committed = new ArrayList<>();
        List<String> all = new ArrayList<>();
        try (SamsaProducer<String, String> p = producer("txn-" + topic)) {
            p.initTransactions();
            p.beginTransaction();
            send(p, topic, "c", 0, 10, committed, all);
            p.commitTransaction();
            p.beginTransaction();
            send(p, topic, "a", 0, 5, null, all);
            p.flush(); // written to the log, then aborted
            p.abortTransaction();
            p.beginTransaction();
            send(p, topic, "c", 10, 3, committed, all);
            p.abortTransaction(); // aborted before anything was sent: nothing reaches the log
            all.removeAll(List.of("c10", "c11", "c12"));
            committed.removeAll(List.of("c10", "c11", "c12"));
            p.beginTransaction();
            send(p, topic, "d", 0, 4, committed, all);
            p.commitTransaction();
        }
        assertThat(values(consume(topic, "read_committed", committed.size())))
                .containsExactlyInAnyOrderElementsOf(committed);
        assertThat(values(consume(topic, "read_uncommitted", all.size()))).containsExactlyInAnyOrderElementsOf(all);
    }

    @Test
    void aNewInstanceWithTheSameTransactionalIdFencesTheOldOne() throws Exception {
        String topic = newTopic("fence");
        createTopic(topic, 1);
        String id = "fence-" + topic;
        List<String> committed = new ArrayList<>();
        try (SamsaProducer<String, String> zombie = producer(id)) {
            zombie.initTransactions();
            zombie.beginTransaction();
            send(zombie, topic, "z", 0, 3, null, new ArrayList<>());
            zombie.flush();
            try (SamsaProducer<String, String> successor = producer(id)) {
                successor.initTransactions(); // aborts the zombie's open transaction
                assertThatThrownBy(zombie::commitTransaction).isInstanceOf(ProducerFencedException.class);
                assertThatThrownBy(zombie::beginTransaction).isInstanceOf(ProducerFencedException.class);
                successor.beginTransaction();
                send(successor, topic, "s", 0, 3, committed, new ArrayList<>());
                successor.commitTransaction();
            }
        }
        assertThat(values(consume(topic, "read_committed", committed.size())))
                .containsExactlyInAnyOrderElementsOf(committed);
    }

    @Test
    void offsetsSentToATransactionAreCommittedOnlyWithIt() throws Exception {
        String topic = newTopic("txn-offsets");
        createTopic(topic, 1);
        String group = "group-" + topic;
        TopicPartition tp = new TopicPartition(topic, 0);
        try (SamsaProducer<String, String> p = producer("offsets-" + topic); Admin admin = admin()) {
            p.initTransactions();
            p.beginTransaction();
            send(p, topic, "x", 0, 1, null, new ArrayList<>());
            p.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(17, "aborted")),
                    new ConsumerGroupMetadata(group));
            p.abortTransaction(); // its offset 17 must never become the group's (checked below: 42 wins)

            p.beginTransaction();
            send(p, topic, "y", 0, 1, null, new ArrayList<>());
            p.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(42, "committed")),
                    new ConsumerGroupMetadata(group));
            p.commitTransaction();
            // The coordinator writes the commit marker to the group's log after EndTxn answers: wait for it.
            long deadline = System.currentTimeMillis() + 30_000;
            OffsetAndMetadata got = committedOffsets(admin, group).get(tp);
            while (got == null && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
                got = committedOffsets(admin, group).get(tp);
            }
            assertThat(got).as("offset committed with the transaction").isNotNull();
            assertThat(got.offset()).isEqualTo(42);
            assertThat(got.metadata()).isEqualTo("committed");
        }
    }

    @Test
    void sendOutsideATransactionIsRefused() {
        String topic = newTopic("txn-state");
        createTopic(topic, 1);
        try (SamsaProducer<String, String> p = producer("state-" + topic)) {
            assertThatThrownBy(p::beginTransaction).isInstanceOf(IllegalStateException.class);
            p.initTransactions();
            assertThatThrownBy(() -> p.send(new ProducerRecord<>(topic, "k", "v")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("beginTransaction");
            assertThatThrownBy(p::commitTransaction).isInstanceOf(IllegalStateException.class);
        }
        try (SamsaProducer<String, String> plain = new SamsaProducer<>(props(), new StringSerializer(),
                new StringSerializer())) {
            assertThatThrownBy(plain::initTransactions).isInstanceOf(IllegalStateException.class);
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> committedOffsets(Admin admin, String group)
            throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
    }

    private static void send(SamsaProducer<String, String> p, String topic, String prefix, int from, int count,
                             List<String> committed, List<String> all) {
        for (int i = from; i < from + count; i++) {
            String v = prefix + i;
            p.send(new ProducerRecord<>(topic, v, v));
            all.add(v);
            if (committed != null) {
                committed.add(v);
            }
        }
    }

    /** Every partition of {@code topic} from the start, until {@code expected} records and a quiet half second. */
    private List<ConsumerRecord<String, String>> consume(String topic, String isolation, int expected) {
        Properties c = new Properties();
        c.setProperty("bootstrap.servers", bootstrap());
        c.setProperty("isolation.level", isolation);
        c.setProperty("auto.offset.reset", "earliest");
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> tps = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = System.currentTimeMillis() + 30_000;
            while (got.size() < expected && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
            }
            consumer.poll(Duration.ofMillis(500)).forEach(got::add);
        }
        return got;
    }

    private static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }

    private Properties props() {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap());
        p.setProperty("max.block.ms", "30000");
        return p;
    }

    private SamsaProducer<String, String> producer(String transactionalId) {
        Properties p = props();
        p.setProperty("transactional.id", transactionalId);
        return new SamsaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private Admin admin() {
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        return Admin.create(p);
    }
}
