package io.samsa.broker.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.SamsaBroker;
import io.samsa.broker.testing.BrokerProcess;
import io.samsa.broker.testing.Clients;

/**
 * Transactions on a single Samsa node with stock kafka-clients on both sides: interleaved committed and aborted
 * transactions over two partitions read exactly by read_committed (and fully by read_uncommitted), a zombie
 * fenced by its successor, a transaction left open past its timeout aborted by the broker, and a broker killed
 * with SIGKILL in the middle of a transaction ending it consistently after its restart.
 */
class StockTransactionsTest {
    private static SamsaBroker broker;
    private static int topics;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        broker = SamsaBroker.startEmbedded(Map.of("listeners", "PLAINTEXT://127.0.0.1:" + BrokerProcess.freePort(),
                "transaction.abort.timed.out.transaction.cleanup.interval.ms", "200"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    private static String topic(String prefix, int partitions) throws Exception {
        String name = prefix + "-" + (++topics);
        broker.topics().create(name, partitions, Map.of());
        return name;
    }

    @Test
    void interleavedTransactionsAreReadExactlyAsCommitted() throws Exception {
        String topic = topic("interleaved", 2);
        String bs = broker.bootstrapServers();
        List<String> committed = new ArrayList<>();
        List<String> all = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> a = transactional(bs, "a-" + topic, 60_000);
                KafkaProducer<byte[], byte[]> b = transactional(bs, "b-" + topic, 60_000);
                KafkaProducer<byte[], byte[]> plain = Clients.producer(bs, Map.of())) {
            a.beginTransaction();
            b.beginTransaction();
            for (int i = 0; i < 20; i++) {
                send(a, topic, i % 2, "a" + i, all);
                send(b, topic, i % 2, "b" + i, all);
                if (i % 5 == 0) {
                    send(plain, topic, i % 2, "n" + i, all);
                    committed.add("n" + i);
                }
            }
            a.commitTransaction();
            b.abortTransaction();
            for (int i = 0; i < 20; i++) {
                committed.add("a" + i);
            }
            b.beginTransaction();
            send(b, topic, 0, "b-last", all);
            b.commitTransaction();
            committed.add("b-last");
        }
        List<ConsumerRecord<byte[], byte[]>> readCommitted = readAll(bs, topic, "read_committed", committed.size());
        assertThat(values(readCommitted)).containsExactlyInAnyOrderElementsOf(committed);
        assertInOffsetOrder(readCommitted);
        assertThat(values(readAll(bs, topic, "read_uncommitted", all.size()))).containsExactlyInAnyOrderElementsOf(all);
    }

    @Test
    void aZombieIsFencedByItsSuccessor() throws Exception {
        String topic = topic("zombie", 1);
        String bs = broker.bootstrapServers();
        String id = "zombie-" + topic;
        try (KafkaProducer<byte[], byte[]> zombie = transactional(bs, id, 60_000)) {
            zombie.beginTransaction();
            send(zombie, topic, 0, "z", new ArrayList<>());
            try (KafkaProducer<byte[], byte[]> successor = transactional(bs, id, 60_000)) {
                assertThatThrownBy(zombie::commitTransaction).isInstanceOf(ProducerFencedException.class);
                successor.beginTransaction();
                send(successor, topic, 0, "s", new ArrayList<>());
                successor.commitTransaction();
            }
        }
        assertThat(values(readAll(bs, topic, "read_committed", 1))).containsExactly("s");
    }

    @Test
    void aTransactionOpenPastItsTimeoutIsAbortedByTheBroker() throws Exception {
        String topic = topic("timeout", 1);
        String bs = broker.bootstrapServers();
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaProducer<byte[], byte[]> slow = transactional(bs, "slow-" + topic, 1_000)) {
            slow.beginTransaction();
            send(slow, topic, 0, "never", new ArrayList<>());
            // The broker's abort marker moves the last stable offset past the open records.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // liveness bound only
            while (committedEnd(bs, tp) < 2) {
                assertThat(System.nanoTime()).as("the broker aborts the timed-out transaction").isLessThan(deadline);
                Thread.sleep(100);
            }
            assertThatThrownBy(slow::commitTransaction).isInstanceOf(ProducerFencedException.class);
        }
        assertThat(readAll(bs, topic, "read_committed", 0)).isEmpty();
    }

    @Test
    void aBrokerKilledMidTransactionEndsItConsistentlyAfterRestart() throws Exception {
        Path data = tmp.resolve("data");
        int port = BrokerProcess.freePort();
        String topic = "killed";
        String id = "killed-app";
        try (BrokerProcess process = BrokerProcess.start(data, port, Map.of())) {
            String bs = process.bootstrapServers();
            try (var admin = Clients.admin(bs)) {
                admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) 1))).all()
                        .get(30, TimeUnit.SECONDS);
            }
            KafkaProducer<byte[], byte[]> before = transactional(bs, id, 60_000);
            before.beginTransaction();
            for (int i = 0; i < 3; i++) {
                send(before, topic, 0, "open" + i, new ArrayList<>());
            }
            process.kill(); // SIGKILL with the transaction open
            before.close(Duration.ZERO);
        }
        try (BrokerProcess process = BrokerProcess.start(data, port, Map.of())) {
            String bs = process.bootstrapServers();
            try (KafkaProducer<byte[], byte[]> after = transactional(bs, id, 60_000)) { // aborts the open one
                after.beginTransaction();
                send(after, topic, 0, "after", new ArrayList<>());
                after.commitTransaction();
            }
            assertThat(values(readAll(bs, topic, "read_committed", 1))).containsExactly("after");
            assertThat(values(readAll(bs, topic, "read_uncommitted", 4)))
                    .containsExactly("open0", "open1", "open2", "after");
        }
    }

    private static long committedEnd(String bs, TopicPartition tp) {
        try (KafkaConsumer<byte[], byte[]> c = Clients.consumer(bs, Map.of("isolation.level", "read_committed"))) {
            return c.endOffsets(Set.of(tp)).get(tp);
        }
    }

    private static KafkaProducer<byte[], byte[]> transactional(String bs, String id, int timeoutMs) {
        KafkaProducer<byte[], byte[]> p = Clients.producer(bs, Map.of("transactional.id", id,
                "transaction.timeout.ms", timeoutMs, "max.block.ms", 30_000));
        p.initTransactions();
        return p;
    }

    private static void send(KafkaProducer<byte[], byte[]> p, String topic, int partition, String value,
                             List<String> all) throws Exception {
        p.send(new ProducerRecord<>(topic, partition, null, value.getBytes(StandardCharsets.UTF_8)))
                .get(30, TimeUnit.SECONDS);
        all.add(value);
    }

    /** Both partitions (or one) from the start until {@code expected} records, then one more poll. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(String bs, String topic, String isolation,
                                                                int expected) {
        List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = Clients.consumer(bs, Map.of("isolation.level", isolation,
                "auto.offset.reset", "earliest"))) {
            List<TopicPartition> tps = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // liveness bound only
            while (got.size() < expected && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(got::add);
            }
            c.poll(Duration.ofMillis(1000)).forEach(got::add);
        }
        return got;
    }

    private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }

    private static void assertInOffsetOrder(List<ConsumerRecord<byte[], byte[]>> records) {
        long[] last = {-1, -1};
        for (ConsumerRecord<byte[], byte[]> r : records) {
            assertThat(r.offset()).isGreaterThan(last[r.partition()]);
            last[r.partition()] = r.offset();
        }
    }
}
