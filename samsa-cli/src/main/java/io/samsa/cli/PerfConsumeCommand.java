package io.samsa.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code samsa perf consume}: Kafka's ConsumerPerformance (flags and summary) with Samsa's consumer. */
@Command(name = "consume", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Kafka's ConsumerPerformance with Samsa's consumer: reads --messages records and prints",
                "Kafka's summary line (start, end, MB, MB/s, records, records/s, ...)."})
final class PerfConsumeCommand implements Callable<Integer> {
    @Option(names = "--topic", required = true, description = "Topic to consume from.")
    String topic;
    @Option(names = {"--messages", "--num-records"}, required = true, paramLabel = "N", description = "Records to read.")
    long messages;
    @Option(names = {"-b", "--bootstrap-server"}, defaultValue = ClientOptions.DEFAULT_BOOTSTRAP, paramLabel = "HOST:PORT",
            description = "Broker (default: ${DEFAULT-VALUE}).")
    String bootstrapServer;
    @Option(names = "--group", defaultValue = "perf-consumer", description = "Consumer group (default: ${DEFAULT-VALUE}).")
    String group;
    @Option(names = "--fetch-size", defaultValue = "1048576", paramLabel = "BYTES",
            description = "max.partition.fetch.bytes (default: ${DEFAULT-VALUE}).")
    int fetchSize;
    @Option(names = "--from-latest", description = "Start at the end of the log, not the beginning.")
    boolean fromLatest;
    @Option(names = {"--consumer.config", "--command-config"}, paramLabel = "FILE",
            description = "Consumer settings from a properties file.")
    Path consumerConfig;
    @Option(names = "--command-property", paramLabel = "KEY=VALUE", description = "A consumer setting; repeatable.")
    Map<String, String> props = new LinkedHashMap<>();
    @Option(names = "--timeout", defaultValue = "10000", paramLabel = "MS",
            description = "Give up after MS without a record (default: ${DEFAULT-VALUE}).")
    long timeoutMs;
    @Option(names = "--reporting-interval", defaultValue = "5000", paramLabel = "MS",
            description = "Interval between progress lines (default: ${DEFAULT-VALUE}).")
    int reportingInterval;
    @Option(names = "--show-detailed-stats", description = "A line per reporting interval.")
    boolean detailed;
    @Option(names = "--hide-header", description = "Omit the header line.")
    boolean hideHeader;
    @Option(names = "--print-metrics", description = "Print the consumer's metrics at the end.")
    boolean printMetrics;
    @Option(names = "--progress", defaultValue = "auto", paramLabel = "auto|bar|plain",
            description = "A live bar on a terminal (auto), always (bar), or only lines (plain).")
    String progress;

    @Override
    public Integer call() {
        PerfCommand.progressMode(progress);
        PerfCommand.requireTopic(bootstrapServer, topic);
        Consumers.create(null); // wired to ConsumerPerf when Samsa's consumer lands
        return 0;
    }
}
