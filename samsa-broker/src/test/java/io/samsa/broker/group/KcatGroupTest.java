package io.samsa.broker.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.samsa.broker.SamsaBroker;
import io.samsa.broker.testing.Kcat;

/**
 * librdkafka's balanced consumer ({@code kcat -G}) against Samsa: it joins, consumes a topic produced
 * earlier, commits, and a second run of the same group resumes after the commits. kcat comes from
 * {@code scripts/install-test-deps}; without it the test fails under CI=true and is skipped otherwise.
 */
class KcatGroupTest {
    static final String TOPIC = "kcat-events";
    static final String GROUP = "kcat-group";

    @TempDir
    Path tmp;

    @BeforeAll
    static void requireKcat() throws InterruptedException {
        Kcat.require();
    }

    @Test
    void kcatBalancedConsumerConsumesCommitsAndResumes() throws Exception {
        try (SamsaBroker broker = SamsaBroker.startEmbedded(Map.of("group.initial.rebalance.delay.ms", "0"))) {
            String bootstrap = broker.bootstrapServers();
            GroupTestSupport.createTopic(bootstrap, TOPIC, 3);
            List<String> first = GroupTestSupport.produce(bootstrap, TOPIC, 3, "e", 30);

            assertThat(runKcat(bootstrap, "run1")).containsExactlyInAnyOrderElementsOf(first);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                        .partitionsToOffsetAndMetadata().get();
                assertThat(committed).hasSize(3);
                assertThat(committed.values()).allMatch(o -> o.offset() == 10);
            }

            List<String> second = GroupTestSupport.produce(bootstrap, TOPIC, 3, "f", 6);
            assertThat(runKcat(bootstrap, "run2")).containsExactlyInAnyOrderElementsOf(second);
        }
    }

    /**
     * {@code kcat -G} until it has reached the end of every assigned partition; returns the values read. No
     * {@code -o}: with -G kcat would apply it over the committed offsets.
     */
    private List<String> runKcat(String bootstrap, String name) throws Exception {
        Path out = tmp.resolve(name + ".out");
        Path err = tmp.resolve(name + ".err");
        Process p = new ProcessBuilder("kcat", "-b", bootstrap, "-G", GROUP, TOPIC, "-e", "-q",
                "-f", "%s\\n", "-X", "auto.offset.reset=earliest", "-X", "session.timeout.ms=6000")
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("kcat did not finish; stderr: " + Files.readString(err));
        }
        assertThat(p.exitValue()).as("kcat exit code; stderr: %s", Files.readString(err)).isZero();
        List<String> values = new ArrayList<>();
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                values.add(line.trim());
            }
        }
        return values;
    }
}
