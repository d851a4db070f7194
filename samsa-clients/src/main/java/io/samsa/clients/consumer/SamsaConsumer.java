package io.samsa.clients.consumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.consumer.RetriableCommitFailedException;
import org.apache.kafka.clients.consumer.SubscriptionPattern;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.Deserializer;

import io.samsa.clients.consumer.fetch.FetchBuffer;
import io.samsa.clients.consumer.fetch.Fetcher;
import io.samsa.clients.consumer.fetch.ListOffsetsClient;
import io.samsa.clients.consumer.group.GroupMember;
import io.samsa.clients.consumer.group.Offsets;
import io.samsa.clients.consumer.io.ConsumerIo;
import io.samsa.clients.consumer.io.Waiter;
import io.samsa.clients.consumer.state.ResetStrategy;
import io.samsa.clients.consumer.state.SubscriptionState;
import io.samsa.clients.metadata.MetadataCache;

/**
 * Samsa's consumer: {@code new KafkaConsumer<>(props)} → {@code new SamsaConsumer<>(props)}. One I/O thread
 * fetches ahead (a Fetch is in flight while the application handles the previous response), heartbeats and talks
 * to the group coordinator; {@code poll} deserializes on the calling thread and runs rebalance listeners there.
 * Like KafkaConsumer it is for one application thread at a time ({@link #wakeup()} excepted). Classic group
 * protocol only; no transactions-aware reading (read_committed reads up to the last stable offset, and aborted
 * records are not filtered out), no telemetry.
 */
public class SamsaConsumer<K, V> implements Consumer<K, V> {
    private static final AtomicInteger CLIENT_IDS = new AtomicInteger(1);
    private static final long NO_OWNER = -1L;

    private final String clientId;
    private final ConsumerSettings settings;
    private final Deserializer<K> keyDeserializer;
    private final Deserializer<V> valueDeserializer;
    private final Waiter waiter = new Waiter();
    private final ConsumerIo io;
    private final MetadataCache metadata;
    private final SubscriptionState subscriptions;
    private final FetchBuffer buffer;
    private final ListOffsetsClient listOffsets;
    private final GroupMember group;
    private final Offsets offsets;
    private final ConcurrentLinkedQueue<Runnable> commitCompletions = new ConcurrentLinkedQueue<>();
    private final AtomicLong owner = new AtomicLong(NO_OWNER);
    private int ownerDepth;
    private long nextAutoCommitMs;
    private volatile boolean closed;

    public SamsaConsumer(Properties properties) {
        this(propsToMap(properties), null, null);
    }

    public SamsaConsumer(Properties properties, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
        this(propsToMap(properties), keyDeserializer, valueDeserializer);
    }

    public SamsaConsumer(Map<String, Object> configs) {
        this(configs, null, null);
    }

    @SuppressWarnings("unchecked")
    public SamsaConsumer(Map<String, Object> configs, Deserializer<K> keyDeserializer,
                         Deserializer<V> valueDeserializer) {
        Map<String, Object> withDeserializers = new HashMap<>(configs);
        if (keyDeserializer != null) {
            withDeserializers.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, keyDeserializer.getClass());
        }
        if (valueDeserializer != null) {
            withDeserializers.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, valueDeserializer.getClass());
        }
        ConsumerConfig config = new ConsumerConfig(withDeserializers);
        String cid = config.getString(ConsumerConfig.CLIENT_ID_CONFIG);
        this.clientId = cid == null || cid.isEmpty() ? "samsa-consumer-" + CLIENT_IDS.getAndIncrement() : cid;
        this.settings = ConsumerSettings.from(config, clientId);
        if (keyDeserializer == null) {
            this.keyDeserializer = config.getConfiguredInstance(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                    Deserializer.class);
            this.keyDeserializer.configure(config.originals(), true);
        } else {
            this.keyDeserializer = keyDeserializer;
        }
        if (valueDeserializer == null) {
            this.valueDeserializer = config.getConfiguredInstance(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                    Deserializer.class);
            this.valueDeserializer.configure(config.originals(), false);
        } else {
            this.valueDeserializer = valueDeserializer;
        }
        this.io = new ConsumerIo(clientId, settings.bootstrap(), settings.requestTimeoutMs(),
                settings.reconnectBackoffMs(), settings.sendBuffer(), settings.metadataMaxAgeMs(),
                settings.retryBackoffMs(), settings.allowAutoCreate(), waiter);
        this.metadata = io.metadata();
        this.subscriptions = new SubscriptionState(settings.reset(), 2);
        this.buffer = new FetchBuffer(subscriptions, io::wakeup);
        this.listOffsets = new ListOffsetsClient(io, subscriptions, settings.fetch().isolationLevel());
        io.addParticipant(new Fetcher(settings.fetch(), subscriptions, buffer, io));
        io.addParticipant(listOffsets);
        if (settings.groupId() != null) {
            this.group = new GroupMember(new GroupMember.Settings(settings.groupId(), settings.groupInstanceId(),
                    settings.sessionTimeoutMs(), settings.maxPollIntervalMs(), settings.heartbeatIntervalMs(),
                    settings.retryBackoffMs(), settings.requestTimeoutMs(), settings.rack(), settings.assignors()),
                    io, subscriptions, this::commitBeforeRevoke);
            this.offsets = new Offsets(settings.groupId(), settings.groupInstanceId(), group.coordinator(), metadata,
                    group);
        } else {
            this.group = null;
            this.offsets = null;
        }
        this.nextAutoCommitMs = System.currentTimeMillis() + settings.autoCommitIntervalMs();
        io.start();
    }

    private static Map<String, Object> propsToMap(Properties properties) {
        Map<String, Object> map = new HashMap<>();
        for (String name : properties.stringPropertyNames()) {
            map.put(name, properties.getProperty(name));
        }
        properties.forEach((k, v) -> map.putIfAbsent(String.valueOf(k), v));
        return map;
    }

    // ---- single-threaded access, as KafkaConsumer ----

    private void acquire() {
        long me = Thread.currentThread().getId();
        if (owner.get() != me && !owner.compareAndSet(NO_OWNER, me)) {
            throw new ConcurrentModificationException("KafkaConsumer is not safe for multi-threaded access");
        }
        ownerDepth++;
    }

    private void release() {
        if (--ownerDepth == 0) {
            owner.set(NO_OWNER);
        }
    }

    private void acquireOpen() {
        acquire();
        if (closed) {
            release();
            throw new IllegalStateException("This consumer has already been closed.");
        }
    }

    // ---- subscription ----

    @Override
    public Set<TopicPartition> assignment() {
        acquireOpen();
        try {
            return subscriptions.assignment();
        } finally {
            release();
        }
    }

    @Override
    public Set<String> subscription() {
        acquireOpen();
        try {
            return subscriptions.subscription();
        } finally {
            release();
        }
    }

    @Override
    public void subscribe(Collection<String> topics) {
        subscribe(topics, null);
    }

    @Override
    public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
        acquireOpen();
        try {
            if (topics == null) {
                throw new IllegalArgumentException("Topic collection to subscribe to cannot be null");
            }
            if (topics.isEmpty()) {
                unsubscribe();
                return;
            }
            for (String t : topics) {
                if (t == null || t.isBlank()) {
                    throw new IllegalArgumentException("Topic collection to subscribe to cannot contain null or "
                            + "empty topic");
                }
            }
            requireGroup("subscribe");
            subscriptions.subscribe(topics, listener);
            io.fetchAllTopics(false);
            metadata.wantedTopics().addAll(topics);
            metadata.requestUpdate();
            group.requestRejoin();
            io.wakeup();
        } finally {
            release();
        }
    }

    @Override
    public void subscribe(Pattern pattern) {
        subscribe(pattern, null);
    }

    @Override
    public void subscribe(Pattern pattern, ConsumerRebalanceListener listener) {
        acquireOpen();
        try {
            if (pattern == null || pattern.toString().isEmpty()) {
                throw new IllegalArgumentException("Topic pattern to subscribe to cannot be "
                        + (pattern == null ? "null" : "empty"));
            }
            requireGroup("subscribe");
            subscriptions.subscribe(pattern, listener);
            io.fetchAllTopics(true);
            group.requestRejoin();
        } finally {
            release();
        }
    }

    @Override
    public void subscribe(SubscriptionPattern pattern, ConsumerRebalanceListener callback) {
        throw new UnsupportedOperationException("SubscriptionPattern (RE2J, broker-side matching) belongs to the "
                + "consumer group protocol (KIP-848); SamsaConsumer speaks the classic protocol: use subscribe(Pattern)");
    }

    @Override
    public void subscribe(SubscriptionPattern pattern) {
        subscribe(pattern, null);
    }

    @Override
    public void unsubscribe() {
        acquireOpen();
        try {
            if (group != null && subscriptions.isGroupManaged()) {
                group.leave(System.currentTimeMillis() + settings.defaultApiTimeoutMs(), "the consumer unsubscribed");
            }
            subscriptions.unsubscribe();
            io.fetchAllTopics(false);
            buffer.clear();
        } finally {
            release();
        }
    }

    @Override
    public void assign(Collection<TopicPartition> partitions) {
        acquireOpen();
        try {
            if (partitions == null) {
                throw new IllegalArgumentException("Topic partition collection to assign to cannot be null");
            }
            for (TopicPartition tp : partitions) {
                if (tp == null || tp.topic() == null || tp.topic().isBlank()) {
                    throw new IllegalArgumentException("Topic partitions to assign to cannot have null or empty topic");
                }
                metadata.wantedTopics().add(tp.topic());
            }
            if (settings.autoCommit() && !subscriptions.assignment().isEmpty()) {
                commitAsync(null);
            }
            subscriptions.assignFromUser(partitions);
            metadata.requestUpdate();
            io.wakeup();
        } finally {
            release();
        }
    }

    private void requireGroup(String what) {
        if (group == null) {
            throw new InvalidGroupIdException("To use the group management or offset commit APIs, you must "
                    + "provide a valid group.id in the consumer configuration (" + what + ").");
        }
    }

    // ---- poll ----

    @Override
    public ConsumerRecords<K, V> poll(Duration timeout) {
        acquireOpen();
        try {
            long now = System.currentTimeMillis();
            long deadline = deadline(now, timeout);
            if (subscriptions.mode() == SubscriptionState.Mode.NONE) {
                throw new IllegalStateException("Consumer is not subscribed to any topics or assigned any partitions");
            }
            waiter.checkWakeup();
            runCommitCompletions();
            do {
                if (group != null && subscriptions.isGroupManaged()) {
                    group.poll(now, deadline);
                }
                maybeAutoCommit(now);
                updatePositions(deadline);
                ConsumerRecords<K, V> records = buffer.drain(settings.maxPollRecords(), keyDeserializer,
                        valueDeserializer);
                if (!records.isEmpty()) {
                    return records;
                }
                waiter.await(() -> buffer.hasData() || group != null && group.rejoinNeeded()
                        && subscriptions.isGroupManaged() || !subscriptions.withoutPosition().isEmpty()
                        || !subscriptions.needingUserReset().isEmpty(), deadline);
                now = System.currentTimeMillis();
            } while (now < deadline);
            return ConsumerRecords.empty();
        } finally {
            release();
        }
    }

    private static long deadline(long now, Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("Timeout must not be negative");
        }
        long ms = timeout.toMillis();
        return ms > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + ms;
    }

    /** Partitions without a position get their committed offset, or the reset strategy's. */
    private void updatePositions(long deadline) {
        List<TopicPartition> missing = subscriptions.withoutPosition();
        if (!missing.isEmpty()) {
            Map<TopicPartition, OffsetAndMetadata> committed = Map.of();
            if (offsets != null) {
                try {
                    committed = fetchCommitted(new HashSet<>(missing), Math.min(deadline,
                            System.currentTimeMillis() + settings.defaultApiTimeoutMs()));
                } catch (TimeoutException e) {
                    return; // try again in the next poll
                }
            }
            for (TopicPartition tp : missing) {
                if (!subscriptions.isAssigned(tp) || subscriptions.position(tp) != null) {
                    continue;
                }
                OffsetAndMetadata c = committed.get(tp);
                if (c != null) {
                    subscriptions.seek(tp, c.offset());
                } else {
                    subscriptions.requestReset(tp, subscriptions.defaultReset());
                }
            }
            io.wakeup();
        }
        List<TopicPartition> none = subscriptions.needingUserReset();
        if (!none.isEmpty()) {
            throw new NoOffsetForPartitionException(none);
        }
    }

    // ---- positions ----

    @Override
    public void seek(TopicPartition partition, long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("seek offset must not be a negative number");
        }
        acquireOpen();
        try {
            subscriptions.seek(partition, offset);
            io.wakeup();
        } finally {
            release();
        }
    }

    @Override
    public void seek(TopicPartition partition, OffsetAndMetadata offsetAndMetadata) {
        seek(partition, offsetAndMetadata.offset());
    }

    @Override
    public void seekToBeginning(Collection<TopicPartition> partitions) {
        reset(partitions, ResetStrategy.EARLIEST);
    }

    @Override
    public void seekToEnd(Collection<TopicPartition> partitions) {
        reset(partitions, ResetStrategy.LATEST);
    }

    private void reset(Collection<TopicPartition> partitions, ResetStrategy strategy) {
        if (partitions == null) {
            throw new IllegalArgumentException("Partitions collection cannot be null");
        }
        acquireOpen();
        try {
            Collection<TopicPartition> which = partitions.isEmpty() ? subscriptions.assignment() : partitions;
            for (TopicPartition tp : which) {
                subscriptions.requestReset(tp, strategy);
            }
            io.wakeup();
        } finally {
            release();
        }
    }

    @Override
    public long position(TopicPartition partition) {
        return position(partition, Duration.ofMillis(settings.defaultApiTimeoutMs()));
    }

    @Override
    public long position(TopicPartition partition, Duration timeout) {
        acquireOpen();
        try {
            long deadline = deadline(System.currentTimeMillis(), timeout);
            while (true) {
                Long p = subscriptions.position(partition);
                if (p != null) {
                    return p;
                }
                updatePositions(deadline);
                if (!waiter.await(() -> subscriptions.position(partition) != null
                        || !subscriptions.needingUserReset().isEmpty(), deadline)) {
                    throw new TimeoutException("Timeout of " + timeout.toMillis() + "ms expired before the position "
                            + "for partition " + partition + " could be determined");
                }
            }
        } finally {
            release();
        }
    }

    @Override
    public void pause(Collection<TopicPartition> partitions) {
        acquireOpen();
        try {
            subscriptions.pause(partitions);
        } finally {
            release();
        }
    }

    @Override
    public void resume(Collection<TopicPartition> partitions) {
        acquireOpen();
        try {
            subscriptions.resume(partitions);
            io.wakeup();
        } finally {
            release();
        }
    }

    @Override
    public Set<TopicPartition> paused() {
        acquireOpen();
        try {
            return subscriptions.paused();
        } finally {
            release();
        }
    }

    @Override
    public OptionalLong currentLag(TopicPartition partition) {
        acquireOpen();
        try {
            Long p = subscriptions.position(partition);
            long hw = subscriptions.highWatermark(partition);
            return p == null || hw < 0 ? OptionalLong.empty() : OptionalLong.of(hw - p);
        } finally {
            release();
        }
    }

    // ---- commits ----

    private Map<TopicPartition, OffsetAndMetadata> consumedOffsets() {
        Map<TopicPartition, OffsetAndMetadata> out = new LinkedHashMap<>();
        subscriptions.snapshotWithPositions().forEach((tp, s) -> out.put(tp, new OffsetAndMetadata(s.position(),
                s.leaderEpoch() >= 0 ? java.util.Optional.of(s.leaderEpoch()) : java.util.Optional.empty(), "")));
        return out;
    }

    private void commitBeforeRevoke() {
        if (settings.autoCommit()) {
            Map<TopicPartition, OffsetAndMetadata> o = consumedOffsets();
            if (!o.isEmpty()) {
                commitSync(o, Duration.ofMillis(settings.requestTimeoutMs()));
            }
        }
    }

    private void maybeAutoCommit(long now) {
        if (!settings.autoCommit() || now < nextAutoCommitMs) {
            return;
        }
        nextAutoCommitMs = now + settings.autoCommitIntervalMs();
        if (subscriptions.isGroupManaged() && (!group.isStable() || group.rejoinNeeded())) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> o = consumedOffsets();
        if (!o.isEmpty() && group.coordinator().connection() != null) {
            sendCommit(o, null);
        }
    }

    @Override
    public void commitSync() {
        commitSync(Duration.ofMillis(settings.defaultApiTimeoutMs()));
    }

    @Override
    public void commitSync(Duration timeout) {
        acquireOpen();
        try {
            commitSync(consumedOffsets(), timeout);
        } finally {
            release();
        }
    }

    @Override
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsetsToCommit) {
        commitSync(offsetsToCommit, Duration.ofMillis(settings.defaultApiTimeoutMs()));
    }

    @Override
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsetsToCommit, Duration timeout) {
        acquireOpen();
        try {
            requireGroup("commitSync");
            runCommitCompletions();
            if (offsetsToCommit.isEmpty()) {
                return;
            }
            long deadline = deadline(System.currentTimeMillis(), timeout);
            while (true) {
                if (!ensureCoordinator(deadline)) {
                    throw new TimeoutException("Timeout of " + timeout.toMillis() + "ms expired before successfully "
                            + "committing offsets " + offsetsToCommit);
                }
                try {
                    waiter.get(offsets.commit(offsetsToCommit, subscriptions.isGroupManaged()), deadline,
                            "committing offsets " + offsetsToCommit);
                    return;
                } catch (RetriableException e) {
                    if (e instanceof TimeoutException || System.currentTimeMillis() >= deadline) {
                        throw new TimeoutException("Timeout of " + timeout.toMillis() + "ms expired before "
                                + "successfully committing offsets " + offsetsToCommit);
                    }
                    waiter.await(() -> false, Math.min(deadline, System.currentTimeMillis()
                            + settings.retryBackoffMs()));
                }
            }
        } finally {
            release();
        }
    }

    private boolean ensureCoordinator(long deadline) {
        return group.coordinator().connection() != null || group.coordinator().ensureKnown(deadline);
    }

    @Override
    public void commitAsync() {
        commitAsync(null);
    }

    @Override
    public void commitAsync(OffsetCommitCallback callback) {
        acquireOpen();
        try {
            commitAsync(consumedOffsets(), callback);
        } finally {
            release();
        }
    }

    @Override
    public void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsetsToCommit, OffsetCommitCallback callback) {
        acquireOpen();
        try {
            requireGroup("commitAsync");
            runCommitCompletions();
            Map<TopicPartition, OffsetAndMetadata> copy = Map.copyOf(offsetsToCommit);
            if (group.coordinator().connection() == null) {
                try {
                    ensureCoordinator(System.currentTimeMillis() + settings.requestTimeoutMs());
                } catch (RuntimeException e) {
                    // reported through the callback below
                }
            }
            sendCommit(copy, callback);
        } finally {
            release();
        }
    }

    private void sendCommit(Map<TopicPartition, OffsetAndMetadata> o, OffsetCommitCallback callback) {
        CompletableFuture<Void> f = offsets.commit(o, subscriptions.isGroupManaged());
        f.whenComplete((v, e) -> {
            if (callback == null) {
                return;
            }
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                    ? e.getCause() : e;
            Exception ex = cause == null ? null : cause instanceof RetriableException
                    ? new RetriableCommitFailedException(cause) : cause instanceof Exception x ? x
                    : new KafkaException(cause);
            commitCompletions.add(() -> callback.onComplete(o, ex));
            waiter.signal();
        });
    }

    private void runCommitCompletions() {
        Runnable r;
        while ((r = commitCompletions.poll()) != null) {
            r.run();
        }
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
        return committed(partitions, Duration.ofMillis(settings.defaultApiTimeoutMs()));
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions, Duration timeout) {
        acquireOpen();
        try {
            requireGroup("committed");
            if (partitions.isEmpty()) {
                return Map.of();
            }
            Map<TopicPartition, OffsetAndMetadata> found = fetchCommitted(partitions,
                    deadline(System.currentTimeMillis(), timeout));
            Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
            for (TopicPartition tp : partitions) {
                out.put(tp, found.get(tp));
            }
            return out;
        } finally {
            release();
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> fetchCommitted(Set<TopicPartition> partitions, long deadline) {
        while (true) {
            if (!ensureCoordinator(deadline)) {
                throw new TimeoutException("Timeout expired while fetching committed offsets of " + partitions);
            }
            try {
                return waiter.get(offsets.fetch(partitions), deadline, "fetching committed offsets of " + partitions);
            } catch (RetriableException e) {
                if (e instanceof TimeoutException || System.currentTimeMillis() >= deadline) {
                    throw new TimeoutException("Timeout expired while fetching committed offsets of " + partitions);
                }
                waiter.await(() -> false, Math.min(deadline, System.currentTimeMillis() + settings.retryBackoffMs()));
            }
        }
    }

    // ---- metadata and offset lookups ----

    @Override
    public List<PartitionInfo> partitionsFor(String topic) {
        return partitionsFor(topic, Duration.ofMillis(settings.defaultApiTimeoutMs()));
    }

    @Override
    public List<PartitionInfo> partitionsFor(String topic, Duration timeout) {
        acquireOpen();
        try {
            Map<String, List<PartitionInfo>> all = fetchTopics(List.of(topic), timeout);
            return all.getOrDefault(topic, List.of());
        } finally {
            release();
        }
    }

    @Override
    public Map<String, List<PartitionInfo>> listTopics() {
        return listTopics(Duration.ofMillis(settings.defaultApiTimeoutMs()));
    }

    @Override
    public Map<String, List<PartitionInfo>> listTopics(Duration timeout) {
        acquireOpen();
        try {
            return fetchTopics(null, timeout);
        } finally {
            release();
        }
    }

    /** A one-off Metadata request for {@code topics} (null: all); internal topics left out of "all". */
    private Map<String, List<PartitionInfo>> fetchTopics(List<String> topics, Duration timeout) {
        long deadline = deadline(System.currentTimeMillis(), timeout);
        while (true) {
            CompletableFuture<ConsumerIo.Response> f = io.request(ConsumerIo.ANY_NODE, ApiKeys.METADATA, v -> {
                MetadataRequestData req = new MetadataRequestData().setAllowAutoTopicCreation(false);
                if (topics == null) {
                    return req.setTopics(null);
                }
                List<MetadataRequestData.MetadataRequestTopic> list = new ArrayList<>();
                topics.forEach(t -> list.add(new MetadataRequestData.MetadataRequestTopic().setName(t)));
                return req.setTopics(list);
            });
            MetadataResponseData data;
            try {
                data = (MetadataResponseData) waiter.get(f, deadline, "fetching topic metadata").body();
            } catch (RetriableException e) {
                if (System.currentTimeMillis() >= deadline) {
                    throw new TimeoutException("Timeout expired while fetching topic metadata");
                }
                continue;
            }
            Map<Integer, Node> nodes = new HashMap<>();
            for (MetadataResponseData.MetadataResponseBroker b : data.brokers()) {
                nodes.put(b.nodeId(), new Node(b.nodeId(), b.host(), b.port(), b.rack()));
            }
            Map<String, List<PartitionInfo>> out = new HashMap<>();
            boolean retry = false;
            for (MetadataResponseData.MetadataResponseTopic t : data.topics()) {
                Errors error = Errors.forCode(t.errorCode());
                if (error == Errors.LEADER_NOT_AVAILABLE) {
                    retry = true;
                }
                if (error != Errors.NONE || (topics == null && t.isInternal())) {
                    continue;
                }
                List<PartitionInfo> parts = new ArrayList<>();
                for (MetadataResponseData.MetadataResponsePartition p : t.partitions()) {
                    parts.add(new PartitionInfo(t.name(), p.partitionIndex(), nodes.get(p.leaderId()),
                            toNodes(p.replicaNodes(), nodes), toNodes(p.isrNodes(), nodes),
                            toNodes(p.offlineReplicas(), nodes)));
                }
                parts.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
                out.put(t.name(), parts);
            }
            if (!retry || System.currentTimeMillis() >= deadline) {
                return out;
            }
            waiter.await(() -> false, Math.min(deadline, System.currentTimeMillis() + settings.retryBackoffMs()));
        }
    }

    private static Node[] toNodes(List<Integer> ids, Map<Integer, Node> nodes) {
        Node[] out = new Node[ids.size()];
        for (int i = 0; i < out.length; i++) {
            Node n = nodes.get(ids.get(i));
            out[i] = n != null ? n : new Node(ids.get(i), "", -1);
        }
        return out;
    }

    @Override
    public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> timestampsToSearch) {
        return offsetsForTimes(timestampsToSearch, Duration.ofMillis(settings.defaultApiTimeoutMs()));
    }

    @Override
    public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> timestampsToSearch,
                                                                   Duration timeout) {
        acquireOpen();
        try {
            for (Map.Entry<TopicPartition, Long> e : timestampsToSearch.entrySet()) {
                if (e.getValue() < 0) {
                    throw new IllegalArgumentException("The target time for partition " + e.getKey() + " is "
                            + e.getValue() + ". The target time cannot be negative.");
                }
            }
            Map<TopicPartition, ListOffsetsClient.Found> found = lookup(timestampsToSearch, timeout);
            Map<TopicPartition, OffsetAndTimestamp> out = new HashMap<>();
            for (TopicPartition tp : timestampsToSearch.keySet()) {
                ListOffsetsClient.Found f = found.get(tp);
                out.put(tp, f == null || f.offset() < 0 ? null : new OffsetAndTimestamp(f.offset(), f.timestamp(),
                        f.leaderEpoch() >= 0 ? java.util.Optional.of(f.leaderEpoch()) : java.util.Optional.empty()));
            }
            return out;
        } finally {
            release();
        }
    }

    @Override
    public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
        return beginningOffsets(partitions, Duration.ofMillis(settings.defaultApiTimeoutMs()));
    }

    @Override
    public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions, Duration timeout) {
        return edgeOffsets(partitions, -2L, timeout);
    }

    @Override
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        return endOffsets(partitions, Duration.ofMillis(settings.defaultApiTimeoutMs()));
    }

    @Override
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions, Duration timeout) {
        return edgeOffsets(partitions, -1L, timeout);
    }

    private Map<TopicPartition, Long> edgeOffsets(Collection<TopicPartition> partitions, long timestamp,
                                                  Duration timeout) {
        acquireOpen();
        try {
            Map<TopicPartition, Long> ask = new LinkedHashMap<>();
            partitions.forEach(tp -> ask.put(tp, timestamp));
            Map<TopicPartition, ListOffsetsClient.Found> found = lookup(ask, timeout);
            Map<TopicPartition, Long> out = new HashMap<>();
            found.forEach((tp, f) -> out.put(tp, f.offset()));
            return out;
        } finally {
            release();
        }
    }

    private Map<TopicPartition, ListOffsetsClient.Found> lookup(Map<TopicPartition, Long> timestamps,
                                                                Duration timeout) {
        if (timestamps.isEmpty()) {
            return Map.of();
        }
        long deadline = deadline(System.currentTimeMillis(), timeout);
        for (TopicPartition tp : timestamps.keySet()) {
            metadata.wantedTopics().add(tp.topic());
        }
        while (true) {
            try {
                return waiter.get(listOffsets.lookup(timestamps), deadline, "listing offsets");
            } catch (RetriableException e) {
                if (e instanceof TimeoutException || System.currentTimeMillis() >= deadline) {
                    throw new TimeoutException("Failed to get offsets by times in " + timeout.toMillis() + "ms");
                }
                waiter.await(() -> false, Math.min(deadline, System.currentTimeMillis() + settings.retryBackoffMs()));
            }
        }
    }

    // ---- group ----

    @Override
    public ConsumerGroupMetadata groupMetadata() {
        acquireOpen();
        try {
            requireGroup("groupMetadata");
            return group.groupMetadata();
        } finally {
            release();
        }
    }

    @Override
    public void enforceRebalance() {
        enforceRebalance(null);
    }

    @Override
    public void enforceRebalance(String reason) {
        acquireOpen();
        try {
            if (group == null || !subscriptions.isGroupManaged()) {
                throw new IllegalStateException("Tried to force a rebalance but consumer does not have a group.");
            }
            group.requestRejoin();
        } finally {
            release();
        }
    }

    // ---- misc ----

    @Override
    public Map<MetricName, ? extends Metric> metrics() {
        return Map.of();
    }

    @Override
    public void registerMetricForSubscription(KafkaMetric metric) {
        // no telemetry reporter
    }

    @Override
    public void unregisterMetricFromSubscription(KafkaMetric metric) {
        // no telemetry reporter
    }

    @Override
    public Uuid clientInstanceId(Duration timeout) {
        throw new UnsupportedOperationException("SamsaConsumer does not push client telemetry (KIP-714), so it has no "
                + "client instance id");
    }

    @Override
    public void wakeup() {
        waiter.wakeup();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    @Override
    public void close(CloseOptions option) {
        close(option.timeout().orElse(Duration.ofSeconds(30)));
    }

    @Override
    public void close(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("The timeout cannot be negative.");
        }
        acquire();
        try {
            if (closed) {
                return;
            }
            long deadline = deadline(System.currentTimeMillis(), timeout);
            try {
                if (group != null && subscriptions.isGroupManaged()) {
                    group.leave(deadline, "the consumer is being closed");
                } else if (settings.autoCommit() && !subscriptions.assignment().isEmpty()) {
                    try {
                        commitSync(consumedOffsets(), Duration.ofMillis(Math.max(0,
                                deadline - System.currentTimeMillis())));
                    } catch (RuntimeException e) {
                        // best effort on close
                    }
                }
                runCommitCompletions();
            } catch (InterruptException e) {
                throw e;
            } catch (RuntimeException e) {
                // closing anyway
            } finally {
                closed = true;
                io.close();
                keyDeserializer.close();
                valueDeserializer.close();
            }
        } finally {
            release();
        }
    }

    @Override
    public String toString() {
        return "SamsaConsumer(" + clientId + ")";
    }
}
