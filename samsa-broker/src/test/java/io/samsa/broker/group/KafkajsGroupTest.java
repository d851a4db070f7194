package io.samsa.broker.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.samsa.broker.SamsaBroker;

/**
 * kafkajs (Node.js) against Samsa: its admin creates a topic, its idempotent producer sends keyed messages,
 * and a kafkajs consumer group reads every one exactly once and commits. kafkajs comes from
 * {@code scripts/install-test-deps} (npm); without it the test fails under CI=true and is skipped otherwise.
 */
class KafkajsGroupTest {
    static final Path PEER = Path.of("..", "test-deps", "kafkajs").toAbsolutePath().normalize();
    static final int COUNT = 600;

    @BeforeAll
    static void requireKafkajs() {
        if (!Files.isDirectory(PEER.resolve("node_modules").resolve("kafkajs"))) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("kafkajs is not installed in " + PEER + " (run scripts/install-test-deps)");
            }
            Assumptions.abort("kafkajs is not installed (run scripts/install-test-deps); skipped outside CI");
        }
    }

    @Test
    void kafkajsProducesAndAConsumerGroupReadsEverythingOnceAndCommits() throws Exception {
        try (SamsaBroker broker = SamsaBroker.startEmbedded(Map.of("group.initial.rebalance.delay.ms", "0"))) {
            Process node = new ProcessBuilder("node", "group-roundtrip.js", broker.bootstrapServers(), "js-events",
                    "js-group", Integer.toString(COUNT))
                    .directory(PEER.toFile())
                    .redirectErrorStream(true)
                    .start();
            boolean finished = node.waitFor(120, TimeUnit.SECONDS);
            String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!finished) {
                node.destroyForcibly();
                fail("kafkajs peer did not finish:\n" + output);
            }
            assertThat(node.exitValue()).as("kafkajs peer output:%n%s", output).isZero();

            String json = output.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow();
            Set<String> values = new HashSet<>();
            Map<Integer, Long> maxOffset = new HashMap<>();
            Matcher m = Pattern.compile("\"partition\":(\\d+),\"offset\":\"(\\d+)\",\"key\":\"([^\"]*)\",\"value\":\"([^\"]*)\"")
                    .matcher(json);
            int seen = 0;
            while (m.find()) {
                seen++;
                values.add(m.group(4));
                maxOffset.merge(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)), Math::max);
            }
            assertThat(seen).as("messages consumed").isEqualTo(COUNT);
            assertThat(values).hasSize(COUNT);
            for (int i = 0; i < COUNT; i++) {
                assertThat(values).contains("value-" + i);
            }
            // Each partition's committed offset is one past the last offset consumed from it.
            for (Map.Entry<Integer, Long> e : maxOffset.entrySet()) {
                assertThat(json).contains("{\"partition\":" + e.getKey() + ",\"offset\":\"" + (e.getValue() + 1) + "\"");
            }
            assertThat(List.copyOf(maxOffset.keySet())).hasSizeGreaterThan(1);
        }
    }
}
