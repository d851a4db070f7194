package io.samsa.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of Apache Kafka's own command-line tools (a main class of the kafka-tools / kafka_2.13 jars, e.g.
 * {@code org.apache.kafka.tools.TopicCommand} for {@code kafka-topics.sh}) in a child JVM against a Samsa broker or
 * cluster, as a user would. The jars come from {@code samsa-kafka-dist/target/kafka-libs}, as for
 * {@link ApacheKafkaBroker}. Any thread.
 */
public final class KafkaTool {
    private KafkaTool() {
    }

    /** What the tool printed (stdout and stderr together) and its exit code. */
    public record Output(int exit, String text) {
    }

    /** Runs {@code mainClass} with {@code args}; bounded at 60 s (a hung tool fails the test, not the build). */
    public static Output run(String mainClass, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("kafka-tool", ".txt");
        try {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx256m", "-Dlog4j2.level=WARN", "-cp",
                    ApacheKafkaBroker.locateLibs().toAbsolutePath() + "/*", mainClass));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError(mainClass + " did not finish in 60 s: " + Files.readString(out));
            }
            return new Output(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
