package io.samsa.cli;

import java.nio.file.Path;
import java.text.SimpleDateFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import io.samsa.clients.admin.SamsaAdmin;
import io.samsa.clients.admin.TopicDescription;
import io.samsa.cli.perf.ConsumerPerf;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code samsa perf consume}: Kafka's ConsumerPerformance (flags, header and summary line) with Samsa's consumer.
 * Without {@code --group} it reads every partition directly (assign mode, no rebalance); with it, as a group
 * member, timing the rebalance as Kafka does.
 */
@Command(name = "consume", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Kafka's ConsumerPerformance with Samsa's consumer: reads --messages records and prints",
                "Kafka's summary line (start, end, MB, MB/s, records, records/s, rebalance and fetch times)."})
final class PerfConsumeCommand implements Callable<Integer> {
    private static final String HEADER = ConsumerPerf.HEADER;
    private static final String DETAILED_HEADER = "time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, "
            + "nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec";

    @Option(names = "--topic", required = true, description = "Topic to consume from.")
    String topic;
    @Option(names = {"--messages", "--num-records"}, required = true, paramLabel = "N", description = "Records to read.")
    long messages;
    @Option(names = {"-b", "--bootstrap-server"}, defaultValue = ClientOptions.DEFAULT_BOOTSTRAP, paramLabel = "HOST:PORT",
            description = "Broker (default: ${DEFAULT-VALUE}).")
    String bootstrapServer;
    @Option(names = "--group", description = "Consume as a member of this group (default: read partitions directly).")
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
            description = "Interval between --show-detailed-stats lines (default: ${DEFAULT-VALUE}).")
    long reportingInterval;
    @Option(names = "--show-detailed-stats", description = "A line per reporting interval.")
    boolean detailed;
    @Option(names = "--hide-header", description = "Omit the header line.")
    boolean hideHeader;
    @Option(names = "--date-format", defaultValue = "yyyy-MM-dd HH:mm:ss:SSS", paramLabel = "PATTERN",
            description = "Format of start.time and end.time (default: ${DEFAULT-VALUE}).")
    String dateFormat;
    @Option(names = "--print-metrics", description = "Print the consumer's metrics at the end.")
    boolean printMetrics;
    @Option(names = "--progress", defaultValue = "auto", paramLabel = "auto|bar|plain",
            description = "A live bar on a terminal (auto), always (bar), or only lines (plain).")
    String progress;

    private long joinStartMs;
    private long joinTimeMs;

    @Override
    public Integer call() throws Exception {
        Progress.Mode mode = PerfCommand.progressMode(progress);
        SimpleDateFormat dates;
        try {
            dates = new SimpleDateFormat(dateFormat, Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new UserException("--date-format: " + e.getMessage());
        }
        Properties p = PerfCommand.properties(consumerConfig, props);
        p.putIfAbsent("bootstrap.servers", bootstrapServer);
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        p.putIfAbsent("max.partition.fetch.bytes", String.valueOf(fetchSize));
        p.putIfAbsent("auto.offset.reset", fromLatest ? "latest" : "earliest");
        if (group != null) {
            p.put("group.id", group);
        } else {
            p.putIfAbsent("enable.auto.commit", "false");
        }
        List<TopicPartition> partitions = new ArrayList<>();
        try (SamsaAdmin admin = PerfCommand.admin(p)) {
            for (TopicDescription.Partition part : admin.describeTopic(topic).partitions()) {
                partitions.add(new TopicPartition(topic, part.partition()));
            }
        }
        if (!hideHeader) {
            System.out.println(detailed ? DETAILED_HEADER : HEADER);
        }
        long records = 0;
        long bytes = 0;
        long startMs = System.currentTimeMillis();
        long endMs;
        try (Consumer<byte[], byte[]> consumer = Consumers.create(p);
             Progress bar = new Progress(messages, "records", mode, System.out, System.err).start()) {
            if (group != null) {
                joinStartMs = System.currentTimeMillis();
                consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                        joinStartMs = System.currentTimeMillis();
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
                        joinTimeMs += System.currentTimeMillis() - joinStartMs;
                    }
                });
            } else {
                consumer.assign(partitions);
                if (fromLatest) {
                    consumer.seekToEnd(partitions);
                } else {
                    consumer.seekToBeginning(partitions);
                }
            }
            long lastRecordMs = System.currentTimeMillis();
            long lastReportMs = lastRecordMs;
            long lastReportRecords = 0;
            long lastReportBytes = 0;
            while (records < messages) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                long now = System.currentTimeMillis();
                if (batch.isEmpty()) {
                    if (now - lastRecordMs > timeoutMs) {
                        System.err.printf("samsa: no record for %d ms (--timeout); read %d of %d%n", timeoutMs,
                                records, messages);
                        break;
                    }
                    continue;
                }
                lastRecordMs = now;
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    records++;
                    bytes += (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
                }
                bar.completed(records);
                if (detailed && now - lastReportMs >= reportingInterval) {
                    bar.window(line(dates.format(new Date(now)) + ", 0", bytes - lastReportBytes,
                            records - lastReportRecords, now - lastReportMs, 0, now - lastReportMs));
                    lastReportMs = now;
                    lastReportRecords = records;
                    lastReportBytes = bytes;
                }
            }
            endMs = System.currentTimeMillis();
            if (printMetrics) {
                consumer.metrics().forEach((name, metric) -> System.out.printf("%-60s : %s%n",
                        name.group() + ":" + name.name(), metric.metricValue()));
            }
        }
        long elapsedMs = Math.max(1, endMs - startMs);
        long fetchMs = Math.max(1, elapsedMs - joinTimeMs);
        System.out.println(line(dates.format(new Date(startMs)) + ", " + dates.format(new Date(endMs)), bytes, records,
                elapsedMs, joinTimeMs, fetchMs));
        return records < messages ? SamsaCommand.USER_ERROR : 0;
    }

    /** Kafka's columns after the time(s): MB, MB/s, records, records/s, rebalance ms, fetch ms, fetch MB/s, fetch rec/s. */
    private static String line(String times, long bytes, long records, long elapsedMs, long rebalanceMs, long fetchMs) {
        double mb = bytes / (1024.0 * 1024.0);
        double seconds = Math.max(1, elapsedMs) / 1000.0;
        double fetchSeconds = Math.max(1, fetchMs) / 1000.0;
        return String.format(Locale.ROOT, "%s, %.4f, %.4f, %d, %.4f, %d, %d, %.4f, %.4f", times, mb, mb / seconds,
                records, records / seconds, rebalanceMs, fetchMs, mb / fetchSeconds, records / fetchSeconds);
    }
}
