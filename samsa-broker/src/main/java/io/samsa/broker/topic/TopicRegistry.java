package io.samsa.broker.topic;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.log.Log;
import io.samsa.log.LogConfig;
import io.samsa.log.LogFiles;
import io.samsa.log.LogManager;

/**
 * Topics and their logs. Each topic is one small properties file ({@code topic.id}, {@code partitions},
 * {@code config.*}) written atomically and durably. The order of every change makes a crash at any point
 * harmless:
 * <ul>
 * <li>create: check every limit, create the logs (each tied to the new topic id by its partition.metadata),
 * write the topic file, and only then publish the topic; a failure deletes the logs again. A crash before the
 * topic file is written leaves directories whose topic does not exist: {@link #attach} deletes them.
 * <li>delete: remove the topic file, unpublish, then rename the directories to {@code -delete}. A crash in
 * between leaves directories of a topic that does not exist: deleted by {@link #attach} as well.
 * <li>a directory whose topic id is not its topic's (another topic's data under the same name) is never
 * adopted: it is renamed to {@code -stray} and kept for the operator, as Kafka does.
 * </ul>
 * Mutations are serialised on the registry (callers: request handlers, at start the broker's main thread);
 * lookups are lock-free and see a topic only once all its logs exist.
 */
public final class TopicRegistry {
    private static final Logger log = LoggerFactory.getLogger(TopicRegistry.class);

    /**
     * Kafka's controller refuses a CreateTopics request that adds more than 10,000 partitions
     * ({@code ReplicationControlManager.MAX_PARTITIONS_PER_BATCH}) with POLICY_VIOLATION, before allocating
     * anything; the same bound applies here to one topic, one request, and one CreatePartitions.
     */
    public static final int MAX_PARTITIONS_PER_REQUEST = 10_000;
    private static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";

    private final Path topicsDir;
    private final LogConfig brokerDefaults;
    private final int maxPartitions;
    private final int defaultMinInsyncReplicas;
    private final Map<String, TopicInfo> byName = new ConcurrentHashMap<>();
    private final Map<Uuid, TopicInfo> byId = new ConcurrentHashMap<>();
    private int totalPartitions; // guarded by this
    private LogManager logs;

    /**
     * Reads the topic files; call {@link #attach} once the log manager is open.
     *
     * @param maxPartitions partitions this broker holds at most over all topics ({@code max.partitions})
     * @param defaultMinInsyncReplicas the broker's {@code min.insync.replicas}
     */
    public TopicRegistry(Path metaDir, LogConfig brokerDefaults, int maxPartitions, int defaultMinInsyncReplicas)
            throws IOException {
        this.topicsDir = metaDir.resolve("topics");
        this.brokerDefaults = brokerDefaults;
        this.maxPartitions = maxPartitions;
        this.defaultMinInsyncReplicas = defaultMinInsyncReplicas;
        Files.createDirectories(topicsDir);
        try (Stream<Path> files = Files.list(topicsDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".properties")).toList()) {
                TopicInfo info = read(file);
                byName.put(info.name(), info);
                byId.put(info.id(), info);
                totalPartitions += info.partitions();
            }
        }
    }

    /** Effective log settings of a topic (broker defaults for unknown names). */
    public LogConfig logConfig(String topic) {
        TopicInfo info = byName.get(topic);
        return info == null ? brokerDefaults : info.logConfig();
    }

    /** The topic's {@code min.insync.replicas}, or the broker's when the topic does not set it. */
    public int minInsyncReplicas(TopicInfo topic) {
        String v = topic.configOverrides().get(MIN_INSYNC_REPLICAS);
        return v == null ? defaultMinInsyncReplicas : Integer.parseInt(v.trim());
    }

    /**
     * Opens every partition's log: adopts the directories of current topics (writing partition.metadata into
     * those from before topic ids), deletes those of topics that do not exist (a create or delete cut short),
     * puts aside those of another topic id, and creates whatever is missing.
     */
    public synchronized void attach(LogManager logManager) throws IOException {
        this.logs = logManager;
        Map<String, TopicInfo> expected = new HashMap<>();
        for (TopicInfo t : byName.values()) {
            for (int p = 0; p < t.partitions(); p++) {
                expected.put(t.name() + "-" + p, t);
            }
        }
        for (String dir : logs.logs().keySet()) {
            TopicInfo owner = expected.remove(dir);
            String dirId = logs.topicId(dir);
            if (owner == null && dirId != null) {
                log.warn("Deleting {}: its topic (id {}) does not exist (a creation or deletion was cut short)",
                        dir, dirId);
                logs.deleteStray(dir);
            } else if (owner == null || (dirId != null && !dirId.equals(owner.id().toString()))) {
                Path moved = logs.quarantineStray(dir);
                log.warn("Stray partition directory {} (topic id {}, expected {}) is not adopted; moved to {}",
                        dir, dirId, owner == null ? "no topic" : owner.id(), moved.getFileName());
                if (owner != null) {
                    expected.put(dir, owner);
                }
            } else if (dirId == null) {
                logs.assignTopicId(dir, owner.id().toString());
            }
        }
        for (Map.Entry<String, TopicInfo> missing : expected.entrySet()) {
            String dir = missing.getKey();
            logs.create(missing.getValue().name(), Integer.parseInt(dir.substring(dir.lastIndexOf('-') + 1)),
                    missing.getValue().id().toString());
        }
        logs.checkpoint(); // forgets the recovery points of the directories put aside
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

    /** The partition's log, or UnknownTopicOrPartitionException (retriable) — also while it is being deleted. */
    public Log log(String topic, int partition) {
        TopicInfo t = byName.get(topic);
        Log l = t == null || partition < 0 || partition >= t.partitions() ? null : logs.log(topic, partition);
        if (l == null) {
            throw new UnknownTopicOrPartitionException("This server does not host this topic-partition: "
                    + topic + "-" + partition);
        }
        return l;
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
        checkPartitionBudget(partitions);
        String minIsr = configs.get(MIN_INSYNC_REPLICAS);
        if (minIsr != null) {
            parseMinInsyncReplicas(minIsr);
        }
        return LogConfig.fromTopicConfigs(configs, brokerDefaults);
    }

    /** Kafka's validator for min.insync.replicas: an int, at least 1. */
    private static void parseMinInsyncReplicas(String value) {
        try {
            if (Integer.parseInt(value.trim()) >= 1) {
                return;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidConfigurationException("Invalid value " + value + " for configuration "
                + MIN_INSYNC_REPLICAS + ": Value must be at least 1");
    }

    /** Refuses {@code added} more partitions beyond the per-request or the broker's total limit. */
    private void checkPartitionBudget(int added) {
        if (added > MAX_PARTITIONS_PER_REQUEST) {
            throw new PolicyViolationException("Excessively large number of partitions per request: " + added
                    + " (at most " + MAX_PARTITIONS_PER_REQUEST + ").");
        }
        synchronized (this) {
            if ((long) totalPartitions + added > maxPartitions) {
                throw new PolicyViolationException("Adding " + added + " partitions would exceed this broker's "
                        + "max.partitions (" + maxPartitions + "); it holds " + totalPartitions + ".");
            }
        }
    }

    public synchronized TopicInfo create(String name, int partitions, Map<String, String> configs) throws IOException {
        LogConfig config = validateNew(name, partitions, configs);
        TopicInfo info = new TopicInfo(name, Uuid.randomUuid(), partitions, Map.copyOf(configs), config);
        try {
            logs.createAll(name, 0, partitions, info.id().toString(), config);
            write(info);
        } catch (IOException | RuntimeException e) {
            log.warn("Creating topic {} failed, deleting its logs again", name, e);
            try {
                logs.discardTopic(name);
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        byId.put(info.id(), info);
        byName.put(name, info);
        totalPartitions += partitions;
        log.info("Created topic {} with {} partitions, id {}, configs {}", name, partitions, info.id(), configs);
        return info;
    }

    public synchronized void delete(String name) throws IOException {
        TopicInfo info = byName.get(name);
        if (info == null) {
            throw new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist.");
        }
        LogFiles.deleteDurably(fileOf(name));
        byName.remove(name);
        byId.remove(info.id());
        totalPartitions -= info.partitions();
        try {
            logs.deleteTopic(name);
        } catch (IOException | RuntimeException e) {
            // The topic is deleted (its file is gone); a directory that could not be renamed has no topic, so
            // the next start removes it, and so does a re-creation of the name before that.
            log.error("Topic {} is deleted but renaming its directories failed", name, e);
        }
        log.info("Deleted topic {} (id {})", name, info.id());
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
        checkPartitionBudget(newCount - info.partitions());
        if (validateOnly) {
            return info;
        }
        TopicInfo grown = new TopicInfo(name, info.id(), newCount, info.configOverrides(), info.logConfig());
        try {
            logs.createAll(name, info.partitions(), newCount, info.id().toString(), info.logConfig());
            write(grown);
        } catch (IOException | RuntimeException e) {
            log.warn("Adding partitions to {} failed, deleting the new logs again", name, e);
            try {
                for (int p = info.partitions(); p < newCount; p++) {
                    if (logs.log(name, p) != null) {
                        logs.deleteStray(name + "-" + p);
                    }
                }
                logs.checkpoint();
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        byName.put(name, grown);
        byId.put(grown.id(), grown);
        totalPartitions += newCount - info.partitions();
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
        StringWriter w = new StringWriter();
        p.store(w, null);
        LogFiles.writeAtomically(fileOf(info.name()), w.toString().getBytes(StandardCharsets.UTF_8));
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
