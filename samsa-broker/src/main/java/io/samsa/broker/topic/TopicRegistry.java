package io.samsa.broker.topic;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.log.Log;
import io.samsa.log.LogConfig;
import io.samsa.log.LogManager;

/**
 * Topics and their logs. Each topic is one small properties file ({@code topic.id}, {@code partitions},
 * {@code config.*}) written atomically; the file is written before the logs are created and removed
 * before they are deleted, so a crash in between leaves at worst an empty or orphan log directory.
 * Mutations are serialised on the registry; lookups are lock-free.
 */
public final class TopicRegistry {
    private static final Logger log = LoggerFactory.getLogger(TopicRegistry.class);

    private final Path topicsDir;
    private final LogConfig brokerDefaults;
    private final Map<String, TopicInfo> byName = new ConcurrentHashMap<>();
    private final Map<Uuid, TopicInfo> byId = new ConcurrentHashMap<>();
    private LogManager logs;

    /** Reads the topic files; call {@link #attach} once the log manager is open. */
    public TopicRegistry(Path metaDir, LogConfig brokerDefaults) throws IOException {
        this.topicsDir = metaDir.resolve("topics");
        this.brokerDefaults = brokerDefaults;
        Files.createDirectories(topicsDir);
        try (Stream<Path> files = Files.list(topicsDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".properties")).toList()) {
                TopicInfo info = read(file);
                byName.put(info.name(), info);
                byId.put(info.id(), info);
            }
        }
    }

    /** Effective log settings of a topic (broker defaults for unknown names). */
    public LogConfig logConfig(String topic) {
        TopicInfo info = byName.get(topic);
        return info == null ? brokerDefaults : info.logConfig();
    }

    /** Opens (or creates) every partition's log. */
    public synchronized void attach(LogManager logManager) throws IOException {
        this.logs = logManager;
        for (TopicInfo t : byName.values()) {
            for (int p = 0; p < t.partitions(); p++) {
                logs.getOrCreate(t.name(), p);
            }
        }
    }

    public Optional<TopicInfo> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Optional<TopicInfo> get(Uuid id) {
        return Optional.ofNullable(byId.get(id));
    }

    public Collection<TopicInfo> all() {
        return byName.values();
    }

    /** The partition's log, or UnknownTopicOrPartitionException. */
    public Log log(String topic, int partition) {
        TopicInfo t = byName.get(topic);
        if (t == null || partition < 0 || partition >= t.partitions()) {
            throw new UnknownTopicOrPartitionException("This server does not host this topic-partition: "
                    + topic + "-" + partition);
        }
        return logs.log(topic, partition);
    }

    /** Checks a new topic's settings without creating it (CreateTopics validateOnly, and before create). */
    public LogConfig validateNew(String name, int partitions, Map<String, String> configs) {
        TopicNames.validate(name);
        if (TopicNames.isInternal(name)) {
            throw new InvalidRequestException("Creation of internal topic " + name + " is prohibited.");
        }
        if (byName.containsKey(name)) {
            throw new TopicExistsException("Topic '" + name + "' already exists.");
        }
        if (partitions < 1) {
            throw new InvalidPartitionsException("Number of partitions must be larger than 0.");
        }
        return LogConfig.fromTopicConfigs(configs, brokerDefaults);
    }

    public synchronized TopicInfo create(String name, int partitions, Map<String, String> configs) throws IOException {
        LogConfig config = validateNew(name, partitions, configs);
        TopicInfo info = new TopicInfo(name, Uuid.randomUuid(), partitions, Map.copyOf(configs), config);
        write(info);
        byName.put(name, info);
        byId.put(info.id(), info);
        for (int p = 0; p < partitions; p++) {
            logs.getOrCreate(name, p);
        }
        log.info("Created topic {} with {} partitions, id {}, configs {}", name, partitions, info.id(), configs);
        return info;
    }

    public synchronized void delete(String name) throws IOException {
        TopicInfo info = byName.get(name);
        if (info == null) {
            throw new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist.");
        }
        Files.deleteIfExists(fileOf(name));
        byName.remove(name);
        byId.remove(info.id());
        logs.deleteTopic(name);
        log.info("Deleted topic {}", name);
    }

    public synchronized TopicInfo addPartitions(String name, int newCount, boolean validateOnly) throws IOException {
        TopicInfo info = byName.get(name);
        if (info == null) {
            throw new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist.");
        }
        if (newCount <= info.partitions()) {
            throw new InvalidPartitionsException("Topic currently has " + info.partitions()
                    + " partitions, which is higher than the requested " + newCount + ".");
        }
        if (validateOnly) {
            return info;
        }
        TopicInfo grown = new TopicInfo(name, info.id(), newCount, info.configOverrides(), info.logConfig());
        write(grown);
        for (int p = info.partitions(); p < newCount; p++) {
            logs.getOrCreate(name, p);
        }
        byName.put(name, grown);
        byId.put(grown.id(), grown);
        log.info("Topic {} grown from {} to {} partitions", name, info.partitions(), newCount);
        return grown;
    }

    public LogConfig brokerDefaults() {
        return brokerDefaults;
    }

    private Path fileOf(String name) {
        return topicsDir.resolve(name + ".properties");
    }

    private void write(TopicInfo info) throws IOException {
        Properties p = new Properties();
        p.setProperty("name", info.name());
        p.setProperty("topic.id", info.id().toString());
        p.setProperty("partitions", Integer.toString(info.partitions()));
        info.configOverrides().forEach((k, v) -> p.setProperty("config." + k, v));
        Path tmp = topicsDir.resolve(info.name() + ".properties.tmp");
        try (Writer w = Files.newBufferedWriter(tmp)) {
            p.store(w, null);
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, fileOf(info.name()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private TopicInfo read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        Map<String, String> configs = new TreeMap<>();
        for (String k : p.stringPropertyNames()) {
            if (k.startsWith("config.")) {
                configs.put(k.substring("config.".length()), p.getProperty(k));
            }
        }
        try {
            return new TopicInfo(p.getProperty("name"), Uuid.fromString(p.getProperty("topic.id")),
                    Integer.parseInt(p.getProperty("partitions")), Map.copyOf(configs),
                    LogConfig.fromTopicConfigs(configs, brokerDefaults));
        } catch (RuntimeException e) {
            throw new UncheckedIOException(new IOException("Corrupt topic file " + file + ": " + e.getMessage(), e));
        }
    }
}
