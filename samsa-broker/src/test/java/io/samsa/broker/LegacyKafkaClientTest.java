package io.samsa.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.samsa.broker.testing.LegacyClientPeer;

/**
 * An older kafka-clients (3.9.1, copied by Maven into target/peers/kafka-3.9) against the broker, in a child
 * JVM whose class path holds those jars and our test classes but not the 4.4 client the broker is built on:
 * the 3.9 client negotiates its own request versions (ApiVersions v3, Produce v11, Fetch v16, ...).
 * {@link LegacyClientPeer} creates a 3-partition topic, produces 20,000 keyed records with headers with the
 * producer's defaults (and once more with zstd, which needs Produce v7+ / Fetch v10+) and reads them all back with assign + seekToBeginning.
 */
class LegacyKafkaClientTest {
    static final String LEGACY_VERSION = "3.9.1";

    @ParameterizedTest(name = "producer compression {0}")
    @ValueSource(strings = {"default", "zstd"})
    void kafkaClients391RoundTrip(String compression) throws Exception {
        Path peerDir = Path.of(System.getProperty("samsa.test.legacyPeerDir", "target/peers/kafka-3.9"));
        Path testClasses = Path.of(System.getProperty("samsa.test.testClasses", "target/test-classes"));
        List<Path> jars;
        try (Stream<Path> s = Files.list(peerDir)) {
            jars = s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError("no legacy client jars in " + peerDir.toAbsolutePath()
                    + " (maven-dependency-plugin copy-legacy-kafka-clients should have put them there)", e);
        }
        assertThat(jars).as("jars in %s", peerDir)
                .anyMatch(p -> p.getFileName().toString().equals("kafka-clients-" + LEGACY_VERSION + ".jar"))
                .noneMatch(p -> p.getFileName().toString().startsWith("kafka-clients-4"));

        String classPath = Stream.concat(jars.stream(), Stream.of(testClasses))
                .map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator));

        try (SamsaBroker broker = SamsaBroker.startEmbedded()) {
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m",
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    "-cp", classPath,
                    LegacyClientPeer.class.getName(),
                    broker.bootstrapServers(), "legacy-391-" + compression, "20000", LEGACY_VERSION));
            if (!compression.equals("default")) {
                cmd.add(compression);
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            // Drain the output while it runs; a bounded wait keeps a hung peer from hanging the build.
            var out = new java.io.ByteArrayOutputStream();
            Thread drain = new Thread(() -> {
                try {
                    p.getInputStream().transferTo(out);
                } catch (IOException ignored) {
                    // process gone
                }
            });
            drain.start();
            boolean exited = p.waitFor(180, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly().waitFor();
            }
            drain.join();
            String output = out.toString(StandardCharsets.UTF_8);
            System.out.println("--- legacy peer output ---\n" + output);
            assertThat(exited).as("peer did not finish; its output:\n%s", output).isTrue();
            assertThat(p.exitValue()).as("peer exit code; its output:\n%s", output).isZero();
            assertThat(output).contains("kafka-clients version " + LEGACY_VERSION).contains("PEER-OK");
        }
    }
}
