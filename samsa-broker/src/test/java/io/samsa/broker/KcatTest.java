package io.samsa.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.samsa.broker.testing.Clients;
import io.samsa.broker.testing.Kcat;
import io.samsa.broker.testing.Kcat.Result;

/**
 * librdkafka, through kcat, against the broker: metadata listing, and 10,000 lines produced to a partition
 * and consumed back in order, uncompressed and with each codec librdkafka offers. kcat comes from
 * {@code scripts/install-test-deps} (run by {@code bin/test}); without it the test fails under CI=true and
 * is skipped, saying so, elsewhere.
 */
class KcatTest {
    static final int LINES = 10_000;
    static SamsaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        requireKcat();
        broker = SamsaBroker.startEmbedded();
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    static void requireKcat() throws InterruptedException {
        Kcat.require();
    }

    @Test
    void metadataListsTheBrokerAndTopic() throws Exception {
        createTopic("kcat-meta", 2);
        Result r = run(List.of("kcat", "-b", broker.bootstrapServers(), "-L", "-t", "kcat-meta"), null);
        assertThat(r.exit()).as("kcat -L failed:\n%s", r).isZero();
        assertThat(r.stdout())
                .contains("1 brokers:")
                .contains("broker " + broker.config().nodeId() + " at " + broker.bootstrapServers())
                .contains("topic \"kcat-meta\" with 2 partitions:")
                .contains("partition 0, leader " + broker.config().nodeId())
                .contains("partition 1, leader " + broker.config().nodeId());

        Result all = run(List.of("kcat", "-b", broker.bootstrapServers(), "-L"), null);
        assertThat(all.exit()).as("kcat -L failed:\n%s", all).isZero();
        assertThat(all.stdout()).contains("topic \"kcat-meta\" with 2 partitions:");
    }

    @ParameterizedTest(name = "compression {0}")
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void produceAndConsume10kLinesInOrder(String codec) throws Exception {
        String topic = "kcat-" + codec;
        createTopic(topic, 1);
        StringBuilder in = new StringBuilder();
        List<String> lines = new ArrayList<>(LINES);
        for (int i = 0; i < LINES; i++) {
            String line = "line-" + i + "-" + "abcdefghij".repeat(i % 7) + "-" + codec;
            lines.add(line);
            in.append(line).append('\n');
        }
        Result p = run(List.of("kcat", "-P", "-b", broker.bootstrapServers(), "-t", topic, "-p", "0",
                "-z", codec, "-X", "api.version.request=true"), in.toString());
        assertThat(p.exit()).as("kcat -P failed:\n%s", p).isZero();
        assertThat(p.stderr()).as("kcat -P reported errors").doesNotContainIgnoringCase("error");

        Result c = run(List.of("kcat", "-C", "-b", broker.bootstrapServers(), "-t", topic, "-p", "0",
                "-o", "beginning", "-e", "-q", "-f", "%o %s\\n"), null);
        assertThat(c.exit()).as("kcat -C failed:\n%s", c).isZero();
        List<String> got = c.stdout().lines().toList();
        assertThat(got).as("consumed line count").hasSize(LINES);
        for (int i = 0; i < LINES; i++) {
            assertThat(got.get(i)).as("line %d", i).isEqualTo(i + " " + lines.get(i));
        }
    }

    @Test
    void consumeFromATimestampAndFromTheEnd() throws Exception {
        String topic = "kcat-time";
        createTopic(topic, 1);
        long base = System.currentTimeMillis() - 3_600_000;
        try (var producer = Clients.producer(broker.bootstrapServers(), java.util.Map.of("linger.ms", "20"))) {
            for (int i = 0; i < 100; i++) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, 0, base + i * 1000L,
                        null, ("t" + i).getBytes(StandardCharsets.UTF_8)));
            }
        }
        // Offsets by time (ListOffsets with a timestamp): the first record at or after it, inside a batch too.
        Result byTime = run(List.of("kcat", "-C", "-b", broker.bootstrapServers(), "-t", topic, "-p", "0",
                "-o", "s@" + (base + 41_500), "-e", "-q", "-f", "%o %s\\n"), null);
        assertThat(byTime.exit()).as("kcat -o s@ts failed:\n%s", byTime).isZero();
        List<String> got = byTime.stdout().lines().toList();
        assertThat(got).hasSize(58);
        assertThat(got.get(0)).isEqualTo("42 t42");
        assertThat(got.get(57)).isEqualTo("99 t99");

        Result tail = run(List.of("kcat", "-C", "-b", broker.bootstrapServers(), "-t", topic, "-p", "0",
                "-o", "-3", "-e", "-q", "-f", "%o %s\\n"), null);
        assertThat(tail.exit()).as("kcat -o -3 failed:\n%s", tail).isZero();
        assertThat(tail.stdout().lines().toList()).containsExactly("97 t97", "98 t98", "99 t99");
    }

    static void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = Clients.admin(broker.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        }
    }

    static Result run(List<String> cmd, String stdin) throws IOException, InterruptedException {
        return Kcat.run(cmd, stdin);
    }
}
