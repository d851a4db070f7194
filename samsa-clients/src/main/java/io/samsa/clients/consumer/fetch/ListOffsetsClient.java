package io.samsa.clients.consumer.fetch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.LeaderNotAvailableException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.clients.consumer.io.ConsumerIo;
import io.samsa.clients.consumer.state.SubscriptionState;
import io.samsa.clients.metadata.MetadataCache;

/**
 * ListOffsets, for resets ({@link #onTurn}, I/O thread: partitions whose position is to be found at the start or
 * end of the log) and for the application's lookups ({@link #lookup}: beginning/end offsets, offsets for times).
 */
public final class ListOffsetsClient implements ConsumerIo.Participant {
    /** A found offset: -1 when no record has a timestamp at or after the one asked for. */
    public record Found(long offset, long timestamp, int leaderEpoch) {
    }

    private final ConsumerIo io;
    private final MetadataCache metadata;
    private final SubscriptionState subscriptions;
    private final byte isolationLevel;

    public ListOffsetsClient(ConsumerIo io, SubscriptionState subscriptions, byte isolationLevel) {
        this.io = io;
        this.metadata = io.metadata();
        this.subscriptions = subscriptions;
        this.isolationLevel = isolationLevel;
    }

    @Override
    public long onTurn(long nowMs) {
        List<SubscriptionState.Reset> resets = subscriptions.awaitingReset();
        if (resets.isEmpty()) {
            return 100;
        }
        Map<TopicPartition, Long> timestamps = new LinkedHashMap<>();
        Map<TopicPartition, SubscriptionState.Reset> byTp = new HashMap<>();
        for (SubscriptionState.Reset r : resets) {
            timestamps.put(r.tp(), r.strategy().listOffsetsTimestamp);
            byTp.put(r.tp(), r);
        }
        lookup(timestamps).whenComplete((found, error) -> {
            for (SubscriptionState.Reset r : resets) {
                Found f = error == null ? found.get(r.tp()) : null;
                if (f != null && f.offset() >= 0) {
                    subscriptions.resetDone(r.tp(), r.epoch(), f.offset());
                } else {
                    subscriptions.resetFailed(r.tp(), r.epoch());
                }
            }
            io.wakeup();
        });
        return 100;
    }

    /**
     * Offsets for {@code timestamps} (-2 earliest, -1 latest), asking each partition's leader. Completes with what
     * was found; fails with a retriable exception if a leader is unknown or answered with a retriable error. Runs
     * the sending on the I/O thread; callable from any thread.
     */
    public CompletableFuture<Map<TopicPartition, Found>> lookup(Map<TopicPartition, Long> timestamps) {
        CompletableFuture<Map<TopicPartition, Found>> result = new CompletableFuture<>();
        Map<Integer, Map<TopicPartition, Long>> perLeader = new HashMap<>();
        for (Map.Entry<TopicPartition, Long> e : timestamps.entrySet()) {
            TopicPartition tp = e.getKey();
            MetadataCache.TopicInfo t = metadata.topic(tp.topic());
            int leader = t == null || tp.partition() >= t.partitionCount() ? -1 : t.leaders()[tp.partition()];
            if (leader >= 0 && metadata.node(leader) == null) {
                leader = -1; // named, but no longer listed among the brokers
            }
            if (leader < 0) {
                metadata.wantedTopics().add(tp.topic());
                metadata.requestUpdate();
                io.wakeup();
                result.completeExceptionally(new LeaderNotAvailableException("No leader known for " + tp));
                return result;
            }
            perLeader.computeIfAbsent(leader, k -> new LinkedHashMap<>()).put(tp, e.getValue());
        }
        Map<TopicPartition, Found> found = new HashMap<>();
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        for (Map.Entry<Integer, Map<TopicPartition, Long>> e : perLeader.entrySet()) {
            Map<TopicPartition, Long> asked = e.getValue();
            parts.add(io.request(e.getKey(), ApiKeys.LIST_OFFSETS, version -> build(asked, version))
                    .thenAccept(r -> {
                        RuntimeException retriable = null;
                        ListOffsetsResponseData data = (ListOffsetsResponseData) r.body();
                        for (ListOffsetsResponseData.ListOffsetsTopicResponse tr : data.topics()) {
                            for (ListOffsetsResponseData.ListOffsetsPartitionResponse pr : tr.partitions()) {
                                TopicPartition tp = new TopicPartition(tr.name(), pr.partitionIndex());
                                Errors error = Errors.forCode(pr.errorCode());
                                if (error == Errors.NONE) {
                                    synchronized (found) {
                                        found.put(tp, new Found(pr.offset(), pr.timestamp(), pr.leaderEpoch()));
                                    }
                                } else if (error.exception() instanceof RetriableException) {
                                    metadata.requestUpdate();
                                    retriable = error.exception("ListOffsets for " + tp + " failed");
                                } else {
                                    throw error.exception("ListOffsets for " + tp + " failed");
                                }
                            }
                        }
                        if (retriable != null) {
                            throw retriable;
                        }
                    }));
        }
        CompletableFuture.allOf(parts.toArray(new CompletableFuture[0])).whenComplete((v, error) -> {
            if (error != null) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                result.completeExceptionally(cause);
            } else {
                result.complete(found);
            }
        });
        return result;
    }

    private ListOffsetsRequestData build(Map<TopicPartition, Long> asked, short version) {
        Map<String, ListOffsetsRequestData.ListOffsetsTopic> topics = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, Long> e : asked.entrySet()) {
            topics.computeIfAbsent(e.getKey().topic(), n -> new ListOffsetsRequestData.ListOffsetsTopic().setName(n))
                    .partitions().add(new ListOffsetsRequestData.ListOffsetsPartition()
                            .setPartitionIndex(e.getKey().partition()).setTimestamp(e.getValue())
                            .setCurrentLeaderEpoch(version >= 4 ? metadata.leaderEpoch(e.getKey()) : -1));
        }
        ListOffsetsRequestData request = new ListOffsetsRequestData().setReplicaId(-1)
                .setTopics(new ArrayList<>(topics.values()));
        if (version >= 2) {
            request.setIsolationLevel(isolationLevel);
        }
        return request;
    }
}
