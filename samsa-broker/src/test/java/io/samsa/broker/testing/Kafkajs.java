package io.samsa.broker.testing;

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

/**
 * kafkajs (Node.js) as a test peer: {@code test-deps/kafkajs/group-roundtrip.js} creates a 3-partition topic with
 * its admin, sends keyed messages with an idempotent acks=all producer, reads them in a consumer group and commits.
 * kafkajs comes from {@code scripts/install-test-deps} (npm); without it a test fails under CI=true and is skipped
 * otherwise.
 */
public final class Kafkajs {
    static final Path PEER = Path.of("..", "test-deps", "kafkajs").toAbsolutePath().normalize();

    private Kafkajs() {
    }

    /** Aborts the calling test (or fails it under CI=true) when kafkajs is not installed. */
    public static void require() {
        if (!Files.isDirectory(PEER.resolve("node_modules").resolve("kafkajs"))) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("kafkajs is not installed in " + PEER + " (run scripts/install-test-deps)");
            }
            Assumptions.abort("kafkajs is not installed (run scripts/install-test-deps); skipped outside CI");
        }
    }

    /**
     * Runs the round trip of {@code count} messages against {@code bootstrap} and checks its report: every message
     * consumed exactly once, from more than one partition, and each partition's committed offset one past the last
     * offset consumed from it.
     */
    public static void assertGroupRoundTrip(String bootstrap, String topic, String group, int count)
            throws Exception {
        Process node = new ProcessBuilder("node", "group-roundtrip.js", bootstrap, topic, group,
                Integer.toString(count))
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
        assertThat(seen).as("messages consumed").isEqualTo(count);
        assertThat(values).hasSize(count);
        for (int i = 0; i < count; i++) {
            assertThat(values).contains("value-" + i);
        }
        for (Map.Entry<Integer, Long> e : maxOffset.entrySet()) {
            assertThat(json).contains("{\"partition\":" + e.getKey() + ",\"offset\":\"" + (e.getValue() + 1) + "\"");
        }
        assertThat(List.copyOf(maxOffset.keySet())).hasSizeGreaterThan(1);
    }

    /** What a peer script printed (stdout and stderr) and its exit code. */
    public record Result(int exit, String output) {
    }

    /**
     * {@code sasl-roundtrip.js}: {@code count} messages produced to {@code topic} over SASL_SSL and read back
     * (exit 0), or a failed authentication (exit 2, with kafkajs's error name in the output).
     */
    public static Result saslRoundTrip(String bootstrap, Path caPem, String mechanism, String user, String password,
                                       String topic, int count) throws Exception {
        Process node = new ProcessBuilder("node", "sasl-roundtrip.js", bootstrap, caPem.toString(), mechanism, user,
                password, topic, Integer.toString(count))
                .directory(PEER.toFile())
                .redirectErrorStream(true)
                .start();
        boolean finished = node.waitFor(120, TimeUnit.SECONDS);
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!finished) {
            node.destroyForcibly();
            fail("kafkajs peer did not finish:\n" + output);
        }
        return new Result(node.exitValue(), output);
    }
}
