package io.samsa.clients.eos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.SamsaBroker;

/**
 * Kafka Streams with {@code exactly_once_v2} on Samsa ({@link EosWordCountMain}, the real kafka-streams library in
 * its own JVM): a stateful count per key, fed while it runs, SIGKILLed mid-run and started again on the same state
 * directory (so with the same transactional.id, which fences the dead instance). Its output, read with
 * read_committed, must be exactly each key's counts 1, 2, …, n once each: a count repeated would be a record
 * processed twice, a count missing one lost.
 */
class ExactlyOnceStreamsTest {
    private static final String INPUT = "eos-words";
    private static final String OUTPUT = "eos-counts";
    private static final int KEYS = 20;
    private static final int RECORDS = 4000;

    @TempDir
    Path stateDir;

    @Test
    void aKilledStreamsInstanceRestartedStillCountsEveryRecordExactlyOnce() throws Exception {
        try (SamsaBroker broker = SamsaBroker.startEmbedded(Map.of("group.initial.rebalance.delay.ms", "0",
                "transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000"))) {
            String bs = broker.bootstrapServers();
            broker.topics().create(INPUT, 2, Map.of());
            broker.topics().create(OUTPUT, 2, Map.of());

            ChildJvm first = streamsApp(bs);
            first.awaitLines("RUNNING"::equals, 1, "Streams running");
            CountDownLatch halfway = new CountDownLatch(1);
            CompletableFuture<Void> feeding = CompletableFuture.runAsync(() -> feed(bs, halfway));
            assertThat(halfway.await(60, TimeUnit.SECONDS)).isTrue();
            first.kill(); // SIGKILL mid-run: its transaction is left open, its member does not leave
            ChildJvm second = streamsApp(bs);
            try {
                feeding.get(60, TimeUnit.SECONDS);
                Map<String, List<Long>> counts = readCommitted(bs);
                for (int k = 0; k < KEYS; k++) {
                    List<Long> expected = LongStream.rangeClosed(1, RECORDS / KEYS).boxed().toList();
                    assertThat(counts.get("key-" + k)).as("counts of key-%d, read_committed", k)
                            .containsExactlyElementsOf(expected);
                }
            } finally {
                second.kill();
            }
        }
    }

    /** RECORDS records, KEYS keys round-robin, in 40 steps 100 ms apart; {@code halfway} after half of them. */
    private static void feed(String bootstrap, CountDownLatch halfway) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new StringSerializer(), new StringSerializer())) {
            int perStep = RECORDS / 40;
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(INPUT, "key-" + i % KEYS, "word"));
                if ((i + 1) % perStep == 0) {
                    producer.flush();
                    if (i + 1 == RECORDS / 2) {
                        halfway.countDown();
                    }
                    Thread.sleep(100);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Each key's counts in output order, read_committed, until every key reached its last count (or 120 s). */
    private static Map<String, List<Long>> readCommitted(String bootstrap) {
        Map<String, List<Long>> counts = new TreeMap<>();
        List<TopicPartition> tps = List.of(new TopicPartition(OUTPUT, 0), new TopicPartition(OUTPUT, 1));
        try (KafkaConsumer<String, Long> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "isolation.level", "read_committed"), new StringDeserializer(), new LongDeserializer())) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120); // liveness bound only
            while (System.nanoTime() < deadline && !(counts.size() == KEYS && counts.values().stream()
                    .allMatch(c -> c.get(c.size() - 1) >= RECORDS / KEYS))) {
                for (ConsumerRecord<String, Long> r : consumer.poll(Duration.ofMillis(200))) {
                    counts.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
                }
            }
            for (ConsumerRecord<String, Long> r : consumer.poll(Duration.ofMillis(1000))) {
                counts.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value()); // late duplicates show too
            }
        }
        return counts;
    }

    private ChildJvm streamsApp(String bootstrap) throws IOException {
        return ChildJvm.start("384m", EosWordCountMain.class, bootstrap, "eos-count-app", stateDir.toString(), INPUT,
                OUTPUT);
    }
}
