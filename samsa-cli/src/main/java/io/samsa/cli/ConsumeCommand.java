package io.samsa.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import io.samsa.clients.admin.SamsaAdmin;
import io.samsa.clients.admin.TopicDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code samsa consume}: prints a topic's records, one per line, until --max-messages or Ctrl-C. */
@Command(name = "consume", mixinStandardHelpOptions = true,
        description = {"Print records of a topic, one per line (values only by default).",
                "Without --group it reads the partitions directly; with --group it joins the consumer group."})
final class ConsumeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ClientOptions client;
    @Parameters(paramLabel = "TOPIC")
    String topic;
    @Option(names = "--from-beginning", description = "Start at the oldest record (default: only new records).")
    boolean fromBeginning;
    @Option(names = {"-o", "--offset"}, paramLabel = "N|earliest|latest",
            description = "Start at this offset in each partition read (default: latest).")
    String offset;
    @Option(names = {"-p", "--partition"}, paramLabel = "N", description = "Read only partition N.")
    Integer partition;
    @Option(names = {"-g", "--group"}, paramLabel = "GROUP", description = "Consume as a member of this group.")
    String group;
    @Option(names = {"-n", "--max-messages"}, paramLabel = "N", description = "Exit after N records.")
    Long maxMessages;
    @Option(names = "--idle-timeout", paramLabel = "MS",
            description = "Exit when no record arrives for MS milliseconds (default: wait forever).")
    Long idleTimeoutMs;
    @Option(names = {"-F", "--format"}, defaultValue = "value", paramLabel = "FORMAT",
            description = {"value (default), json (JSON lines, every field), or fields to print tab-separated:",
                    "a comma list of key, value, partition, offset, timestamp, headers."})
    String format;
    @Option(names = {"-X", "--consumer-property"}, paramLabel = "KEY=VALUE",
            description = "Any consumer setting by Kafka's name; repeatable.")
    Map<String, String> consumerProperties = new LinkedHashMap<>();

    @Override
    public Integer call() {
        RecordFormat recordFormat = RecordFormat.parse(format);
        StartAt start = startAt();
        if (maxMessages != null && maxMessages < 1) {
            throw new UserException("--max-messages must be at least 1");
        }
        if (group != null && (partition != null || offset != null)) {
            throw new UserException("--group reads the partitions the group assigns; it cannot be combined with "
                    + "--partition or --offset");
        }
        List<TopicPartition> partitions = partitions();
        Properties props = client.clientProperties();
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        if (group != null) {
            props.put("group.id", group);
            props.put("auto.offset.reset", start.earliest ? "earliest" : "latest");
        }
        // Commit exactly what was printed (auto-commit would also commit records polled but not printed
        // when --max-messages stops mid-batch, and the next run would skip them).
        props.put("enable.auto.commit", "false");
        props.putAll(consumerProperties);

        PrintWriter out = spec.commandLine().getOut();
        long count = 0;
        try (Consumer<byte[], byte[]> consumer = Consumers.create(props)) {
            Thread main = Thread.currentThread();
            Thread hook = new Thread(consumer::wakeup, "samsa-consume-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                if (group != null) {
                    consumer.subscribe(List.of(topic));
                } else {
                    consumer.assign(partitions);
                    if (start.offset != null) {
                        partitions.forEach(tp -> consumer.seek(tp, start.offset));
                    } else if (start.earliest) {
                        consumer.seekToBeginning(partitions);
                    } else {
                        consumer.seekToEnd(partitions);
                    }
                }
                Map<TopicPartition, OffsetAndMetadata> printed = new HashMap<>();
                long lastRecordMs = System.currentTimeMillis();
                while (maxMessages == null || count < maxMessages) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        out.println(recordFormat.format(r));
                        printed.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                        count++;
                        if (maxMessages != null && count >= maxMessages) {
                            break;
                        }
                    }
                    out.flush();
                    if (group != null && !printed.isEmpty()) {
                        consumer.commitSync(printed);
                        printed.clear();
                    }
                    long now = System.currentTimeMillis();
                    if (!records.isEmpty()) {
                        lastRecordMs = now;
                    } else if (idleTimeoutMs != null && now - lastRecordMs >= idleTimeoutMs) {
                        break;
                    }
                }
            } catch (WakeupException e) {
                // Ctrl-C: fall through to the summary
            } finally {
                if (Thread.currentThread() == main) {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException shuttingDown) {
                        // the hook is running
                    }
                }
            }
        }
        out.flush();
        spec.commandLine().getErr().println("Processed a total of " + count + " messages");
        spec.commandLine().getErr().flush();
        return 0;
    }

    private record StartAt(boolean earliest, Long offset) {
    }

    private StartAt startAt() {
        if (offset == null) {
            return new StartAt(fromBeginning, null);
        }
        if (fromBeginning) {
            throw new UserException("Give --from-beginning or --offset, not both");
        }
        switch (offset) {
            case "earliest":
                return new StartAt(true, null);
            case "latest":
                return new StartAt(false, null);
            default:
                try {
                    long o = Long.parseLong(offset);
                    if (o < 0) {
                        throw new NumberFormatException();
                    }
                    return new StartAt(false, o);
                } catch (NumberFormatException e) {
                    throw new UserException("--offset must be a non-negative number, earliest or latest, not '"
                            + offset + "'");
                }
        }
    }

    /** The partitions to read; also checks the topic exists and a broker answers, before the consumer starts. */
    private List<TopicPartition> partitions() {
        TopicDescription d;
        try (SamsaAdmin admin = client.admin()) {
            d = admin.describeTopic(topic);
        }
        int n = d.partitions().size();
        if (partition != null) {
            if (partition < 0 || partition >= n) {
                throw new UserException("Topic '" + topic + "' has partitions 0.." + (n - 1)
                        + "; there is no partition " + partition);
            }
            return List.of(new TopicPartition(topic, partition));
        }
        List<TopicPartition> all = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            all.add(new TopicPartition(topic, p));
        }
        return all;
    }
}
