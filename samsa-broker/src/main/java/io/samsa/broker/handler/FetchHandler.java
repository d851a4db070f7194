package io.samsa.broker.handler;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.metrics.BrokerStats;
import io.samsa.broker.purgatory.FetchPurgatory.Watch;
import io.samsa.broker.purgatory.FetchPurgatory;
import io.samsa.broker.replica.Partition;
import io.samsa.broker.replica.PartitionKey;
import io.samsa.broker.replica.PartitionRead;
import io.samsa.broker.replica.ReplicaManager;
import io.samsa.broker.topic.TopicInfo;
import io.samsa.broker.topic.TopicRegistry;
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
 * The first read runs on a request handler thread; the re-reads of a waiting fetch on the fetch purgatory's.
 */
public final class FetchHandler implements ApiHandler<FetchRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.FETCH, 4, 18);

    private final TopicRegistry topics;
    private final ReplicaManager replicas;
    private final FetchPurgatory waiters;
    private final BrokerStats stats;
    private final int brokerMaxBytes;

    /** @param brokerMaxBytes the broker's {@code fetch.max.bytes}: caps every response, whatever the client asks */
    public FetchHandler(TopicRegistry topics, ReplicaManager replicas, FetchPurgatory waiters, BrokerStats stats,
                        int brokerMaxBytes) {
        this.topics = topics;
        this.replicas = replicas;
        this.waiters = waiters;
        this.stats = stats;
        this.brokerMaxBytes = brokerMaxBytes;
    }

    @Override
    public CompletionStage<FetchResponseData> handle(RequestContext context, FetchRequestData request) {
        if (request.sessionId() != 0) {
            return CompletableFuture.completedFuture(new FetchResponseData()
                    .setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code()));
        }
        boolean byId = context.apiVersion() >= 13;
        int replicaId = context.apiVersion() >= 15 ? request.replicaState().replicaId() : request.replicaId();
        Read first = read(request, byId, replicaId);
        if (first.bytes >= request.minBytes() || request.maxWaitMs() <= 0 || first.hasErrors
                || request.topics().isEmpty()) {
            return done(first);
        }
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
                    Read r = read(request, byId, replicaId);
                    return r.bytes >= request.minBytes() || r.hasErrors ? r : null;
                },
                () -> read(request, byId, replicaId))
                .thenApply(r -> {
                    stats.recordFetch(r.bytes);
                    return r.response;
                });
    }

    private CompletableFuture<FetchResponseData> done(Read read) {
        stats.recordFetch(read.bytes);
        return CompletableFuture.completedFuture(read.response);
    }

    private record Read(FetchResponseData response, long bytes, boolean hasErrors) {
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

    private Read read(FetchRequestData request, boolean byId, int replicaId) {
        FetchResponseData response = new FetchResponseData().setSessionId(0);
        long maxBytes = Math.min(request.maxBytes(), brokerMaxBytes);
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
                if (topic.isEmpty()) {
                    out.setErrorCode((byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION).code());
                } else {
                    int budget = (int) Math.max(0, Math.min(wantedPartition.partitionMaxBytes(),
                            maxBytes - total));
                    total += readPartition(topic.get(), wantedPartition, replicaId, budget, total == 0, out);
                }
                errors |= out.errorCode() != Errors.NONE.code();
                topicResponse.partitions().add(out);
            }
            response.responses().add(topicResponse);
        }
        return new Read(response, total, errors);
    }

    private int readPartition(TopicInfo topic, FetchPartition wanted, int replicaId, int maxBytes,
                              boolean minOneBatch, PartitionData out) {
        Partition partition;
        try {
            partition = replicas.leaderPartition(topic, wanted.partition(), wanted.currentLeaderEpoch());
        } catch (ApiException e) {
            out.setErrorCode(Errors.forException(e).code());
            return 0;
        }
        try {
            PartitionRead read = replicas.read(partition, replicaId, wanted.fetchOffset(), maxBytes, minOneBatch);
            ReadResult r = read.records();
            out.setHighWatermark(read.highWatermark())
                    .setLastStableOffset(read.lastStableOffset())
                    .setLogStartOffset(read.logStartOffset());
            if (r.sizeInBytes() > 0) {
                out.setRecords(new FileSliceRecords(r.channel(), r.position(), r.sizeInBytes()));
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
