package io.samsa.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import io.samsa.clients.admin.SamsaAdmin;
import io.samsa.clients.admin.UnknownTopicException;
import io.samsa.cli.perf.ProducerPerf;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code samsa perf}: Kafka's producer and consumer performance tools, same flags and summary lines. */
@Command(name = "perf", mixinStandardHelpOptions = true,
        description = "Throughput and latency tests: Kafka's ProducerPerformance and ConsumerPerformance.",
        subcommands = {PerfCommand.Produce.class, PerfConsumeCommand.class})
final class PerfCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: produce or consume");
    }

    /** Loads {@code --*.config} files and {@code k=v} properties, later ones winning. */
    static Properties properties(Path configFile, Map<String, String> props) {
        Properties p = ClientOptions.load(configFile, "--command-config");
        p.putAll(props);
        return p;
    }

    /** An admin with the client's settings (its security ones above all), every call bounded by 30 s. */
    static SamsaAdmin admin(Properties clientProps) {
        Properties p = new Properties();
        p.putAll(clientProps);
        p.setProperty("request.timeout.ms", "30000");
        p.setProperty("default.api.timeout.ms", "30000");
        return SamsaAdmin.create(p);
    }

    static void requireTopic(Properties clientProps, String topic) {
        try (SamsaAdmin admin = admin(clientProps)) {
            if (!admin.topicExists(topic)) {
                throw new UnknownTopicException(topic);
            }
        }
    }

    @Command(name = "produce", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Kafka's ProducerPerformance with Samsa's producer: sends --num-records records as fast as",
                    "--throughput allows, prints a line per reporting interval and Kafka's summary line."})
    static final class Produce implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--topic", required = true, description = "Topic to produce to.")
        String topic;
        @Option(names = "--num-records", required = true, paramLabel = "N", description = "Records to send.")
        long numRecords;
        @Option(names = "--record-size", paramLabel = "BYTES", description = "Record size (default: 100, unless --payload-file).")
        Integer recordSize;
        @Option(names = "--payload-file", paramLabel = "FILE",
                description = "Send values read from FILE, split at --payload-delimiter, in random order.")
        Path payloadFile;
        @Option(names = "--payload-delimiter", defaultValue = "\\n", paramLabel = "DELIM",
                description = "Delimiter of --payload-file (default: \\n).")
        String payloadDelimiter;
        @Option(names = "--throughput", defaultValue = "-1", paramLabel = "RECORDS/S",
                description = "Throttle to this many records/s; -1: no limit (default).")
        double throughput;
        @Option(names = {"--producer-props", "--command-property"}, arity = "1..*", paramLabel = "KEY=VALUE",
                description = "Producer settings by Kafka's names.")
        Map<String, String> producerProps = new LinkedHashMap<>();
        @Option(names = {"--producer.config", "--command-config"}, paramLabel = "FILE",
                description = "Producer settings from a properties file.")
        Path producerConfig;
        @Option(names = {"-b", "--bootstrap-server"}, defaultValue = ClientOptions.DEFAULT_BOOTSTRAP,
                paramLabel = "HOST:PORT", description = "Broker (default: ${DEFAULT-VALUE}; bootstrap.servers wins).")
        String bootstrapServer;
        @Option(names = "--reporting-interval", defaultValue = "5000", paramLabel = "MS",
                description = "Interval between window lines (default: ${DEFAULT-VALUE}).")
        int reportingInterval;
        @Option(names = "--print-metrics", description = "Print the producer's metrics at the end.")
        boolean printMetrics;
        @Option(names = "--progress", defaultValue = "auto", paramLabel = "auto|bar|plain",
                description = "A live bar on a terminal (auto), always (bar), or only window lines (plain).")
        String progress;

        @Override
        public Integer call() throws Exception {
            if (numRecords < 0) {
                throw new UserException("--num-records must not be negative");
            }
            Progress.Mode mode = progressMode(progress);
            List<byte[]> payloads = payloads();
            int size = recordSize != null ? recordSize : 100;
            if (size < 0) {
                throw new UserException("--record-size must not be negative");
            }
            Properties props = properties(producerConfig, producerProps);
            props.putIfAbsent("bootstrap.servers", bootstrapServer);
            requireTopic(props, topic);
            String summary;
            try (Progress p = new Progress(numRecords, "records", mode, System.out, System.err).start()) {
                summary = ProducerPerf.run(new ProducerPerf.Options(topic, numRecords, size, payloads, throughput,
                        "samsa", props, printMetrics, reportingInterval), p);
            }
            System.out.print(summary);
            System.out.flush();
            return 0;
        }

        private List<byte[]> payloads() throws IOException {
            if (payloadFile == null) {
                return List.of();
            }
            if (recordSize != null) {
                throw new UserException("Give --record-size or --payload-file, not both");
            }
            String text;
            try {
                text = Files.readString(payloadFile, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new UserException("No such file: " + payloadFile);
            }
            String delimiter = payloadDelimiter.replace("\\n", "\n").replace("\\t", "\t");
            List<byte[]> out = new ArrayList<>();
            for (String s : text.split(Pattern.quote(delimiter))) {
                if (!s.isEmpty()) {
                    out.add(s.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (out.isEmpty()) {
                throw new UserException("--payload-file " + payloadFile + " has no payloads");
            }
            return out;
        }
    }

    static Progress.Mode progressMode(String value) {
        try {
            return Progress.Mode.valueOf(value.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserException("--progress must be auto, bar or plain, not '" + value + "'");
        }
    }
}
