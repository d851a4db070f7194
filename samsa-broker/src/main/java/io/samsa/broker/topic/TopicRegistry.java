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
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.log.Log;
import io.samsa.log.LogConfig;
import io.samsa.log.LogManager;
import io.samsa.metadata.ControllerApi;
import io.samsa.metadata.MetadataController;
import io.samsa.metadata.MetadataDelta;
import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.MetadataPublisher;
import io.samsa.metadata.MetadataStateMachine;
import io.samsa.metadata.PartitionRecord;
import io.samsa.metadata.TopicConfigValidator;
import io.samsa.metadata.TopicImage;

/**
 * The broker's view of the topics in the current {@link MetadataImage} — every topic of the cluster, by name and
 * id, its partition count and configs — and the publisher that keeps this node's partition logs in line with it:
 * this node holds a log only for the partitions whose replicas include it ({@link #localNodeId}). Changes go
 * through the {@link ControllerApi} (the active controller; one writer, one apply path) and are answered once
 * this broker's own view has reached the write's offset. The order of each step keeps a crash at any point
 * harmless:
 * <ul>
 * <li>create (and new partitions): every limit is checked by the controller. On the node that writes,
 * {@link #prepare} creates the local logs (each tied to the new topic id by its partition.metadata) BEFORE the
 * records are committed, and a failure deletes them again and commits nothing (a single node leaves nothing
 * behind). Every other node creates its replicas' logs when the committed change reaches it
 * ({@link #onMetadataUpdate}), before the topic enters its view. A crash after the logs but before the commit
 * leaves directories whose topic does not exist: {@link #attach} deletes them.
 * <li>delete: the RemoveTopicRecord is committed, the topic leaves the view, then its directories are renamed to
 * {@code -delete} and the deletion listener (the group coordinator) drops its committed offsets. A crash in
 * between leaves directories of a topic that does not exist: deleted by {@link #attach} as well. A replica
 * taken off this node goes the same way.
 * <li>a directory whose topic id is not its topic's (another topic's data under the same name) is never
 * adopted: it is renamed to {@code -stray} and kept for the operator, as Kafka does.
 * </ul>
 * Publisher calls come on the metadata apply thread (a single node: the request-handler thread that writes, or
 * the broker's main thread at start; a cluster: the quorum's apply thread); lookups are lock-free reads of an
 * immutable view and see a topic only once all its local logs exist.
 */
public final class TopicRegistry implements MetadataPublisher {
    private static final Logger log = LoggerFactory.getLogger(TopicRegistry.class);

    /** See {@link MetadataController#MAX_PARTITIONS_PER_REQUEST}. */
    public static final int MAX_PARTITIONS_PER_REQUEST = MetadataController.MAX_PARTITIONS_PER_REQUEST;
    /** Node id of a registry opened on its own (tests and tools): a single node's default {@code node.id}. */
    private static final int STANDALONE_NODE_ID = 0;
    private static final int PRODUCER_ID_BLOCK = 1000;
    /** How long a write waits for this node to apply it (Kafka's request.timeout.ms default). */
    private static final long APPLY_TIMEOUT_MS = 30_000;
    /** Deletion stages kept for nodes that did not ask for the deletion; completed ones go past this many. */
    private static final int MAX_KEPT_CLEANUPS = 1024;

    private final ControllerApi controller;
    private final int localNodeId;
    /** server.properties' topic defaults; the dynamic broker configs in the image go on top ({@link View}). */
    private final LogConfig staticDefaults;
    private final int staticMinInsyncReplicas;
    private final AppliedOffsetWaiter applied;
    private final Map<Uuid, CompletionStage<?>> deletionCleanups = new ConcurrentHashMap<>();
    private volatile View view;
    private volatile Function<Collection<String>, CompletionStage<?>> deletionListener =
            names -> CompletableFuture.completedFuture(null);
    private LogManager logs;

    /**
     * Topics by name and by id, the image they were read from and the broker defaults (static + dynamic) their
     * LogConfigs were derived with; replaced whole on every change (copy-on-write).
     */
    private record View(Map<String, TopicInfo> byName, Map<Uuid, TopicInfo> byId, MetadataImage image,
                        DynamicLogDefaults defaults) {
    }

    /**
     * Follows {@code metadata}'s image and writes through its controller; call {@link #attach} once the log
     * manager is open.
     *
     * @param localNodeId              this node's {@code node.id}: it holds the logs of the partitions it replicates
     * @param defaultMinInsyncReplicas the broker's {@code min.insync.replicas}
     */
    public TopicRegistry(BrokerMetadata metadata, int localNodeId, LogConfig brokerDefaults,
                         int defaultMinInsyncReplicas) {
        this(metadata.state(), metadata.controller(), localNodeId, brokerDefaults, defaultMinInsyncReplicas);
    }

    /** Follows {@code state} and writes through {@code controller}. */
    public TopicRegistry(MetadataStateMachine state, ControllerApi controller, int localNodeId,
                         LogConfig brokerDefaults, int defaultMinInsyncReplicas) {
        this.controller = controller;
        this.localNodeId = localNodeId;
        this.staticDefaults = brokerDefaults;
        this.staticMinInsyncReplicas = defaultMinInsyncReplicas;
        MetadataImage image = state.image();
        this.view = buildView(image);
        this.applied = new AppliedOffsetWaiter(image.offset(), APPLY_TIMEOUT_MS);
        state.register(this);
    }

    /**
     * A single-node registry with its own metadata log under {@code metaDir} (for tests and tools that run no
     * broker).
     *
     * @param maxPartitions partitions this broker holds at most over all topics ({@code max.partitions})
     */
    public TopicRegistry(Path metaDir, LogConfig brokerDefaults, int maxPartitions, int defaultMinInsyncReplicas)
            throws IOException {
        this(BrokerMetadata.open(metaDir, settings(STANDALONE_NODE_ID, maxPartitions, brokerDefaults)),
                STANDALONE_NODE_ID, brokerDefaults, defaultMinInsyncReplicas);
    }

    /** The controller settings of a single-node broker: every partition on {@code nodeId}, configs as LogConfig. */
    public static MetadataController.Settings settings(int nodeId, int maxPartitions, LogConfig brokerDefaults) {
        return new MetadataController.Settings(nodeId, maxPartitions, PRODUCER_ID_BLOCK,
                configValidator(brokerDefaults)).withBrokerConfigs(new BrokerConfigRules(brokerDefaults));
    }

    /** Kafka's topic-config checks ({@link TopicConfigRules}) over these broker defaults. */
    public static TopicConfigValidator configValidator(LogConfig brokerDefaults) {
        return new TopicConfigRules(brokerDefaults);
    }

    /** Called with the names of deleted topics once their logs are renamed; its stage ends the DeleteTopics call. */
    public void onTopicsDeleted(Function<Collection<String>, CompletionStage<?>> listener) {
        this.deletionListener = listener;
    }

    /** Effective log settings of a topic (broker defaults for unknown names). */
    public LogConfig logConfig(String topic) {
        TopicInfo info = view.byName().get(topic);
        return info == null ? view.defaults().logConfig() : info.logConfig();
    }

    /** The topic's {@code min.insync.replicas}, or the broker's when the topic does not set it. */
    public int minInsyncReplicas(TopicInfo topic) {
        String v = topic.configOverrides().get(TopicConfigRules.MIN_INSYNC_REPLICAS);
        return v == null ? view.defaults().minInsyncReplicas() : Integer.parseInt(v.trim());
    }

    /**
     * Opens the logs of this node's replicas: adopts their directories (writing partition.metadata into those
     * from before topic ids), deletes those of topics that do not exist (a create or delete cut short) and of
     * partitions this node no longer replicates, puts aside those of another topic id, and creates whatever is
     * missing. In a cluster, call it only once this node's image has caught up with the metadata quorum: against
     * an image that lags, the directories of topics it has not learned yet would count as deleted.
     */
    public synchronized void attach(LogManager logManager) throws IOException {
        this.logs = logManager;
        View v = view;
        Map<String, TopicInfo> expected = new HashMap<>();
        for (TopicInfo t : v.byName().values()) {
            for (int p = 0; p < t.partitions(); p++) {
                if (isLocal(v.image(), t.id(), p)) {
                    expected.put(t.name() + "-" + p, t);
                }
            }
        }
        for (String dir : logs.logs().keySet()) {
            TopicInfo owner = expected.remove(dir);
            String dirId = logs.topicId(dir);
            if (owner == null && dirId != null) {
                log.warn("Deleting {}: its topic (id {}) does not exist or has no replica here (a creation, deletion "
                        + "or reassignment happened while it was away)", dir, dirId);
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

    public int localNodeId() {
        return localNodeId;
    }

    /** The image this view was read from: answers built from it agree with {@link #get} and {@link #all}. */
    public MetadataImage image() {
        return view.image();
    }

    public Optional<TopicInfo> get(String name) {
        return Optional.ofNullable(view.byName().get(name));
    }

    public Optional<TopicInfo> get(Uuid id) {
        return Optional.ofNullable(view.byId().get(id));
    }

    /** Every topic of the cluster, also those with no replica on this node. */
    public Collection<TopicInfo> all() {
        return view.byName().values();
    }

    /** Who holds the partition — replicas, ISR, leader, leader epoch — as the metadata records it; empty if unknown. */
    public Optional<PartitionRecord> assignment(Uuid topicId, int partition) {
        TopicImage t = view.image().topics().get(topicId);
        return Optional.ofNullable(t == null ? null : t.partition(partition));
    }

    /**
     * The partition's log. NotLeaderOrFollowerException when this node is not one of its replicas (the client's
     * metadata is stale); UnknownTopicOrPartitionException (retriable) when there is no such partition or its log
     * is not open yet or any more (being deleted).
     */
    public Log log(String topic, int partition) {
        View v = view;
        TopicInfo t = v.byName().get(topic);
        if (t == null || partition < 0 || partition >= t.partitions()) {
            throw new UnknownTopicOrPartitionException("This server does not host this topic-partition: "
                    + topic + "-" + partition);
        }
        if (!isLocal(v.image(), t.id(), partition)) {
            throw new NotLeaderOrFollowerException("Broker " + localNodeId + " is not a replica of "
                    + topic + "-" + partition);
        }
        Log l = logs == null ? null : logs.log(topic, partition);
        if (l == null) {
            throw new UnknownTopicOrPartitionException("This server does not host this topic-partition: "
                    + topic + "-" + partition);
        }
        return l;
    }

    /** Whether this node is a replica of the partition in {@code image}. */
    private boolean isLocal(MetadataImage image, Uuid topicId, int partition) {
        TopicImage t = image.topics().get(topicId);
        PartitionRecord p = t == null ? null : t.partition(partition);
        return p != null && p.replicas().contains(localNodeId);
    }

    /**
     * Completes once this broker has applied the metadata up to {@code offset} (at once for -1, a validate-only
     * answer); fails with REQUEST_TIMED_OUT if that takes longer than a request may wait.
     */
    public CompletionStage<Void> awaitApplied(long offset) {
        return applied.await(offset);
    }

    /**
     * Creates a topic (or only checks, {@code validateOnly}) through the controller; the stage completes once the
     * topic is committed and in this broker's view.
     */
    public CompletionStage<ControllerApi.TopicResult> createAsync(ControllerApi.CreateTopic request) {
        return controller.createTopic(request).thenCompose(created -> awaitApplied(created.offset()).thenApply(v -> {
            if (!request.validateOnly()) {
                log.info("Created topic {} with {} partitions, replication factor {}, id {}, configs {}",
                        created.name(), created.partitions(), created.replicationFactor(), created.topicId(),
                        request.configs());
            }
            return created;
        }));
    }

    /**
     * Changes a topic's config overrides through the controller (or only checks them); completes once the change
     * is applied here, its logs running with the new settings.
     */
    public CompletionStage<Void> alterConfigsAsync(ControllerApi.AlterTopicConfigs request) {
        return controller.alterTopicConfigs(request).thenCompose(this::awaitApplied);
    }

    /**
     * Changes a broker resource's dynamic configs (KIP-226) through the controller (or only checks them);
     * completes once the change is applied here, this node's logs running with the new defaults if it concerns
     * them.
     */
    public CompletionStage<Void> alterBrokerConfigsAsync(ControllerApi.AlterBrokerConfigs request) {
        return controller.alterBrokerConfigs(request).thenCompose(this::awaitApplied);
    }

    /** Creates a topic with {@code replicationFactor} replicas placed by the controller, waiting for it. */
    public TopicInfo create(String name, int partitions, short replicationFactor, Map<String, String> configs)
            throws IOException {
        ControllerApi.TopicResult created = BrokerMetadata.await(createAsync(new ControllerApi.CreateTopic(name,
                partitions, replicationFactor, Map.of(), configs, false)));
        return visible(created);
    }

    /** As {@link #create(String, int, short, Map)} with one replica (a single node, tests). */
    public TopicInfo create(String name, int partitions, Map<String, String> configs) throws IOException {
        return create(name, partitions, (short) 1, configs);
    }

    /** The topic a write left, in this view; gone again if a deletion overtook the answer. */
    private TopicInfo visible(ControllerApi.TopicResult result) {
        TopicInfo t = view.byId().get(result.topicId());
        if (t == null) {
            throw new UnknownTopicOrPartitionException("Topic " + result.name() + " was deleted meanwhile");
        }
        return t;
    }

    /** A committed deletion: the topic's id and the stage of the deletion listener (its offsets removed). */
    public record Deletion(Uuid topicId, CompletionStage<?> cleanup) {
    }

    /** Deletes a topic through the controller; the stage completes once the deletion is committed and applied here. */
    public CompletionStage<Deletion> deleteAsync(String name) {
        return controller.deleteTopic(name).thenCompose(removed -> awaitApplied(removed.offset()).thenApply(v -> {
            log.info("Deleted topic {} (id {})", name, removed.topicId());
            CompletionStage<?> cleanup = deletionCleanups.remove(removed.topicId());
            return new Deletion(removed.topicId(),
                    cleanup == null ? CompletableFuture.completedFuture(null) : cleanup);
        }));
    }

    /** As {@link #deleteAsync}, waiting for the commit; returns the deletion listener's stage. */
    public CompletionStage<?> delete(String name) throws IOException {
        return BrokerMetadata.await(deleteAsync(name)).cleanup();
    }

    /** Grows a topic through the controller (or only checks, {@code validateOnly}); completes once applied here. */
    public CompletionStage<ControllerApi.TopicResult> addPartitionsAsync(String name, int newCount,
                                                                         boolean validateOnly) {
        TopicInfo before = view.byName().get(name);
        return controller.createPartitions(name, newCount, validateOnly).thenCompose(grown ->
                awaitApplied(grown.offset()).thenApply(v -> {
                    if (!validateOnly) {
                        log.info("Topic {} grown from {} to {} partitions", name,
                                before == null ? "?" : before.partitions(), newCount);
                    }
                    return grown;
                }));
    }

    /** As {@link #addPartitionsAsync}, waiting for the commit. */
    public TopicInfo addPartitions(String name, int newCount, boolean validateOnly) throws IOException {
        ControllerApi.TopicResult grown = BrokerMetadata.await(addPartitionsAsync(name, newCount, validateOnly));
        return validateOnly ? view.byName().get(name) : visible(grown);
    }

    /** The topic defaults in force on this broker: server.properties overlaid by the dynamic broker configs. */
    public LogConfig brokerDefaults() {
        return view.defaults().logConfig();
    }

    /** The effective broker defaults with the dynamic configs they came from (DescribeConfigs' sources). */
    public DynamicLogDefaults dynamicDefaults() {
        return view.defaults();
    }

    /**
     * On the node that writes, before anything is committed: creates the logs of the delta's new partitions that
     * this node replicates.
     */
    @Override
    public void prepare(MetadataDelta delta, MetadataImage newImage) throws IOException {
        if (logs == null) {
            return; // not attached yet: attach() creates what is missing
        }
        for (Uuid id : delta.changedTopicIds()) {
            TopicImage after = newImage.topics().get(id);
            TopicImage before = delta.base().topics().get(id);
            int from = before == null ? 0 : before.partitionCount();
            if (after.partitionCount() > from) {
                createLocal(after, from, LogConfig.fromTopicConfigs(newImage.configs().topic(after.name()),
                        defaultsOf(newImage)), true);
            }
        }
    }

    /**
     * Creates the missing logs of the partitions from {@code from} on that this node replicates, runs of
     * consecutive partitions with one directory sync each. {@code failFast}: the first failure is thrown
     * (prepare: it vetoes the write); otherwise each failure is logged and the next start retries it.
     */
    private void createLocal(TopicImage topic, int from, LogConfig config, boolean failFast) throws IOException {
        int p = from;
        while (p < topic.partitionCount()) {
            if (!topic.partition(p).replicas().contains(localNodeId) || logs.log(topic.name(), p) != null) {
                p++;
                continue;
            }
            int end = p + 1;
            while (end < topic.partitionCount() && topic.partition(end).replicas().contains(localNodeId)
                    && logs.log(topic.name(), end) == null) {
                end++;
            }
            try {
                logs.createAll(topic.name(), p, end, topic.id().toString(), config);
            } catch (IOException | RuntimeException e) {
                if (failFast) {
                    throw e;
                }
                log.error("Could not create the logs of {}-[{}, {}); retried at the next start", topic.name(), p,
                        end, e);
            }
            p = end;
        }
    }

    /** The write was not committed: deletes the logs {@link #prepare} created (and any it got to). */
    @Override
    public void abort(MetadataDelta delta) {
        if (logs == null) {
            return;
        }
        MetadataImage intended = delta.apply();
        for (Uuid id : delta.changedTopicIds()) {
            TopicImage before = delta.base().topics().get(id);
            TopicInfo now = view.byId().get(id);
            if (now != null && now.partitions() >= intended.topics().get(id).partitionCount()) {
                // A replicated log may commit a write its caller saw fail (a leader change): it is applied, keep it.
                continue;
            }
            try {
                if (before == null) {
                    String name = intended.topics().get(id).name();
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

    private static int partitionOf(String dir, String topic) {
        try {
            return Integer.parseInt(dir.substring(topic.length() + 1));
        } catch (NumberFormatException e) {
            return -1; // another topic whose name extends this one's
        }
    }

    /**
     * A committed change: creates this node's logs still missing (a change another node wrote, or a replay),
     * publishes the new view, then renames the logs of deleted topics (and of replicas moved off this node), tells
     * the deletion listener, and releases the writes waiting for this offset.
     */
    @Override
    public synchronized void onMetadataUpdate(MetadataDelta delta, MetadataImage newImage) {
        boolean defaultsChanged = delta.changedConfigs().stream().anyMatch(this::setsMyDefaults);
        boolean topicsChanged = !delta.changedTopicIds().isEmpty() || !delta.removedTopics().isEmpty()
                || delta.changedConfigs().stream().anyMatch(r -> r.type() == ConfigResource.Type.TOPIC)
                || defaultsChanged;
        if (!topicsChanged) {
            View v = view;
            view = new View(v.byName(), v.byId(), newImage, v.defaults());
            applied.applied(newImage.offset());
            return;
        }
        if (logs != null) {
            createMissingLogs(delta, newImage);
        }
        view = buildView(newImage);
        if (logs != null) {
            deleteMovedReplicas(delta, newImage);
            applyConfigChanges(delta, defaultsChanged);
        }
        List<String> deleted = delta.removedTopics().values().stream().map(TopicImage::name).toList();
        if (!deleted.isEmpty()) {
            for (TopicImage removed : delta.removedTopics().values()) {
                try {
                    if (logs != null) {
                        logs.deleteTopic(removed.name());
                    }
                } catch (IOException | RuntimeException e) {
                    // The topic is deleted (committed); a directory that could not be renamed has no topic, so the
                    // next start removes it, and so does a re-creation of the name before that.
                    log.error("Topic {} is deleted but renaming its directories failed", removed.name(), e);
                }
            }
            CompletionStage<?> cleanup = deletionListener.apply(deleted);
            if (deletionCleanups.size() > MAX_KEPT_CLEANUPS) {
                // Stages of deletions another node asked for: nobody here collects them.
                deletionCleanups.values().removeIf(c -> c.toCompletableFuture().isDone());
            }
            delta.removedTopics().keySet().forEach(id -> deletionCleanups.put(id, cleanup));
        }
        applied.applied(newImage.offset());
    }

    /**
     * Altered topic configs take effect at once: every local log of the topic gets its new LogConfig. Altered broker
     * defaults (the cluster's or this node's dynamic configs) reach every topic, as in Kafka: a topic that overrides
     * the key keeps its value, the others follow the new default.
     */
    private void applyConfigChanges(MetadataDelta delta, boolean defaultsChanged) {
        Collection<TopicInfo> changed = defaultsChanged ? view.byName().values()
                : delta.changedConfigs().stream().filter(r -> r.type() == ConfigResource.Type.TOPIC)
                .map(r -> view.byName().get(r.name())).filter(t -> t != null).toList(); // null: deleted
        for (TopicInfo t : changed) {
            for (int p = 0; p < t.partitions(); p++) {
                Log l = logs.log(t.name(), p);
                if (l != null && !l.config().equals(t.logConfig())) {
                    l.updateConfig(t.logConfig());
                }
            }
        }
    }

    private void createMissingLogs(MetadataDelta delta, MetadataImage newImage) {
        for (Uuid id : delta.changedTopicIds()) {
            TopicImage t = newImage.topics().get(id);
            try {
                createLocal(t, 0, LogConfig.fromTopicConfigs(newImage.configs().topic(t.name()),
                        defaultsOf(newImage)), false);
            } catch (IOException e) {
                throw new IllegalStateException("unreachable: failures are logged", e);
            }
        }
    }

    /**
     * A partition of a remaining topic whose replicas no longer include this node: its log goes (reassignment is
     * not in Samsa yet; this keeps the rule "a log only for a local replica" true when it comes).
     */
    private void deleteMovedReplicas(MetadataDelta delta, MetadataImage newImage) {
        for (Uuid id : delta.changedTopicIds()) {
            TopicImage before = delta.base().topics().get(id);
            TopicImage after = newImage.topics().get(id);
            if (before == null) {
                continue;
            }
            for (int p = 0; p < before.partitionCount(); p++) {
                if (after.partition(p) != null && !after.partition(p).replicas().contains(localNodeId)
                        && logs.log(after.name(), p) != null) {
                    try {
                        log.info("{}-{} no longer has a replica on node {}; deleting its log", after.name(), p,
                                localNodeId);
                        logs.deleteStray(after.name() + "-" + p);
                        logs.checkpoint();
                    } catch (IOException | RuntimeException e) {
                        log.error("Could not delete the log of {}-{}; the next start does", after.name(), p, e);
                    }
                }
            }
        }
    }

    /** Whether a changed config resource is one of this node's dynamic defaults ("" or its own id). */
    private boolean setsMyDefaults(ConfigResource resource) {
        return resource.type() == ConfigResource.Type.BROKER
                && (resource.name().isEmpty() || resource.name().equals(Integer.toString(localNodeId)));
    }

    private LogConfig defaultsOf(MetadataImage image) {
        return DynamicLogDefaults.resolve(staticDefaults, staticMinInsyncReplicas, image.configs(), localNodeId)
                .logConfig();
    }

    private View buildView(MetadataImage image) {
        View current = view;
        DynamicLogDefaults defaults = DynamicLogDefaults.resolve(staticDefaults, staticMinInsyncReplicas,
                image.configs(), localNodeId);
        boolean sameDefaults = current != null && current.defaults().equals(defaults);
        Map<String, TopicInfo> byName = new HashMap<>();
        Map<Uuid, TopicInfo> byId = new HashMap<>();
        for (TopicImage t : image.topics().all()) {
            Map<String, String> configs = image.configs().topic(t.name());
            TopicInfo previous = current == null ? null : current.byId().get(t.id());
            TopicInfo info = sameDefaults && previous != null && previous.partitions() == t.partitionCount()
                    && previous.configOverrides().equals(configs) ? previous
                    : new TopicInfo(t.name(), t.id(), t.partitionCount(), configs,
                            LogConfig.fromTopicConfigs(configs, defaults.logConfig()));
            byName.put(info.name(), info);
            byId.put(info.id(), info);
        }
        return new View(Map.copyOf(byName), Map.copyOf(byId), image, defaults);
    }
}
