package io.samsa.broker.storage.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.samsa.testkit.ClusterUnderTest;

/**
 * Issue 13's "done when" for compaction, run against any single-node {@link ClusterUnderTest}: Apache Kafka as
 * the reference ({@code ApacheKafkaCompactionTest}) and Samsa ({@code SamsaCompactionTest}). Only stock
 * kafka-clients are used. A compacted topic written with many updates per key and some tombstones shrinks to about
 * one record per live key once the cleaner has run; a stock consumer reading it from the start sees each live
 * key's newest value at the offset the producer was told, offsets strictly increasing, and no deleted key once
 * delete.retention.ms has passed; a SIGKILL during cleaning and a restart lose no acknowledged newest value and
 * bring no deleted key back.
 *
 * <p>Segments roll by segment.ms (Kafka's topic segment.bytes cannot go below 1 MiB, which only the kill test's
 * writes reach): records are written in rounds, and while waiting for the cleaner a "tick" record is written now
 * and then, after more than segment.ms, so that the segment holding the last writes rolls and becomes cleanable on
 * both brokers. Waits are liveness bounds only. Sizes can be changed with the system properties
 * {@code samsa.test.compaction.*} below. Runs on the JUnit thread only.
 */
public abstract class CompactionContract {

    /** Broker settings both brokers run with: the cleaner on, and looking for work often (Kafka's default is 15 s). */
    public static final Map<String, String> BROKER_SETTINGS = Map.of(
            "log.cleaner.enable", "true",
            "log.cleaner.backoff.ms", "100",
            "log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));

    private static final long SEGMENT_MS = Long.getLong("samsa.test.compaction.segmentMs", 200);
    private static final long DELETE_RETENTION_MS = 1000;
    private static final long WAIT_MS = Long.getLong("samsa.test.compaction.waitMs", 90_000);
    /** Records allowed above one per live key: the few not yet cleaned (the newest ticks). */
    private static final int SLACK = 5;
    private static final String TICK_KEY = "tick";
    private static final AtomicInteger TOPICS = new AtomicInteger();

    /** The running cluster (one node, one per test class: start-up is slow). */
    protected abstract ClusterUnderTest cluster();

    /**
     * Called just before the node is SIGKILLed, the {@code attempt}-th time (from 0), while the cleaner has work:
     * waits a moment chosen so that the kill may land during a cleaning, and returns what it saw (for the log).
     * The default waits a different time on each attempt; a subclass that can see the broker's files may instead
     * wait (bounded) until a cleaning is visibly under way.
     */
    protected String awaitMomentToKill(String topic, int attempt) throws InterruptedException {
        Thread.sleep(150L * attempt);
        return "killed " + 150L * attempt + " ms after the last acknowledged write";
    }

    @Test
    void aCompactedTopicShrinksToTheNewestValueOfEachLiveKeyAndForgetsDeletedKeys() throws Exception {
        int keys = Integer.getInteger("samsa.test.compaction.keys", 50);
        int rounds = Integer.getInteger("samsa.test.compaction.rounds", 40);
        String topic = newTopic("updates");
        createCompactedTopic(topic);
        Map<String, Newest> expected = new LinkedHashMap<>();
        try (KafkaProducer<String, String> producer = producer()) {
            for (int round = 0; round < rounds; round++) {
                List<Send> sends = new ArrayList<>();
                for (int k = 0; k < keys; k++) {
                    String key = "key-" + k;
                    sends.add(send(producer, topic, key, valueOf(key, round, keys, rounds)));
                }
                await(sends, expected);
                Thread.sleep(SEGMENT_MS / 2); // about two rounds per segment
            }
        }
        long deletedKeys = expected.values().stream().filter(n -> n.value == null).count();
        assertThat(deletedKeys).as("keys deleted by the last round").isPositive();
        assertThat(expected.get("key-5").value).as("a key deleted mid-way and written again").isNotNull();
        int liveKeys = keys - (int) deletedKeys + 1; // + the tick key

        List<ConsumerRecord<String, String>> read = awaitCompacted(topic, expected, liveKeys);

        assertNewestOfEveryLiveKey(read, expected);
        assertThat(read.size()).as("records left of " + keys * rounds).isLessThanOrEqualTo(liveKeys + SLACK);
    }

    @Test
    void aKillDuringCleaningAndARestartLoseNoAcknowledgedNewestValueAndBringNoDeletedKeyBack() throws Exception {
        int keys = Integer.getInteger("samsa.test.compaction.killKeys", 2000);
        int roundsPerKill = Integer.getInteger("samsa.test.compaction.killRounds", 15);
        int kills = Integer.getInteger("samsa.test.compaction.kills", 3);
        String topic = newTopic("kill");
        createCompactedTopic(topic);
        Map<String, Newest> expected = new LinkedHashMap<>();
        String padding = "x".repeat(100); // larger records: a cleaning takes long enough to be hit
        int node = cluster().nodeIds().get(0);
        int round = 0;
        for (int attempt = 0; attempt < kills; attempt++) {
            try (KafkaProducer<String, String> producer = producer()) {
                for (int end = round + roundsPerKill; round < end; round++) {
                    List<Send> sends = new ArrayList<>();
                    for (int k = 0; k < keys; k++) {
                        String key = "key-" + k;
                        // Every 20th key is deleted by a chunk's last round; the next chunk writes it again.
                        boolean delete = round == end - 1 && k % 20 == attempt % 20;
                        sends.add(send(producer, topic, key, delete ? null : key + "@" + round + padding));
                    }
                    await(sends, expected); // no pause: segments roll by size too, and dirt piles up
                }
                Thread.sleep(SEGMENT_MS + 50);
                await(List.of(send(producer, topic, TICK_KEY, "roll-" + attempt)), expected); // rolls the segment
            }
            String seen = awaitMomentToKill(topic, attempt);
            cluster().kill(node);
            System.out.println("[compaction] kill " + attempt + " of node " + node + ": " + seen);
            cluster().restart(node);
        }

        int liveKeys = (int) expected.values().stream().filter(n -> n.value != null).count(); // with the tick key
        assertThat(liveKeys).as("live keys").isLessThan(keys);

        List<ConsumerRecord<String, String>> read = awaitCompacted(topic, expected, liveKeys);

        assertNewestOfEveryLiveKey(read, expected);
        assertThat(read.size()).as("records left of " + keys * round).isLessThanOrEqualTo(liveKeys + SLACK);
    }

    // ---- what is written ----

    /**
     * Round {@code round}'s value of {@code key}: null (a tombstone) in the last round for every tenth key, and in
     * the middle round for keys 5, 15, ... that are written again afterwards.
     */
    private static String valueOf(String key, int round, int keys, int rounds) {
        int k = Integer.parseInt(key.substring(key.indexOf('-') + 1));
        if (round == rounds - 1 && k % 10 == 0 || round == rounds / 2 && k % 10 == 5) {
            return null;
        }
        return key + "@" + round;
    }

    /** A key's newest acknowledged value (null: deleted) and the offset the producer was told. */
    private record Newest(String value, long offset) {
    }

    private record Send(String key, String value, Future<RecordMetadata> ack) {
    }

    private static Send send(KafkaProducer<String, String> producer, String topic, String key, String value) {
        return new Send(key, value, producer.send(new ProducerRecord<>(topic, 0, key, value)));
    }

    /** Waits for every acknowledgement, in send order, and records each key's newest. */
    private static void await(List<Send> sends, Map<String, Newest> expected) throws Exception {
        for (Send s : sends) {
            long offset = s.ack.get(60, TimeUnit.SECONDS).offset();
            Newest before = expected.get(s.key);
            assertThat(before == null || offset > before.offset).as("offsets acknowledged in send order").isTrue();
            expected.put(s.key, new Newest(s.value, offset));
        }
    }

    // ---- what is read ----

    /**
     * Waits (a liveness bound) until a full read holds at most {@code liveKeys + SLACK} records and no record of
     * a deleted key (its tombstone goes once delete.retention.ms has passed); writes a tick now and then, more than
     * segment.ms apart, so that the segment with the newest writes rolls and can be cleaned. Returns the last read.
     */
    private List<ConsumerRecord<String, String>> awaitCompacted(String topic, Map<String, Newest> expected,
                                                                 int liveKeys) throws Exception {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        List<ConsumerRecord<String, String>> read;
        try (KafkaProducer<String, String> producer = producer()) {
            for (int tick = 0; ; tick++) {
                Thread.sleep(SEGMENT_MS + 50);
                await(List.of(send(producer, topic, TICK_KEY, "tick-" + tick)), expected);
                read = readAll(topic);
                long deleted = read.stream().filter(r -> expected.get(r.key()).value == null).count();
                if (read.size() <= liveKeys + SLACK && deleted == 0) {
                    return read;
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError("Not compacted within " + WAIT_MS + " ms: " + read.size()
                            + " records for " + liveKeys + " live keys, " + deleted + " of deleted keys");
                }
            }
        }
    }

    /** The read holds each live key's newest value at its acknowledged offset, in increasing offsets. */
    private static void assertNewestOfEveryLiveKey(List<ConsumerRecord<String, String>> read,
                                                   Map<String, Newest> expected) {
        Map<String, ConsumerRecord<String, String>> lastRead = new LinkedHashMap<>();
        long previous = -1;
        for (ConsumerRecord<String, String> r : read) {
            assertThat(r.offset()).as("offsets strictly increase").isGreaterThan(previous);
            previous = r.offset();
            assertThat(expected).as("a key that was written").containsKey(r.key());
            assertThat(r.offset()).as("no record of " + r.key() + " after its newest")
                    .isLessThanOrEqualTo(expected.get(r.key()).offset);
            lastRead.put(r.key(), r);
        }
        Set<String> live = new HashSet<>();
        expected.forEach((key, newest) -> {
            if (newest.value != null) {
                live.add(key);
            }
        });
        assertThat(lastRead.keySet()).as("keys read").containsExactlyInAnyOrderElementsOf(live);
        lastRead.forEach((key, r) -> {
            assertThat(r.value()).as(key + "'s value").isEqualTo(expected.get(key).value);
            assertThat(r.offset()).as(key + "'s offset").isEqualTo(expected.get(key).offset);
        });
    }

    /** Every record of partition 0 from the start to the current end, with a stock consumer. */
    private List<ConsumerRecord<String, String>> readAll(String topic) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", cluster().bootstrapServers());
        TopicPartition tp = new TopicPartition(topic, 0);
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            long deadline = System.currentTimeMillis() + WAIT_MS;
            while (consumer.position(tp) < end) {
                assertThat(System.currentTimeMillis()).as("read up to offset " + end).isLessThan(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    // ---- set-up ----

    private void createCompactedTopic(String topic) throws Exception {
        Properties props = new Properties();
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster().bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of(
                    "cleanup.policy", "compact",
                    "segment.ms", String.valueOf(SEGMENT_MS),
                    // Kafka's minimum: the larger writes of the kill test also roll by size, so that a cleaning
                    // rewrites several groups of segments (some of them to nothing) and swaps each.
                    "segment.bytes", String.valueOf(1024 * 1024),
                    "min.cleanable.dirty.ratio", "0.01",
                    "delete.retention.ms", String.valueOf(DELETE_RETENTION_MS))))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", cluster().bootstrapServers());
        p.setProperty("acks", "all");
        p.setProperty("enable.idempotence", "true");
        p.setProperty("linger.ms", "5");
        p.setProperty("delivery.timeout.ms", "60000");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private static String newTopic(String prefix) {
        return "compaction-" + prefix + "-" + TOPICS.incrementAndGet();
    }
}
