package io.samsa.broker.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.samsa.broker.SamsaBroker;

/**
 * A kafka-clients 3.9.1 consumer group (child JVM on the legacy peer class path, as in
 * LegacyKafkaClientTest): it consumes and commits with the older client's request versions, leaves, and a
 * second run resumes from the commits.
 */
class LegacyClientGroupTest {
    static final String TOPIC = "legacy-orders";
    static final String GROUP = "legacy-group";

    @Test
    void kafkaClients391GroupConsumesCommitsAndResumes() throws Exception {
        try (SamsaBroker broker = SamsaBroker.startEmbedded(Map.of("group.initial.rebalance.delay.ms", "0"))) {
            String bootstrap = broker.bootstrapServers();
            GroupTestSupport.createTopic(bootstrap, TOPIC, 3);
            List<String> first = GroupTestSupport.produce(bootstrap, TOPIC, 3, "a", 90);
            assertThat(runLegacyMember(bootstrap, first.size())).containsExactlyInAnyOrderElementsOf(first);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                        .partitionsToOffsetAndMetadata().get();
                assertThat(committed.values()).extracting(OffsetAndMetadata::offset).containsOnly(30L);
            }
            List<String> second = GroupTestSupport.produce(bootstrap, TOPIC, 3, "b", 9);
            assertThat(runLegacyMember(bootstrap, second.size())).containsExactlyInAnyOrderElementsOf(second);
        }
    }

    private static List<String> runLegacyMember(String bootstrap, int records) throws Exception {
        Path peerDir = Path.of(System.getProperty("samsa.test.legacyPeerDir", "target/peers/kafka-3.9"));
        Path testClasses = Path.of(System.getProperty("samsa.test.testClasses", "target/test-classes"));
        List<Path> jars;
        try (Stream<Path> s = Files.list(peerDir)) {
            jars = s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
        assertThat(jars).anyMatch(p -> p.getFileName().toString().startsWith("kafka-clients-3."))
                .noneMatch(p -> p.getFileName().toString().startsWith("kafka-clients-4"));
        String classPath = Stream.concat(jars.stream(), Stream.of(testClasses)).map(Path::toString)
                .collect(Collectors.joining(File.pathSeparator));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", classPath, GroupMemberProcess.class.getName(),
                bootstrap, GROUP, TOPIC, Integer.toString(records)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> values = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try {
                for (String line : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    if (line.startsWith("RECORD ")) {
                        values.add(line.split(" ", 4)[3]);
                    }
                }
            } catch (Exception e) {
                // the process died
            }
        });
        reader.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("legacy group member did not finish");
        }
        reader.join(5_000);
        assertThat(p.exitValue()).isZero();
        return values;
    }
}
