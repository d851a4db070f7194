package io.samsa.clients.consumer.fetch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.clients.consumer.io.ConsumerIo;
import io.samsa.clients.consumer.state.SubscriptionState;
import io.samsa.clients.metadata.MetadataCache;
import io.samsa.network.client.NetworkIo;
import io.samsa.network.client.ResponseHandler;
import io.samsa.protocol.records.RecordsView;

/**
 * Sends Fetch requests from the I/O thread: one in flight per node, for every assigned, unpaused partition that
 * has a position and fewer than the allowed number of responses waiting in the buffer. The next fetch starts from
 * the end of the last response, not from the application's position, so it is on the wire while the application
 * processes the previous one. No fetch sessions (session id 0, epoch -1: full requests).
 *
 * <p>Each partition is fetched with the leader epoch metadata named its leader with ({@code currentLeaderEpoch}).
 * A leadership error (NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH, ...) or an unreachable
 * leader refreshes metadata; the next fetch goes to whichever broker it names, from the same position. Positions
 * are not validated with OffsetForLeaderEpoch: with unclean leader election off, data a consumer has seen (below
 * the high watermark) is never truncated.
 *
 * <p>Fetch from follower (KIP-392): {@code client.rack} goes out as the request's {@code rackId} (v11+); a leader
 * that answers a partition with a {@code preferredReadReplica} sends the consumer to that replica, which is fetched
 * from until an error, a failed fetch, a leader change or the lease ends ({@link ReadReplicas}); OFFSET_OUT_OF_RANGE
 * from it means "ask the leader" (it lags), not a reset.
 */
public final class Fetcher implements ConsumerIo.Participant {
    private static final Logger LOG = LoggerFactory.getLogger(Fetcher.class);
    /** Fetch isolation_level for read_committed (0 is read_uncommitted). */
    private static final byte READ_COMMITTED = 1;

    /** What the fetcher needs from the configuration. */
    public record Settings(int maxWaitMs, int minBytes, int maxBytes, int partitionMaxBytes, byte isolationLevel,
                           String rackId, long readReplicaLeaseMs) {
    }

    private final Settings settings;
    private final SubscriptionState subscriptions;
    private final FetchBuffer buffer;
    private final MetadataCache metadata;
    private final NetworkIo network;
    private final ReadReplicas readReplicas;
    private final Set<Integer> nodesInFlight = new HashSet<>();

    public Fetcher(Settings settings, SubscriptionState subscriptions, FetchBuffer buffer, ConsumerIo io) {
        this.settings = settings;
        this.subscriptions = subscriptions;
        this.buffer = buffer;
        this.metadata = io.metadata();
        this.network = io.network();
        this.readReplicas = new ReadReplicas(metadata, settings.readReplicaLeaseMs());
    }

    @Override
    public long onTurn(long nowMs) {
        List<SubscriptionState.Fetchable> fetchable = subscriptions.fetchable();
        if (fetchable.isEmpty()) {
            return 100;
        }
        Map<Integer, List<SubscriptionState.Fetchable>> perNode = new LinkedHashMap<>();
        for (SubscriptionState.Fetchable f : fetchable) {
            int node = readReplicas.nodeFor(f.tp(), nowMs);
            if (node < 0 || nodesInFlight.contains(node)) {
                continue;
            }
            perNode.computeIfAbsent(node, k -> new ArrayList<>()).add(f);
        }
        for (Map.Entry<Integer, List<SubscriptionState.Fetchable>> e : perNode.entrySet()) {
            if (network.ensureConnected(e.getKey(), nowMs)) {
                send(e.getKey(), e.getValue(), nowMs);
            } else if (!network.isConnecting(e.getKey())) {
                // The node cannot be reached: a leader may have failed over; a preferred replica is given up.
                e.getValue().forEach(f -> readReplicas.clear(f.tp()));
                metadata.requestUpdate();
            }
        }
        return 100;
    }

    private void send(int node, List<SubscriptionState.Fetchable> partitions, long nowMs) {
        short version = network.version(node, ApiKeys.FETCH);
        boolean useIds = version >= 13;
        Map<String, FetchRequestData.FetchTopic> topics = new LinkedHashMap<>();
        Map<Uuid, String> names = new HashMap<>();
        Map<TopicPartition, SubscriptionState.Fetchable> sent = new HashMap<>();
        for (SubscriptionState.Fetchable f : partitions) {
            String topic = f.tp().topic();
            FetchRequestData.FetchTopic ft = topics.get(topic);
            if (ft == null) {
                ft = new FetchRequestData.FetchTopic();
                if (useIds) {
                    Uuid id = metadata.topic(topic).id();
                    if (id == null || Uuid.ZERO_UUID.equals(id)) {
                        metadata.requestUpdate();
                        continue;
                    }
                    ft.setTopicId(id);
                    names.put(id, topic);
                } else {
                    ft.setTopic(topic);
                }
                topics.put(topic, ft);
            }
            FetchRequestData.FetchPartition fp = new FetchRequestData.FetchPartition().setPartition(f.tp().partition())
                    .setFetchOffset(f.fetchOffset()).setPartitionMaxBytes(settings.partitionMaxBytes());
            if (version >= 9) {
                // The leader fences a fetch made with an older epoch (FENCED_LEADER_EPOCH: our metadata is stale)
                // and defers one made with a newer epoch (UNKNOWN_LEADER_EPOCH: it has not caught up yet).
                fp.setCurrentLeaderEpoch(metadata.leaderEpoch(f.tp()));
            }
            ft.partitions().add(fp);
            sent.put(f.tp(), f);
        }
        if (sent.isEmpty()) {
            return;
        }
        FetchRequestData request = new FetchRequestData().setMaxWaitMs(settings.maxWaitMs())
                .setMinBytes(settings.minBytes()).setMaxBytes(settings.maxBytes())
                .setIsolationLevel(settings.isolationLevel()).setSessionId(0).setSessionEpoch(-1)
                .setTopics(new ArrayList<>(topics.values()));
        if (version >= 11 && settings.rackId() != null && !settings.rackId().isEmpty()) {
            request.setRackId(settings.rackId());
        }
        for (SubscriptionState.Fetchable f : sent.values()) {
            subscriptions.fetchSent(f.tp(), f.epoch());
        }
        nodesInFlight.add(node);
        network.send(node, ApiKeys.FETCH, request, true, new ResponseHandler() {
            @Override
            public void onResponse(ApiMessage body) {
                nodesInFlight.remove(node);
                handle((FetchResponseData) body, useIds, names, sent, System.currentTimeMillis());
            }

            @Override
            public void onFailure(RuntimeException error) {
                nodesInFlight.remove(node);
                LOG.debug("Fetch from node {} failed: {}", node, error.toString());
                for (TopicPartition tp : sent.keySet()) {
                    subscriptions.fetchDone(tp);
                    readReplicas.clear(tp);
                }
                metadata.requestUpdate();
            }
        }, nowMs);
    }

    private void handle(FetchResponseData data, boolean useIds, Map<Uuid, String> names,
                        Map<TopicPartition, SubscriptionState.Fetchable> sent, long nowMs) {
        Errors top = Errors.forCode(data.errorCode());
        if (top != Errors.NONE) {
            LOG.debug("Fetch failed: {}", top);
        }
        for (FetchResponseData.FetchableTopicResponse tr : data.responses()) {
            String topic = useIds ? names.get(tr.topicId()) : tr.topic();
            for (FetchResponseData.PartitionData pd : tr.partitions()) {
                TopicPartition tp = new TopicPartition(topic, pd.partitionIndex());
                SubscriptionState.Fetchable f = sent.remove(tp);
                if (f == null) {
                    continue;
                }
                subscriptions.fetchDone(tp);
                handlePartition(f, pd, nowMs);
            }
        }
        for (TopicPartition tp : sent.keySet()) {
            subscriptions.fetchDone(tp);
        }
        if (top != Errors.NONE) {
            metadata.requestUpdate();
        }
    }

    private void handlePartition(SubscriptionState.Fetchable f, FetchResponseData.PartitionData pd, long nowMs) {
        TopicPartition tp = f.tp();
        Errors error = Errors.forCode(pd.errorCode());
        if (error != Errors.NONE) {
            boolean fromPreferred = readReplicas.clear(tp);
            if (error == Errors.OFFSET_OUT_OF_RANGE && fromPreferred) {
                // A lagging follower: the leader may have the offset (kafka-clients asks it before resetting).
                LOG.debug("Fetch of {} at {} from its preferred read replica is out of range; back to the leader", tp,
                        f.fetchOffset());
                return;
            }
        }
        switch (error) {
            case NONE -> {
                if (pd.preferredReadReplica() >= 0) {
                    readReplicas.named(tp, pd.preferredReadReplica(), nowMs);
                }
                RecordsView records = RecordsView.of(pd);
                long next = records.nextOffset();
                boolean hasData = next > f.fetchOffset();
                boolean current = subscriptions.fetched(tp, f.epoch(), next, pd.highWatermark(),
                        pd.lastStableOffset(), pd.logStartOffset(), hasData);
                if (!current) {
                    return;
                }
                if (hasData) {
                    buffer.add(new CompletedFetch(tp, f.epoch(), records,
                            settings.isolationLevel() == READ_COMMITTED ? pd.abortedTransactions() : null));
                } else if (records.sizeInBytes() > 0 && next < 0) {
                    bufferError(f, new RecordTooLargeException("Partition " + tp + " at offset " + f.fetchOffset()
                            + " has a batch larger than the fetch size " + settings.partitionMaxBytes()
                            + " (max.partition.fetch.bytes)"));
                }
            }
            case OFFSET_OUT_OF_RANGE -> subscriptions.outOfRange(tp, f.epoch());
            case TOPIC_AUTHORIZATION_FAILED -> bufferError(f, new TopicAuthorizationException(Set.of(tp.topic())));
            case NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_ID, INCONSISTENT_TOPIC_ID,
                 FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH, KAFKA_STORAGE_ERROR, OFFSET_NOT_AVAILABLE,
                 LEADER_NOT_AVAILABLE, REPLICA_NOT_AVAILABLE -> metadata.requestUpdate();
            default -> {
                if (error.exception() instanceof org.apache.kafka.common.errors.RetriableException) {
                    metadata.requestUpdate();
                } else {
                    bufferError(f, error.exception("Fetch of " + tp + " failed"));
                }
            }
        }
    }

    private void bufferError(SubscriptionState.Fetchable f, RuntimeException e) {
        if (subscriptions.fetched(f.tp(), f.epoch(), f.fetchOffset(), -1, -1, -1, true)) {
            buffer.add(new CompletedFetch(f.tp(), f.epoch(), e));
        }
    }
}
