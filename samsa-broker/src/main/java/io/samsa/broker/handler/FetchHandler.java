package io.samsa.broker.handler;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.metrics.BrokerStats;
import io.samsa.broker.purgatory.FetchPurgatory.Watch;
import io.samsa.broker.purgatory.FetchPurgatory;
import io.samsa.broker.quota.ClientQuotaManager;
import io.samsa.broker.quota.ClientQuotas;
import io.samsa.broker.replica.Partition;
import io.samsa.broker.replica.PartitionKey;
import io.samsa.broker.replica.PartitionRead;
import io.samsa.broker.replica.PartitionRole;
import io.samsa.broker.replica.ReplicaManager;
import io.samsa.broker.replica.selector.PreferredReadReplica;
import io.samsa.broker.topic.TopicInfo;
import io.samsa.broker.topic.TopicRegistry;
import io.samsa.log.AbortedTxn;
import io.samsa.log.EpochEndOffset;
import io.samsa.log.FetchIsolation;
import io.samsa.log.ReadResult;
import io.samsa.protocol.FileSliceRecords;
import io.samsa.protocol.WireCodec;

/**
 * Fetch: reads whole batches from each requested partition this node leads ({@link ReplicaManager}: the
 * currentLeaderEpoch check, consumers up to the high watermark, follower replicas up to the log end), within the
 * partition and response byte limits — the response limit is the smaller of the client's and the broker's
 * {@code fetch.max.bytes} — (the first batch found is always returned whole, KIP-74), and sends them straight
 * from the segment files. With less than {@code minBytes} available it waits up to {@code maxWaitMs} for the
 * high watermark (a follower: the log end) to advance ({@link FetchPurgatory}).
 * No fetch sessions are created (session id 0), so every fetch is a full fetch (KIP-227 allows this).
 *
 * <p>Replica fetches (replica id ≥ 0: v&lt;15 {@code replicaId}, v15+ {@code ReplicaState.replicaId}) come from
 * followers: one that is not a replica of the partition gets NOT_LEADER_OR_FOLLOWER; its fetch offset is its log
 * end, which moves the high watermark and the ISR; a fetch (v12+) naming a {@code lastFetchedEpoch} that this
 * leader's epoch cache ends before the fetch offset gets a {@code divergingEpoch} {epoch, end offset} and no
 * records (and does not count as a fetch at that offset), so the follower truncates. Each partition's answer
 * carries the leader's high watermark, last stable offset and log start offset.
 *
 * <p>Transactions: a consumer fetching at isolation_level 1 (read_committed) reads only below the last stable
 * offset and gets, per partition, the aborted transactions (producer id, first offset) whose records the returned
 * batches may hold, so that it drops them, as Kafka answers.
 *
 * <p>Fetch from follower (KIP-392), as Kafka: a consumer's fetch (v11+) is served by any in-sync replica of the
 * partition ({@code Partition#checkReplica}) — a follower up to the high watermark the leader last told it, answering
 * OFFSET_OUT_OF_RANGE past its log end (the consumer then goes back to the leader), with the same currentLeaderEpoch
 * check. On the leader, a consumer with a {@code rackId} may be sent to a follower ({@link ReadReplicaSelection}):
 * that partition's answer names it as {@code preferredReadReplica}, with no records, and is sent at once. Consumer
 * partitions served as follower are counted ({@code ReplicationMetrics#followerFetches}).
 * The first read runs on a request handler thread; the re-reads of a waiting fetch on the fetch purgatory's.
 *
 * <p>Consumer byte-rate quota (never for followers), as Kafka: a consumer under a {@code consumer_byte_rate} quota
 * reads at most what the quota allows in one quota window ({@code ClientQuotaManager#maxValueInQuotaWindow}); the
 * answered read's bytes are recorded, and if that puts the consumer over its quota they are taken back and the
 * answer is an empty response carrying the throttle time (the dispatcher mutes the connection for it).
 */
public final class FetchHandler implements ApiHandler<FetchRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.FETCH, 4, 18);
    private static final byte READ_COMMITTED = 1;

    private final TopicRegistry topics;
    private final ReplicaManager replicas;
    private final FetchPurgatory waiters;
    private final BrokerStats stats;
    private final int brokerMaxBytes;
    private final ReadReplicaSelection readReplicas;
    private final ClientQuotaManager quota;

    /** @param brokerMaxBytes the broker's {@code fetch.max.bytes}: caps every response, whatever the client asks */
    public FetchHandler(TopicRegistry topics, ReplicaManager replicas, FetchPurgatory waiters, BrokerStats stats,
                        int brokerMaxBytes) {
        this(topics, replicas, waiters, stats, brokerMaxBytes, ReadReplicaSelection.LEADER_ONLY);
    }

    /** @param readReplicas where a leader sends consumers with a rack ({@code replica.selector.class}) */
    public FetchHandler(TopicRegistry topics, ReplicaManager replicas, FetchPurgatory waiters, BrokerStats stats,
                        int brokerMaxBytes, ReadReplicaSelection readReplicas) {
        this(topics, replicas, waiters, stats, brokerMaxBytes, readReplicas, ClientQuotas.none().fetch);
    }

    /** @param quota the consumer byte-rate quota ({@code consumer_byte_rate}) */
    public FetchHandler(TopicRegistry topics, ReplicaManager replicas, FetchPurgatory waiters, BrokerStats stats,
                        int brokerMaxBytes, ReadReplicaSelection readReplicas, ClientQuotaManager quota) {
        this.quota = quota;
        this.topics = topics;
        this.replicas = replicas;
        this.waiters = waiters;
        this.stats = stats;
        this.brokerMaxBytes = brokerMaxBytes;
        this.readReplicas = readReplicas;
    }

    @Override
    public CompletionStage<FetchResponseData> handle(RequestContext context, FetchRequestData request) {
        if (request.sessionId() != 0) {
            return CompletableFuture.completedFuture(new FetchResponseData()
                    .setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code()));
        }
        short version = context.apiVersion();
        int replicaId = version >= 15 ? request.replicaState().replicaId() : request.replicaId();
        ReadReplicaSelection.ForRequest selection = readReplicas.forRequest(context, version, replicaId,
                request.rackId());
        Set<String> denied = unauthorized(context, request, version >= 13, replicaId);
        String user = context.principal().name();
        String clientId = context.clientId() == null ? "" : context.clientId();
        // Kafka: a consumer never gets more in one response than its quota allows in a whole quota window.
        long quotaMaxBytes = replicaId >= 0 ? Integer.MAX_VALUE
                : (long) Math.min(Integer.MAX_VALUE, quota.maxValueInQuotaWindow(user, clientId));
        long maxBytes = Math.min(Math.min(request.maxBytes(), brokerMaxBytes), quotaMaxBytes);
        int minBytes = (int) Math.min(request.minBytes(), maxBytes);
        Read first = read(request, version, replicaId, selection, denied, maxBytes);
        if (first.bytes >= minBytes || request.maxWaitMs() <= 0 || first.answerNow
                || request.topics().isEmpty()) {
            return CompletableFuture.completedFuture(answer(first, replicaId, user, clientId));
        }
        boolean byId = version >= 13;
        List<Watch> keys = new ArrayList<>();
        for (FetchTopic t : request.topics()) {
            Optional<TopicInfo> topic = byId ? topics.get(t.topicId()) : topics.get(t.topic());
            Uuid id = topic.map(TopicInfo::id).orElse(Uuid.ZERO_UUID);
            for (FetchPartition p : t.partitions()) {
                keys.add(new Watch(new PartitionKey(id, p.partition()), isolation(topic, p.partition(), replicaId)));
            }
        }
        return waiters.await(context.client().connectionId(), keys, request.maxWaitMs(),
                () -> {
                    Read r = read(request, version, replicaId, selection, denied, maxBytes);
                    return r.bytes >= minBytes || r.answerNow ? r : null;
                },
                () -> read(request, version, replicaId, selection, denied, maxBytes))
                .thenApply(r -> answer(r, replicaId, user, clientId));
    }

    /**
     * The answer to a consumer's read under its byte-rate quota: the read itself, or, when its bytes put the
     * consumer over the quota, an empty response with the throttle time (Kafka's throttled fetch response: no
     * partitions; the bytes are taken back, as they are not sent).
     */
    private FetchResponseData answer(Read read, int replicaId, String user, String clientId) {
        if (replicaId < 0) {
            long now = System.currentTimeMillis();
            int throttle = quota.recordAndGetThrottleMs(user, clientId, read.bytes, now);
            if (throttle > 0) {
                quota.unrecord(user, clientId, read.bytes, now);
                return new FetchResponseData().setSessionId(0).setThrottleTimeMs(throttle);
            }
        }
        return record(read);
    }

    /** Counts the answered read (bytes out; partitions and bytes served as follower); returns its response. */
    private FetchResponseData record(Read read) {
        stats.recordFetch(read.bytes);
        if (read.asFollower.partitions > 0) {
            replicas.metrics().recordFollowerFetch(read.asFollower.partitions, read.asFollower.bytes);
        }
        return read.response;
    }

    /**
     * A read of every partition; {@code answerNow}: some partition has an error, a diverging epoch or a preferred
     * read replica (the fetcher must act on it, so the fetch does not wait).
     */
    private record Read(FetchResponseData response, long bytes, boolean answerNow, FollowerServed asFollower) {
    }

    /** What a read served as follower of its partitions (consumer reads without error). Request handler thread only. */
    private static final class FollowerServed {
        int partitions;
        long bytes;
    }

    /** Which advance can give this fetcher more of the partition: the high watermark, or for a follower the log end. */
    private FetchIsolation isolation(Optional<TopicInfo> topic, int partition, int replicaId) {
        try {
            return topic.isEmpty() ? FetchIsolation.HIGH_WATERMARK
                    : replicas.isolationFor(replicas.partition(topic.get(), partition), replicaId);
        } catch (ApiException e) {
            return FetchIsolation.HIGH_WATERMARK;
        }
    }

    /**
     * The names of the request's topics its principal may not read, checked once per request (Kafka: READ on each
     * topic; a follower's fetch needs CLUSTER_ACTION on the cluster, else every topic is refused).
     */
    private Set<String> unauthorized(RequestContext context, FetchRequestData request, boolean byId, int replicaId) {
        boolean follower = replicaId >= 0 && !context.authorizeCluster(AclOperation.CLUSTER_ACTION);
        Set<String> denied = new HashSet<>();
        for (FetchTopic t : request.topics()) {
            String name = byId ? topics.get(t.topicId()).map(TopicInfo::name).orElse(null) : t.topic();
            if (name != null && (follower || !context.authorize(AclOperation.READ, ResourceType.TOPIC, name))) {
                denied.add(name);
            }
        }
        return denied;
    }

    /** @param maxBytes the response's byte limit: the client's, the broker's and the quota's, whichever is least */
    private Read read(FetchRequestData request, short version, int replicaId,
                      ReadReplicaSelection.ForRequest selection, Set<String> denied, long maxBytes) {
        boolean byId = version >= 13;
        FollowerServed asFollower = new FollowerServed();
        FetchResponseData response = new FetchResponseData().setSessionId(0);
        long total = 0;
        boolean errors = false;
        for (FetchTopic wanted : request.topics()) {
            Optional<TopicInfo> topic = byId ? topics.get(wanted.topicId()) : topics.get(wanted.topic());
            FetchableTopicResponse topicResponse = new FetchableTopicResponse()
                    .setTopic(byId ? "" : wanted.topic())
                    .setTopicId(byId ? wanted.topicId() : Uuid.ZERO_UUID);
            for (FetchPartition wantedPartition : wanted.partitions()) {
                PartitionData out = new PartitionData()
                        .setPartitionIndex(wantedPartition.partition())
                        .setRecords(WireCodec.emptyRecords());
                if (denied.contains(byId ? topic.map(TopicInfo::name).orElse("") : wanted.topic())) {
                    out.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
                } else if (topic.isEmpty()) {
                    out.setErrorCode((byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION).code());
                } else {
                    int budget = (int) Math.max(0, Math.min(wantedPartition.partitionMaxBytes(),
                            maxBytes - total));
                    total += readPartition(topic.get(), wantedPartition, version, replicaId, budget, total == 0,
                            selection, asFollower, out, readCommitted(request, version, replicaId));
                }
                errors |= out.errorCode() != Errors.NONE.code() || out.divergingEpoch().epoch() >= 0
                        || out.preferredReadReplica() >= 0;
                topicResponse.partitions().add(out);
            }
            response.responses().add(topicResponse);
        }
        return new Read(response, total, errors, asFollower);
    }

    /** A consumer's fetch at isolation_level 1 (v4+): read up to the last stable offset. */
    private static boolean readCommitted(FetchRequestData request, short version, int replicaId) {
        return replicaId < 0 && version >= 4 && request.isolationLevel() == READ_COMMITTED;
    }

    private int readPartition(TopicInfo topic, FetchPartition wanted, short version, int replicaId, int maxBytes,
                              boolean minOneBatch, ReadReplicaSelection.ForRequest selection,
                              FollowerServed asFollower, PartitionData out, boolean readCommitted) {
        Partition partition;
        try {
            // Kafka: a consumer's fetch v11+ (it carries client metadata) may be served by a follower.
            partition = replicaId < 0 && version >= 11
                    ? replicas.replicaPartition(topic, wanted.partition(), wanted.currentLeaderEpoch())
                    : replicas.leaderPartition(topic, wanted.partition(), wanted.currentLeaderEpoch());
        } catch (ApiException e) {
            out.setErrorCode(Errors.forException(e).code());
            return 0;
        }
        boolean follower = partition.role() == PartitionRole.FOLLOWER;
        try {
            if (selection != null && !follower) {
                int preferred = selection.preferredReadReplica(partition, wanted.fetchOffset());
                if (preferred != PreferredReadReplica.NONE) {
                    long hw = partition.highWatermark();
                    out.setPreferredReadReplica(preferred)
                            .setHighWatermark(hw)
                            .setLastStableOffset(hw)
                            .setLogStartOffset(partition.logStartOffset());
                    return 0;
                }
            }
            // Fetch v12+: a fetcher naming the epoch of its last batch learns here whether its tail diverges
            // (Kafka's replacement of OffsetForLeaderEpoch for followers); it then gets no records but the epoch end.
            if (version >= 12 && wanted.lastFetchedEpoch() >= 0) {
                if (replicaId >= 0 && !partition.isFollower(replicaId)) {
                    throw new NotLeaderOrFollowerException("Broker " + replicaId + " is not a follower of "
                            + partition);
                }
                EpochEndOffset diverging = partition.divergingEpoch(wanted.lastFetchedEpoch(), wanted.fetchOffset());
                if (diverging != null) {
                    long hw = partition.highWatermark();
                    out.setDivergingEpoch(new FetchResponseData.EpochEndOffset()
                                    .setEpoch(diverging.leaderEpoch()).setEndOffset(diverging.endOffset()))
                            .setHighWatermark(hw)
                            .setLastStableOffset(hw)
                            .setLogStartOffset(partition.logStartOffset());
                    return 0;
                }
            }
            // A consumer reads through the partition either way (ReplicaManager#read only checks replicas).
            PartitionRead read = readCommitted
                    ? partition.read(wanted.fetchOffset(), maxBytes, minOneBatch, FetchIsolation.TXN_COMMITTED)
                    : replicas.read(partition, replicaId, wanted.fetchOffset(), maxBytes, minOneBatch);
            ReadResult r = read.records();
            out.setHighWatermark(read.highWatermark())
                    .setLastStableOffset(r.lastStableOffset())
                    .setLogStartOffset(read.logStartOffset());
            if (readCommitted) {
                List<FetchResponseData.AbortedTransaction> aborted = new ArrayList<>(r.abortedTransactions().size());
                for (AbortedTxn t : r.abortedTransactions()) {
                    aborted.add(new FetchResponseData.AbortedTransaction().setProducerId(t.producerId())
                            .setFirstOffset(t.firstOffset()));
                }
                out.setAbortedTransactions(aborted);
            }
            if (r.sizeInBytes() > 0) {
                out.setRecords(new FileSliceRecords(r.channel(), r.position(), r.sizeInBytes()));
            }
            if (follower) {
                asFollower.partitions++;
                asFollower.bytes += r.sizeInBytes();
            }
            return r.sizeInBytes();
        } catch (ApiException e) {
            long hw = partition.highWatermark();
            out.setErrorCode(Errors.forException(e).code())
                    .setHighWatermark(hw)
                    .setLastStableOffset(hw)
                    .setLogStartOffset(partition.logStartOffset());
            return 0;
        }
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
