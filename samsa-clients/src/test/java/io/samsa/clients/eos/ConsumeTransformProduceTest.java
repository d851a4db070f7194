package io.samsa.clients.eos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.samsa.broker.SamsaBroker;

/**
 * Exactly-once across a crash: a consume-transform-produce loop ({@link CopyLoopMain}, its own JVM) copies an input
 * topic to an output topic, committing the consumed offsets inside each transaction with
 * {@code sendOffsetsToTransaction}. It is SIGKILLed mid-run, typically with a transaction open, and started again
 * with the same transactional.id (which aborts the dead instance's transaction). A read_committed reader of the
 * output must then see every input record exactly once, in order per partition — no loss, no duplicate. Run with
 * the stock kafka-clients and with SamsaProducer/SamsaConsumer.
 */
class ConsumeTransformProduceTest {
    private static final int PARTITIONS = 2;
    private static final int RECORDS = 3000;
    private static SamsaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = SamsaBroker.startEmbedded(Map.of("group.initial.rebalance.delay.ms", "0",
                "transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"stock", "samsa"})
    void aCopyLoopKilledMidRunStillCopiesEveryRecordExactlyOnce(String clients) throws Exception {
        String input = "ctp-in-" + clients;
        String output = "ctp-out-" + clients;
        broker.topics().create(input, PARTITIONS, Map.of());
        broker.topics().create(output, PARTITIONS, Map.of());
        List<List<String>> expected = produceInput(input);

        ChildJvm first = copyLoop(input, output, clients);
        first.awaitLines(l -> l.startsWith("COMMITTED"), 10, "10 transactions before the kill");
        first.kill(); // SIGKILL: no abort, no LeaveGroup; its transaction is left open
        ChildJvm second = copyLoop(input, output, clients);
        try {
            List<List<String>> copied = readCommitted(output, RECORDS);
            for (int p = 0; p < PARTITIONS; p++) {
                assertThat(copied.get(p)).as("partition %d of the output, read_committed", p)
                        .containsExactlyElementsOf(expected.get(p));
            }
        } finally {
            second.kill();
        }
    }

    /** Writes RECORDS values over both partitions; answers each partition's values upper-cased, in order. */
    private static List<List<String>> produceInput(String topic) throws Exception {
        List<List<String>> expected = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            expected.add(new ArrayList<>());
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                broker.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                int p = i % PARTITIONS;
                producer.send(new ProducerRecord<>(topic, p, "k" + i % 10, "value-" + i));
                expected.get(p).add("VALUE-" + i);
            }
            producer.flush();
        }
        return expected;
    }

    /** Reads the output with read_committed until {@code count} records arrived (or 90 s, a liveness bound). */
    private static List<List<String>> readCommitted(String topic, int count) {
        List<List<String>> got = new ArrayList<>();
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            got.add(new ArrayList<>());
            tps.add(new TopicPartition(topic, p));
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                broker.bootstrapServers(), "isolation.level", "read_committed"), new StringDeserializer(),
                new StringDeserializer())) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            int n = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (n < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    got.get(r.partition()).add(r.value());
                    n++;
                }
            }
            // A little longer: a duplicate after the last expected record must show too.
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(1000))) {
                got.get(r.partition()).add(r.value());
            }
        }
        return got;
    }

    private static ChildJvm copyLoop(String input, String output, String clients) throws IOException {
        return ChildJvm.start("256m", CopyLoopMain.class, broker.bootstrapServers(), input, output,
                "ctp-group-" + clients, "ctp-txn-" + clients, clients);
    }
}
