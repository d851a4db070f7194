package io.samsa.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import io.samsa.clients.admin.SamsaAdmin;
import io.samsa.clients.admin.TopicSpec;
import io.samsa.clients.admin.UnknownTopicException;
import io.samsa.clients.producer.SamsaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import io.samsa.protocol.records.KafkaHeaders;

/** {@code samsa produce}: one record per input line, with Samsa's producer; prints what went where. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = {"Send lines from stdin (or --file) as records, one per line.",
                "Then print a summary: records, bytes, and per partition the offsets written."})
final class ProduceCommand implements Callable<Integer> {
    private static final Set<String> ACKS = Set.of("all", "-1", "0", "1");
    private static final Set<String> COMPRESSION = Set.of("none", "gzip", "snappy", "lz4", "zstd");

    @Spec
    CommandSpec spec;
    @Mixin
    ClientOptions client;
    @Parameters(paramLabel = "TOPIC")
    String topic;
    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Read lines from FILE instead of stdin.")
    Path file;
    @Option(names = {"-k", "--key-separator"}, paramLabel = "SEP",
            description = "Split each line at the first SEP into key and value (default: no key).")
    String keySeparator;
    @Option(names = "--acks", defaultValue = "all", description = "all, 1 or 0 (default: ${DEFAULT-VALUE}).")
    String acks;
    @Option(names = {"-z", "--compression"}, defaultValue = "none",
            description = "none, gzip, snappy, lz4 or zstd (default: ${DEFAULT-VALUE}).")
    String compression;
    @Option(names = {"-p", "--partition"}, paramLabel = "N",
            description = "Send every record to partition N (default: by key hash, or sticky when no key).")
    Integer partition;
    @Option(names = {"-H", "--header"}, paramLabel = "KEY=VALUE", description = "A header on every record; repeatable.")
    Map<String, String> headers = new LinkedHashMap<>();
    @Option(names = "--create", description = "Create the topic if it does not exist.")
    boolean create;
    @Option(names = "--partitions", paramLabel = "N", description = "With --create: partitions of the new topic.")
    Integer createPartitions;
    @Option(names = {"-X", "--producer-property"}, paramLabel = "KEY=VALUE",
            description = "Any producer setting by Kafka's name (linger.ms, batch.size, ...); repeatable.")
    Map<String, String> producerProperties = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        if (!ACKS.contains(acks)) {
            throw new UserException("--acks must be all, 1 or 0, not '" + acks + "'");
        }
        if (!COMPRESSION.contains(compression)) {
            throw new UserException("--compression must be one of none, gzip, snappy, lz4, zstd, not '" + compression + "'");
        }
        if (keySeparator != null && keySeparator.isEmpty()) {
            throw new UserException("--key-separator must not be empty");
        }
        BufferedReader in = openInput();
        ensureTopic();

        Properties props = client.clientProperties();
        props.put("acks", acks);
        props.put("compression.type", compression);
        props.put("linger.ms", "5");
        props.put("max.block.ms", String.valueOf(client.timeoutSeconds * 1000L));
        props.putAll(producerProperties);
        Headers recordHeaders = KafkaHeaders.mutable();
        headers.forEach((k, v) -> recordHeaders.add(k, v.getBytes(StandardCharsets.UTF_8)));

        DeliverySummary summary = new DeliverySummary(topic);
        try (in; SamsaProducer<byte[], byte[]> producer =
                new SamsaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            String line;
            long lineNumber = 0;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                byte[] key = null;
                String value = line;
                if (keySeparator != null) {
                    int at = line.indexOf(keySeparator);
                    if (at < 0) {
                        producer.flush();
                        throw new UserException("No key separator '" + keySeparator + "' on line " + lineNumber
                                + " (" + summary.sent() + " records before it were sent)");
                    }
                    key = line.substring(0, at).getBytes(StandardCharsets.UTF_8);
                    value = line.substring(at + keySeparator.length());
                }
                byte[] valueBytes = value.getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, partition, null, key, valueBytes, recordHeaders),
                        summary.callback(key, valueBytes));
            }
            producer.flush();
        }
        PrintWriter out = spec.commandLine().getOut();
        summary.print(out);
        if (summary.failed() > 0) {
            throw new UserException(summary.failed() + " of " + summary.sent() + " records failed: "
                    + SamsaCommand.userMessage(summary.firstError()));
        }
        return 0;
    }

    private BufferedReader openInput() throws IOException {
        if (file == null) {
            return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        }
        try {
            return Files.newBufferedReader(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserException("No such file: " + file);
        }
    }

    /** Checks the topic (and that a broker answers) before the producer would block on it for max.block.ms. */
    private void ensureTopic() {
        try (SamsaAdmin admin = client.admin()) {
            if (admin.topicExists(topic)) {
                if (partition != null) {
                    int n = admin.describeTopic(topic).partitions().size();
                    if (partition < 0 || partition >= n) {
                        throw new UserException("Topic '" + topic + "' has partitions 0.." + (n - 1)
                                + "; there is no partition " + partition);
                    }
                }
                return;
            }
            if (!create) {
                throw new UnknownTopicException(topic);
            }
            admin.createTopic(new TopicSpec(topic, createPartitions == null ? -1 : createPartitions, (short) -1,
                    Map.of()));
            spec.commandLine().getErr().println("Created topic " + topic + ".");
        }
    }
}
