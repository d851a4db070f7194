package io.samsa.clients.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.SamsaBroker;

/**
 * A Kafka Streams application (the real kafka-streams library, at-least-once) counting words per key on Samsa: its
 * state store's changelog is a compacted topic Streams creates itself. After Samsa's log cleaner has compacted the
 * changelog, the application's local state is wiped and it starts again: it must rebuild its counts from the
 * compacted changelog alone and go on counting from them, exactly as on Kafka.
 */
class ChangelogRestoreTest {
    private static final String APP = "restore-app";
    private static final String INPUT = "words";
    private static final String OUTPUT = "word-counts";
    private static final String CHANGELOG = APP + "-counts-changelog";
    private static final int KEYS = 10;
    private static final int ROUNDS = 30;

    @TempDir
    Path stateDir;

    @Test
    void stateIsRestoredFromACompactedChangelog() throws Exception {
        try (SamsaBroker broker = SamsaBroker.startEmbedded(Map.of("log.cleaner.backoff.ms", "50",
                "group.initial.rebalance.delay.ms", "0"));
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            String bs = broker.bootstrapServers();
            admin.createTopics(List.of(new NewTopic(INPUT, 2, (short) 1), new NewTopic(OUTPUT, 2, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);

            try (KafkaStreams streams = start(bs)) {
                produceRounds(bs, ROUNDS);
                awaitCounts(bs, ROUNDS);
                // Streams created its changelog compacted; the cleaner leaves about one record per key.
                Config changelog = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC,
                        CHANGELOG))).all().get(30, TimeUnit.SECONDS).values().iterator().next();
                assertThat(changelog.get("cleanup.policy").value()).isEqualTo("compact");
                awaitCompacted(bs);
            }

            try (KafkaStreams restored = start(bs)) {
                produceRounds(bs, 1);
                awaitCounts(bs, ROUNDS + 1);
            }
        }
    }

    /** Starts the application on a wiped state directory, so its store can only come from the changelog. */
    private KafkaStreams start(String bootstrap) throws InterruptedException {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(INPUT, Consumed.with(Serdes.String(), Serdes.String()))
                .groupByKey()
                .count(Materialized.as("counts"))
                .toStream()
                .to(OUTPUT, Produced.with(Serdes.String(), Serdes.Long()));
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0); // every update reaches the changelog
        // A closing Streams member does not leave its group: the next instance's rebalance waits out the session.
        p.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 6000);
        // The changelog rolls a segment every 200 ms, so the cleaner has closed segments to compact.
        p.put(StreamsConfig.topicPrefix("segment.ms"), "200");
        p.put(StreamsConfig.topicPrefix("min.cleanable.dirty.ratio"), "0.01");
        KafkaStreams streams = new KafkaStreams(builder.build(), p);
        streams.cleanUp();
        streams.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // liveness bound only
        while (streams.state() != KafkaStreams.State.RUNNING) {
            assertThat(System.nanoTime()).as("Streams running (state %s)", streams.state()).isLessThan(deadline);
            Thread.sleep(50);
        }
        return streams;
    }

    /** One update per key per round, rounds 250 ms apart so the changelog spans many segments. */
    private static void produceRounds(String bootstrap, int rounds) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new StringSerializer(), new StringSerializer())) {
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < KEYS; k++) {
                    producer.send(new ProducerRecord<>(INPUT, "key-" + k, "word")).get();
                }
                if (rounds > 1) {
                    Thread.sleep(250);
                }
            }
        }
    }

    /** Reads the output topic until every key's newest count is {@code expected}. */
    private static void awaitCounts(String bootstrap, long expected) {
        Map<String, Long> newest = new HashMap<>();
        try (KafkaConsumer<String, Long> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap),
                new StringDeserializer(), new LongDeserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(OUTPUT, 0), new TopicPartition(OUTPUT, 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // liveness bound only
            while (!(newest.size() == KEYS && newest.values().stream().allMatch(c -> c >= expected))) {
                assertThat(System.nanoTime()).as("counts reach %d: %s", expected, newest).isLessThan(deadline);
                for (ConsumerRecord<String, Long> r : consumer.poll(Duration.ofMillis(200))) {
                    newest.put(r.key(), r.value());
                }
            }
        }
        assertThat(newest.values()).as("each key counted exactly once per word: %s", newest)
                .allMatch(c -> c == expected);
    }

    /** Waits until the changelog, read from its start, holds at most a few records per key. */
    private static void awaitCompacted(String bootstrap) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // liveness bound only
        int records;
        while ((records = changelogRecords(bootstrap)) > 3 * KEYS) {
            assertThat(System.nanoTime()).as("changelog compacted: %d records of %d written", records,
                    KEYS * ROUNDS).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static int changelogRecords(String bootstrap) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(CHANGELOG, 0),
                    new TopicPartition(CHANGELOG, 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            int count = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // liveness bound only
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                count += consumer.poll(Duration.ofMillis(200)).count();
            }
            return count;
        }
    }
}
