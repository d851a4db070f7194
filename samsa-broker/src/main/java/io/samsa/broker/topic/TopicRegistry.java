package io.samsa.broker.topic;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.log.Log;
import io.samsa.log.LogConfig;
import io.samsa.log.LogManager;
import io.samsa.metadata.MetadataController;
import io.samsa.metadata.MetadataDelta;
import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.MetadataPublisher;
import io.samsa.metadata.PartitionRecord;
import io.samsa.metadata.TopicConfigValidator;
import io.samsa.metadata.TopicImage;

/**
 * The broker's view of the topics in the current {@link MetadataImage}, and the publisher that keeps the
 * partition logs in line with it. Changes go through the {@link MetadataController} (one writer, one apply path);
 * the order of each step keeps a crash at any point harmless:
 * <ul>
 * <li>create (and new partitions): every limit is checked by the controller, then {@link #prepare} creates the
 * logs (each tied to the new topic id by its partition.metadata) BEFORE the records are committed, and the topic
 * becomes visible only once they are; a failure deletes the logs again and commits nothing. A crash after the
 * logs but before the commit leaves directories whose topic does not exist: {@link #attach} deletes them.
 * <li>delete: the RemoveTopicRecord is committed, the topic leaves the view, then its directories are renamed to
 * {@code -delete} and the deletion listener (the group coordinator) drops its committed offsets. A crash in
 * between leaves directories of a topic that does not exist: deleted by {@link #attach} as well.
 * <li>a directory whose topic id is not its topic's (another topic's data under the same name) is never
 * adopted: it is renamed to {@code -stray} and kept for the operator, as Kafka does.
 * </ul>
 * Publisher calls come on the metadata apply thread (today: the request-handler thread that writes, or the
 * broker's main thread at start); lookups are lock-free reads of an immutable view and see a topic only once
 * all its logs exist.
 */
public final class TopicRegistry implements MetadataPublisher {
    private static final Logger log = LoggerFactory.getLogger(TopicRegistry.class);

    /** See {@link MetadataController#MAX_PARTITIONS_PER_REQUEST}. */
    public static final int MAX_PARTITIONS_PER_REQUEST = MetadataController.MAX_PARTITIONS_PER_REQUEST;
    private static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    /** Node id of a registry opened on its own (tests and tools): a single node's default {@code node.id}. */
    private static final int STANDALONE_NODE_ID = 0;
    private static final int PRODUCER_ID_BLOCK = 1000;

    private final MetadataController controller;
    private final LogConfig brokerDefaults;
    private final int defaultMinInsyncReplicas;
    private final Map<Uuid, CompletionStage<?>> deletionCleanups = new ConcurrentHashMap<>();
    private volatile View view;
    private volatile Function<Collection<String>, CompletionStage<?>> deletionListener =
            names -> CompletableFuture.completedFuture(null);
    private LogManager logs;

    /** Topics by name and by id, as of one image; replaced whole on every change (copy-on-write). */
    private record View(Map<String, TopicInfo> byName, Map<Uuid, TopicInfo> byId) {
    }

    /**
     * Follows {@code metadata}'s image; call {@link #attach} once the log manager is open.
     *
     * @param defaultMinInsyncReplicas the broker's {@code min.insync.replicas}
     */
    public TopicRegistry(BrokerMetadata metadata, LogConfig brokerDefaults, int defaultMinInsyncReplicas) {
        this.controller = metadata.controller();
        this.brokerDefaults = brokerDefaults;
        this.defaultMinInsyncReplicas = defaultMinInsyncReplicas;
        this.view = buildView(metadata.image());
        metadata.state().register(this);
    }

    /**
     * A registry with its own metadata log under {@code metaDir} (for tests and tools that run no broker).
     *
     * @param maxPartitions partitions this broker holds at most over all topics ({@code max.partitions})
     */
    public TopicRegistry(Path metaDir, LogConfig brokerDefaults, int maxPartitions, int defaultMinInsyncReplicas)
            throws IOException {
        this(BrokerMetadata.open(metaDir, settings(STANDALONE_NODE_ID, maxPartitions, brokerDefaults)),
                brokerDefaults, defaultMinInsyncReplicas);
    }

    /** The controller settings of a single-node broker: every partition on {@code nodeId}, configs as LogConfig. */
    public static MetadataController.Settings settings(int nodeId, int maxPartitions, LogConfig brokerDefaults) {
        return new MetadataController.Settings(nodeId, maxPartitions, PRODUCER_ID_BLOCK,
                configValidator(brokerDefaults));
    }

    /** Kafka's topic-config checks: min.insync.replicas an int of at least 1, the rest as LogConfig parses them. */
    public static TopicConfigValidator configValidator(LogConfig brokerDefaults) {
        return configs -> {
            String minIsr = configs.get(MIN_INSYNC_REPLICAS);
            if (minIsr != null) {
                parseMinInsyncReplicas(minIsr);
            }
            LogConfig.fromTopicConfigs(configs, brokerDefaults);
        };
    }

    /** Called with the names of deleted topics once their logs are renamed; its stage ends the DeleteTopics call. */
    public void onTopicsDeleted(Function<Collection<String>, CompletionStage<?>> listener) {
        this.deletionListener = listener;
    }

    /** Effective log settings of a topic (broker defaults for unknown names). */
    public LogConfig logConfig(String topic) {
        TopicInfo info = view.byName().get(topic);
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
        for (TopicInfo t : view.byName().values()) {
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
        return Optional.ofNullable(view.byName().get(name));
    }

    public Optional<TopicInfo> get(Uuid id) {
        return Optional.ofNullable(view.byId().get(id));
    }

    public Collection<TopicInfo> all() {
        return view.byName().values();
    }

    /** Who holds the partition — replicas, ISR, leader, leader epoch — as the metadata records it; empty if unknown. */
    public Optional<PartitionRecord> assignment(Uuid topicId, int partition) {
        TopicImage t = controller.image().topics().get(topicId);
        return Optional.ofNullable(t == null ? null : t.partition(partition));
    }

    /** The partition's log, or UnknownTopicOrPartitionException (retriable) — also while it is being deleted. */
    public Log log(String topic, int partition) {
        TopicInfo t = view.byName().get(topic);
        Log l = t == null || partition < 0 || partition >= t.partitions() ? null : logs.log(topic, partition);
        if (l == null) {
            throw new UnknownTopicOrPartitionException("This server does not host this topic-partition: "
                    + topic + "-" + partition);
        }
        return l;
    }

    /** Checks a new topic's settings without creating it (CreateTopics validateOnly, and before create). */
    public LogConfig validateNew(String name, int partitions, Map<String, String> configs) {
        controller.validateCreateTopic(name, partitions, configs);
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

    /** Creates a topic through the controller; the stage completes once it is committed and visible. */
    public CompletionStage<TopicInfo> createAsync(String name, int partitions, Map<String, String> configs) {
        return controller.createTopic(name, partitions, configs).thenApply(created -> {
            log.info("Created topic {} with {} partitions, id {}, configs {}", name, partitions, created.id(),
                    configs);
            return view.byId().get(created.id());
        });
    }

    /** As {@link #createAsync}, waiting for the commit (auto-creation in Metadata, tests). */
    public TopicInfo create(String name, int partitions, Map<String, String> configs) throws IOException {
        return BrokerMetadata.await(createAsync(name, partitions, configs));
    }

    /** A committed deletion: the topic's id and the stage of the deletion listener (its offsets removed). */
    public record Deletion(Uuid topicId, CompletionStage<?> cleanup) {
    }

    /** Deletes a topic through the controller; the stage completes once the deletion is committed. */
    public CompletionStage<Deletion> deleteAsync(String name) {
        return controller.deleteTopic(name).thenApply(removed -> {
            log.info("Deleted topic {} (id {})", name, removed.id());
            CompletionStage<?> cleanup = deletionCleanups.remove(removed.id());
            return new Deletion(removed.id(), cleanup == null ? CompletableFuture.completedFuture(null) : cleanup);
        });
    }

    /** As {@link #deleteAsync}, waiting for the commit; returns the deletion listener's stage. */
    public CompletionStage<?> delete(String name) throws IOException {
        return BrokerMetadata.await(deleteAsync(name)).cleanup();
    }

    /** Grows a topic through the controller (or only checks, {@code validateOnly}); completes on commit. */
    public CompletionStage<TopicInfo> addPartitionsAsync(String name, int newCount, boolean validateOnly) {
        TopicImage before = controller.image().topics().get(name);
        return controller.createPartitions(name, newCount, validateOnly).thenApply(grown -> {
            if (!validateOnly) {
                log.info("Topic {} grown from {} to {} partitions", name,
                        before == null ? "?" : before.partitionCount(), newCount);
            }
            return view.byId().get(grown.id());
        });
    }

    /** As {@link #addPartitionsAsync}, waiting for the commit. */
    public TopicInfo addPartitions(String name, int newCount, boolean validateOnly) throws IOException {
        return BrokerMetadata.await(addPartitionsAsync(name, newCount, validateOnly));
    }

    public LogConfig brokerDefaults() {
        return brokerDefaults;
    }

    /** Creates the logs of the delta's new partitions before anything is committed (on the writing node). */
    @Override
    public void prepare(MetadataDelta delta, MetadataImage newImage) throws IOException {
        for (Uuid id : delta.changedTopicIds()) {
            TopicImage after = newImage.topics().get(id);
            TopicImage before = delta.base().topics().get(id);
            int from = before == null ? 0 : before.partitionCount();
            if (after.partitionCount() > from) {
                logs.createAll(after.name(), from, after.partitionCount(), id.toString(),
                        LogConfig.fromTopicConfigs(newImage.configs().topic(after.name()), brokerDefaults));
            }
        }
    }

    /** The write was not committed: deletes the logs {@link #prepare} created (and any it got to). */
    @Override
    public void abort(MetadataDelta delta) {
        for (Uuid id : delta.changedTopicIds()) {
            TopicImage before = delta.base().topics().get(id);
            try {
                if (before == null) {
                    String name = nameInDelta(delta, id);
                    log.warn("Creating topic {} failed, deleting its logs again", name);
                    logs.discardTopic(name);
                } else {
                    log.warn("Adding partitions to {} failed, deleting the new logs again", before.name());
                    for (String dir : List.copyOf(logs.logs().keySet())) {
                        if (dir.startsWith(before.name() + "-") && partitionOf(dir, before.name()) >= before.partitionCount()) {
                            logs.deleteStray(dir);
                        }
                    }
                    logs.checkpoint();
                }
            } catch (IOException | RuntimeException e) {
                log.error("Could not delete the logs of an uncommitted change to topic {}", id, e);
            }
        }
    }

    private static String nameInDelta(MetadataDelta delta, Uuid id) {
        return delta.apply().topics().get(id).name();
    }

    private static int partitionOf(String dir, String topic) {
        try {
            return Integer.parseInt(dir.substring(topic.length() + 1));
        } catch (NumberFormatException e) {
            return -1; // another topic whose name extends this one's
        }
    }

    /**
     * A committed change: creates logs still missing (a replayed or replicated change this node did not
     * prepare), publishes the new view, then renames the logs of deleted topics and tells the listener.
     */
    @Override
    public synchronized void onMetadataUpdate(MetadataDelta delta, MetadataImage newImage) {
        boolean topicsChanged = !delta.changedTopicIds().isEmpty() || !delta.removedTopics().isEmpty()
                || delta.changedConfigs().stream().anyMatch(r -> r.type() == ConfigResource.Type.TOPIC);
        if (!topicsChanged) {
            return;
        }
        if (logs != null) {
            createMissingLogs(delta, newImage);
        }
        view = buildView(newImage);
        List<String> deleted = delta.removedTopics().values().stream().map(TopicImage::name).toList();
        if (deleted.isEmpty()) {
            return;
        }
        for (TopicImage removed : delta.removedTopics().values()) {
            try {
                if (logs != null) {
                    logs.deleteTopic(removed.name());
                }
            } catch (IOException | RuntimeException e) {
                // The topic is deleted (committed); a directory that could not be renamed has no topic, so the next
                // start removes it, and so does a re-creation of the name before that.
                log.error("Topic {} is deleted but renaming its directories failed", removed.name(), e);
            }
        }
        CompletionStage<?> cleanup = deletionListener.apply(deleted);
        delta.removedTopics().keySet().forEach(id -> deletionCleanups.put(id, cleanup));
    }

    private void createMissingLogs(MetadataDelta delta, MetadataImage newImage) {
        for (Uuid id : delta.changedTopicIds()) {
            TopicImage t = newImage.topics().get(id);
            for (int p = 0; p < t.partitionCount(); p++) {
                if (logs.log(t.name(), p) == null) {
                    try {
                        logs.createAll(t.name(), p, p + 1, id.toString(),
                                LogConfig.fromTopicConfigs(newImage.configs().topic(t.name()), brokerDefaults));
                    } catch (IOException | RuntimeException e) {
                        log.error("Could not create the log of {}-{}; it is retried at the next start", t.name(), p, e);
                    }
                }
            }
        }
    }

    private View buildView(MetadataImage image) {
        View current = view;
        Map<String, TopicInfo> byName = new HashMap<>();
        Map<Uuid, TopicInfo> byId = new HashMap<>();
        for (TopicImage t : image.topics().all()) {
            Map<String, String> configs = image.configs().topic(t.name());
            TopicInfo previous = current == null ? null : current.byId().get(t.id());
            TopicInfo info = previous != null && previous.partitions() == t.partitionCount()
                    && previous.configOverrides().equals(configs) ? previous
                    : new TopicInfo(t.name(), t.id(), t.partitionCount(), configs,
                            LogConfig.fromTopicConfigs(configs, brokerDefaults));
            byName.put(info.name(), info);
            byId.put(info.id(), info);
        }
        return new View(Map.copyOf(byName), Map.copyOf(byId));
    }
}
