package io.samsa.clients.consumer;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.consumer.SubscriptionPattern;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.metrics.KafkaMetric;
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
import io.samsa.clients.core.ClientCore;
import io.samsa.clients.core.ClientSettings;

/**
 * Samsa's consumer: {@code new KafkaConsumer<>(props)} → {@code new SamsaConsumer<>(props)}. One I/O thread
 * fetches ahead (a Fetch is in flight while the application handles the previous response), heartbeats and talks
 * to the group coordinator; {@code poll} deserializes on the calling thread and runs rebalance listeners there.
 * Like KafkaConsumer it is for one application thread at a time ({@link #wakeup()} excepted). Classic group
 * protocol only; no transactions-aware reading (read_committed reads up to the last stable offset, and aborted
 * records are not filtered out), no telemetry.
 *
 * <p>This class is the API: it checks arguments, enters through {@link ConsumerGuard} (multi-thread use is a
 * {@code ConcurrentModificationException}, use after close an {@code IllegalStateException}) and delegates to
 * {@link ConsumerPoll}, {@link ConsumerCommits}, {@link ConsumerPositions}, {@link ConsumerLookups},
 * {@link ConsumerMembership} and through them to the {@code state}, {@code fetch} and {@code group} packages;
 * {@code io.ConsumerIo} owns the I/O thread ({@code samsa-consumer-network-thread}).
 */
public class SamsaConsumer<K, V> implements Consumer<K, V> {
    private static final AtomicInteger CLIENT_IDS = new AtomicInteger(1);

    private final String clientId;
    private final ConsumerSettings settings;
    private final Deserializer<K> keyDeserializer;
    private final Deserializer<V> valueDeserializer;
    private final ConsumerGuard guard = new ConsumerGuard();
    private final Waiter waiter = new Waiter();
    private final ConsumerIo io;
    private final SubscriptionState subscriptions;
    private final FetchBuffer buffer;
    private final GroupMember group;
    private final ConsumerCommits commits;
    private final ConsumerPositions positions;
    private final ConsumerLookups lookups;
    private final ConsumerMembership membership;
    private final ConsumerPoll<K, V> poller;

    public SamsaConsumer(Properties properties) {
        this(ClientSettings.toMap(properties), null, null);
    }

    public SamsaConsumer(Properties properties, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
        this(ClientSettings.toMap(properties), keyDeserializer, valueDeserializer);
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
        this.keyDeserializer = configured(config, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, keyDeserializer, true);
        this.valueDeserializer = configured(config, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, valueDeserializer,
                false);
        this.io = new ConsumerIo(new ClientCore(settings.client()), settings.allowAutoCreate(), waiter);
        this.subscriptions = new SubscriptionState(settings.reset(), 2);
        this.buffer = new FetchBuffer(subscriptions, io::wakeup);
        ListOffsetsClient listOffsets = new ListOffsetsClient(io, subscriptions, settings.fetch().isolationLevel());
        io.addParticipant(new Fetcher(settings.fetch(), subscriptions, buffer, io));
        io.addParticipant(listOffsets);
        DeadlineRetry retry = new DeadlineRetry(waiter, settings.retryBackoffMs());
        Offsets offsets = null;
        if (settings.groupId() != null) {
            this.group = new GroupMember(new GroupMember.Settings(settings.groupId(), settings.groupInstanceId(),
                    settings.sessionTimeoutMs(), settings.maxPollIntervalMs(), settings.heartbeatIntervalMs(),
                    settings.retryBackoffMs(), settings.requestTimeoutMs(), settings.rack(), settings.assignors()),
                    io, subscriptions, this::commitBeforeRevoke);
            offsets = new Offsets(settings.groupId(), settings.groupInstanceId(), group.coordinator(), io.metadata(),
                    group);
        } else {
            this.group = null;
        }
        this.commits = new ConsumerCommits(settings, subscriptions, group, offsets, waiter, retry);
        this.positions = new ConsumerPositions(settings, subscriptions, io, group == null ? null : commits);
        this.lookups = new ConsumerLookups(io, listOffsets, retry);
        this.membership = new ConsumerMembership(settings, subscriptions, io, buffer, group, commits);
        this.poller = new ConsumerPoll<>(settings, subscriptions, buffer, waiter, group, commits, positions,
                this.keyDeserializer, this.valueDeserializer);
        io.start();
    }

    /** The deserializer given to the constructor, else the configured class, configured. */
    @SuppressWarnings("unchecked")
    private static <T> Deserializer<T> configured(ConsumerConfig config, String key, Deserializer<T> given,
                                                  boolean isKey) {
        if (given != null) {
            return given;
        }
        Deserializer<T> d = config.getConfiguredInstance(key, Deserializer.class);
        d.configure(config.originals(), isKey);
        return d;
    }

    /** Called by the group member (on the application thread, inside poll) before partitions are revoked. */
    private void commitBeforeRevoke() {
        commits.commitBeforeRevoke();
    }

    private Duration defaultApiTimeout() {
        return Duration.ofMillis(settings.defaultApiTimeoutMs());
    }

    // ---- subscription ----

    @Override
    public Set<TopicPartition> assignment() {
        return guard.call(subscriptions::assignment);
    }

    @Override
    public Set<String> subscription() {
        return guard.call(subscriptions::subscription);
    }

    @Override
    public void subscribe(Collection<String> topics) {
        subscribe(topics, null);
    }

    @Override
    public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
        guard.run(() -> membership.subscribe(topics, listener));
    }

    @Override
    public void subscribe(Pattern pattern) {
        subscribe(pattern, null);
    }

    @Override
    public void subscribe(Pattern pattern, ConsumerRebalanceListener listener) {
        guard.run(() -> membership.subscribe(pattern, listener));
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
        guard.run(membership::unsubscribe);
    }

    @Override
    public void assign(Collection<TopicPartition> partitions) {
        guard.run(() -> membership.assign(partitions));
    }

    // ---- poll ----

    @Override
    public ConsumerRecords<K, V> poll(Duration timeout) {
        return guard.call(() -> {
            long now = System.currentTimeMillis();
            return poller.poll(now, DeadlineRetry.deadline(now, timeout));
        });
    }

    // ---- positions ----

    @Override
    public void seek(TopicPartition partition, long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("seek offset must not be a negative number");
        }
        guard.run(() -> positions.seek(partition, offset));
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
        guard.run(() -> positions.reset(partitions, strategy));
    }

    @Override
    public long position(TopicPartition partition) {
        return position(partition, defaultApiTimeout());
    }

    @Override
    public long position(TopicPartition partition, Duration timeout) {
        return guard.call(() -> positions.position(partition, timeout));
    }

    @Override
    public void pause(Collection<TopicPartition> partitions) {
        guard.run(() -> subscriptions.pause(partitions));
    }

    @Override
    public void resume(Collection<TopicPartition> partitions) {
        guard.run(() -> {
            subscriptions.resume(partitions);
            io.wakeup();
        });
    }

    @Override
    public Set<TopicPartition> paused() {
        return guard.call(subscriptions::paused);
    }

    @Override
    public OptionalLong currentLag(TopicPartition partition) {
        return guard.call(() -> {
            Long p = subscriptions.position(partition);
            long hw = subscriptions.highWatermark(partition);
            return p == null || hw < 0 ? OptionalLong.empty() : OptionalLong.of(hw - p);
        });
    }

    // ---- commits ----

    @Override
    public void commitSync() {
        commitSync(defaultApiTimeout());
    }

    @Override
    public void commitSync(Duration timeout) {
        guard.run(() -> commits.commitSync(commits.consumedOffsets(), timeout));
    }

    @Override
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsetsToCommit) {
        commitSync(offsetsToCommit, defaultApiTimeout());
    }

    @Override
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsetsToCommit, Duration timeout) {
        guard.run(() -> commits.commitSync(offsetsToCommit, timeout));
    }

    @Override
    public void commitAsync() {
        commitAsync(null);
    }

    @Override
    public void commitAsync(OffsetCommitCallback callback) {
        guard.run(() -> commits.commitAsync(commits.consumedOffsets(), callback));
    }

    @Override
    public void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsetsToCommit, OffsetCommitCallback callback) {
        guard.run(() -> commits.commitAsync(offsetsToCommit, callback));
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
        return committed(partitions, defaultApiTimeout());
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions, Duration timeout) {
        return guard.call(() -> commits.committed(partitions, timeout));
    }

    // ---- metadata and offset lookups ----

    @Override
    public List<PartitionInfo> partitionsFor(String topic) {
        return partitionsFor(topic, defaultApiTimeout());
    }

    @Override
    public List<PartitionInfo> partitionsFor(String topic, Duration timeout) {
        return guard.call(() -> lookups.topics(List.of(topic), timeout).getOrDefault(topic, List.of()));
    }

    @Override
    public Map<String, List<PartitionInfo>> listTopics() {
        return listTopics(defaultApiTimeout());
    }

    @Override
    public Map<String, List<PartitionInfo>> listTopics(Duration timeout) {
        return guard.call(() -> lookups.topics(null, timeout));
    }

    @Override
    public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> timestampsToSearch) {
        return offsetsForTimes(timestampsToSearch, defaultApiTimeout());
    }

    @Override
    public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> timestampsToSearch,
                                                                   Duration timeout) {
        return guard.call(() -> lookups.offsetsForTimes(timestampsToSearch, timeout));
    }

    @Override
    public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
        return beginningOffsets(partitions, defaultApiTimeout());
    }

    @Override
    public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions, Duration timeout) {
        return guard.call(() -> lookups.edgeOffsets(partitions, -2L, timeout));
    }

    @Override
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        return endOffsets(partitions, defaultApiTimeout());
    }

    @Override
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions, Duration timeout) {
        return guard.call(() -> lookups.edgeOffsets(partitions, -1L, timeout));
    }

    // ---- group ----

    @Override
    public ConsumerGroupMetadata groupMetadata() {
        return guard.call(membership::groupMetadata);
    }

    @Override
    public void enforceRebalance() {
        enforceRebalance(null);
    }

    @Override
    public void enforceRebalance(String reason) {
        guard.run(membership::enforceRebalance);
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
        guard.runEvenIfClosed(() -> {
            if (guard.isClosed()) {
                return;
            }
            try {
                membership.onClose(DeadlineRetry.deadline(System.currentTimeMillis(), timeout));
            } finally {
                guard.markClosed();
                io.close();
                keyDeserializer.close();
                valueDeserializer.close();
            }
        });
    }

    @Override
    public String toString() {
        return "SamsaConsumer(" + clientId + ")";
    }
}
