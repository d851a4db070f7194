package io.samsa.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.testing.BrokerProcess;
import io.samsa.broker.testing.Clients;

/**
 * Deleted means deleted (issue 9, defect 6), from outside the broker process with stock clients:
 * <ul>
 * <li>a topic whose name starts with {@code .} is really deleted, and its re-creation starts empty;
 * <li>a group's committed offsets go with the topic: OffsetFetch answers "none" right after the delete, and a
 * group reading the re-created topic starts from {@code auto.offset.reset} — also across a SIGKILL and restart;
 * <li>a partition directory that belongs to another topic id is not adopted by a topic of the same name.
 * </ul>
 * Each scenario ends with the shared health check.
 */
class TopicDeletionTest {
    private static final int NETWORK_THREADS = 2;

    @TempDir
    Path tmp;

    private BrokerProcess start(Path dataDir, int port, int metricsPort) throws Exception {
        return BrokerProcess.start(dataDir, port, Map.of("num.network.threads", Integer.toString(NETWORK_THREADS),
                "metrics.port", Integer.toString(metricsPort), "group.initial.rebalance.delay.ms", "0"));
    }

    @Test
    void aDeletedDotTopicComesBackEmpty() throws Exception {
        int metricsPort = BrokerProcess.freePort();
        try (BrokerProcess broker = start(Files.createDirectories(tmp.resolve("data")), BrokerProcess.freePort(),
                metricsPort)) {
            try (Admin admin = Clients.admin(broker.bootstrapServers())) {
                deleteAndRecreateHidden(broker.bootstrapServers(), admin);
            }
            broker.health(NETWORK_THREADS, metricsPort).assertHealthy("delete and re-create of .hidden", 0);
        }
    }

    private static void deleteAndRecreateHidden(String bootstrap, Admin admin) throws Exception {
        TopicPartition tp = new TopicPartition(".hidden", 0);
        admin.createTopics(List.of(new NewTopic(".hidden", 1, (short) 1))).all().get();
        produce(bootstrap, ".hidden", 10);
        assertThat(Clients.endOffsets(bootstrap, Set.of(tp)).get(tp)).isEqualTo(10L);

        admin.deleteTopics(List.of(".hidden")).all().get();
        admin.createTopics(List.of(new NewTopic(".hidden", 1, (short) 1))).all().get();

        assertThat(Clients.endOffsets(bootstrap, Set.of(tp)).get(tp)).as("end offset of the re-created topic")
                .isEqualTo(0L);
        assertThat(readFromStart(bootstrap, tp)).as("records of the re-created topic").isEmpty();
    }

    @Test
    void committedOffsetsAreDeletedWithTheirTopic() throws Exception {
        int metricsPort = BrokerProcess.freePort();
        try (BrokerProcess broker = start(Files.createDirectories(tmp.resolve("data")), BrokerProcess.freePort(),
                metricsPort)) {
            try (Admin admin = Clients.admin(broker.bootstrapServers())) {
                deleteRecreateAndConsume(broker.bootstrapServers(), admin, "t", null);
            }
            broker.health(NETWORK_THREADS, metricsPort).assertHealthy("group offsets of a deleted topic", 0);
        }
    }

    @Test
    void committedOffsetsStayDeletedAcrossAKillAndRestart() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        int port = BrokerProcess.freePort();
        int metricsPort = BrokerProcess.freePort();
        BrokerProcess[] broker = {start(data, port, metricsPort)};
        try {
            String bootstrap = broker[0].bootstrapServers();
            try (Admin admin = Clients.admin(bootstrap)) {
                deleteRecreateAndConsume(bootstrap, admin, "t", () -> {
                    broker[0].kill();
                    broker[0] = start(data, port, metricsPort);
                });
            }
            broker[0].health(NETWORK_THREADS, metricsPort).assertHealthy("group offsets of a deleted topic, restart", 0);
        } finally {
            broker[0].close();
        }
    }

    /**
     * A directory {@code s-0} whose partition.metadata names another topic id is stray: not served, not lost. A
     * directory whose topic does not exist at all (a creation cut short) is removed.
     */
    @Test
    void aDirectoryOfAnotherTopicIdIsNotAdopted() throws Exception {
        Path other = Files.createDirectories(tmp.resolve("other"));
        Path data = Files.createDirectories(tmp.resolve("data"));
        int port = BrokerProcess.freePort();
        int metricsPort = BrokerProcess.freePort();
        TopicPartition tp = new TopicPartition("s", 0);
        try (BrokerProcess broker = start(other, port, metricsPort);
                Admin admin = Clients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("s", 1, (short) 1))).all().get();
            produce(broker.bootstrapServers(), "s", 5);
            broker.stop();
        }
        try (BrokerProcess broker = start(data, port, metricsPort);
                Admin admin = Clients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic("s", 1, (short) 1))).all().get();
            broker.stop();
        }
        // Swap in the other broker's s-0: same name, another topic's data (and id, where the broker writes one).
        deleteTree(data.resolve("s-0"));
        copyTree(other.resolve("s-0"), data.resolve("s-0"));
        // And a directory of a topic that does not exist here, as a creation cut short by a crash leaves it.
        copyTree(other.resolve("s-0"), data.resolve("ghost-0"));
        try (BrokerProcess broker = start(data, port, metricsPort)) {
            String bootstrap = broker.bootstrapServers();
            assertThat(Clients.endOffsets(bootstrap, Set.of(tp)).get(tp)).as("end offset of s after the swap")
                    .isEqualTo(0L);
            assertThat(readFromStart(bootstrap, tp)).isEmpty();
            try (Stream<Path> dirs = Files.list(data)) {
                assertThat(dirs.map(p -> p.getFileName().toString()))
                        .as("the stray directory is kept aside for the operator").anyMatch(n -> n.startsWith("s-0.")
                                && n.endsWith("-stray"));
            }
            assertThat(data.resolve("ghost-0")).as("directory of a topic that does not exist").doesNotExist();
            produce(bootstrap, "s", 3);
            assertThat(Clients.endOffsets(bootstrap, Set.of(tp)).get(tp)).isEqualTo(3L);
            broker.health(NETWORK_THREADS, metricsPort).assertHealthy("stray directory", 0);
        }
    }

    interface Step {
        void run() throws Exception;
    }

    /**
     * Group g commits 100 on {@code topic}; the topic is deleted ({@code afterDelete} runs then, e.g. a restart);
     * OffsetFetch must answer "no offset"; the topic is re-created with 150 records, and g with
     * auto.offset.reset=earliest must read all 150.
     */
    private static void deleteRecreateAndConsume(String bootstrap, Admin admin, String topic, Step afterDelete)
            throws Exception {
        TopicPartition tp = new TopicPartition(topic, 0);
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        produce(bootstrap, topic, 100);
        try (KafkaConsumer<byte[], byte[]> g = groupConsumer(bootstrap)) {
            g.commitSync(Map.of(tp, new OffsetAndMetadata(100)));
            assertThat(g.committed(Set.of(tp)).get(tp).offset()).isEqualTo(100L);
        }
        admin.deleteTopics(List.of(topic)).all().get();
        try (KafkaConsumer<byte[], byte[]> g = groupConsumer(bootstrap)) {
            assertThat(g.committed(Set.of(tp)).get(tp)).as("OffsetFetch right after the delete").isNull();
        }
        if (afterDelete != null) {
            afterDelete.run();
            try (KafkaConsumer<byte[], byte[]> g = groupConsumer(bootstrap)) {
                assertThat(g.committed(Set.of(tp)).get(tp)).as("OffsetFetch after the restart").isNull();
            }
        }
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        produce(bootstrap, topic, 150);
        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> g = groupConsumer(bootstrap)) {
            g.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (read.size() < 150 && System.nanoTime() < deadline) {
                g.poll(Duration.ofMillis(200)).forEach(read::add);
            }
            // Nothing more than what was produced, and the group started at 0, not at the old 100.
            assertThat(read).as("records read by g from the re-created topic").hasSize(150);
            assertThat(read.get(0).offset()).isEqualTo(0L);
        }
    }

    private static KafkaConsumer<byte[], byte[]> groupConsumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap, "group.id", "g",
                "key.deserializer", ByteArrayDeserializer.class.getName(),
                "value.deserializer", ByteArrayDeserializer.class.getName(),
                "enable.auto.commit", "false", "auto.offset.reset", "earliest"));
    }

    static void produce(String bootstrap, String topic, int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = Clients.producer(bootstrap, Map.of())) {
            for (int i = 0; i < count; i++) {
                p.send(new ProducerRecord<>(topic, 0, null, ("r" + i).getBytes())).get();
            }
        }
    }

    /** Everything from offset 0 up to the current end (which may be 0). */
    private static List<ConsumerRecord<byte[], byte[]>> readFromStart(String bootstrap, TopicPartition tp)
            throws Exception {
        long end = Clients.endOffsets(bootstrap, Set.of(tp)).get(tp);
        return Clients.read(bootstrap, tp, 0, end);
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
    }

    private static void deleteTree(Path dir) throws Exception {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
