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
import org.apache.kafka.common.protocol.Errors;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.topic.TopicInfo;
import io.samsa.broker.topic.TopicRegistry;
import io.samsa.log.Log;
import io.samsa.log.ReadResult;
import io.samsa.protocol.FileSliceRecords;
import io.samsa.protocol.WireCodec;

/**
 * Fetch: reads whole batches from each requested partition's log, within the partition and response byte
 * limits — the response limit is the smaller of the client's and the broker's {@code fetch.max.bytes} — (the
 * first batch found is always returned whole, KIP-74), and sends them straight from the
 * segment files. With less than {@code minBytes} available it waits up to {@code maxWaitMs} for appends.
 * No fetch sessions are created (session id 0), so every fetch is a full fetch (KIP-227 allows this).
 * The first read runs on a request handler thread; the re-reads of a waiting fetch on the fetch-waiter thread.
 */
public final class FetchHandler implements ApiHandler<FetchRequestData> {
    private final TopicRegistry topics;
    private final FetchWaiters waiters;
    private final BrokerStats stats;
    private final int brokerMaxBytes;

    /** @param brokerMaxBytes the broker's {@code fetch.max.bytes}: caps every response, whatever the client asks */
    public FetchHandler(TopicRegistry topics, FetchWaiters waiters, BrokerStats stats, int brokerMaxBytes) {
        this.topics = topics;
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
        Read first = read(request, byId);
        if (first.bytes >= request.minBytes() || request.maxWaitMs() <= 0 || first.hasErrors
                || request.topics().isEmpty()) {
            return done(first);
        }
        List<String> keys = new ArrayList<>();
        for (FetchTopic t : request.topics()) {
            String name = byId ? topics.get(t.topicId()).map(TopicInfo::name).orElse(null) : t.topic();
            for (FetchPartition p : t.partitions()) {
                keys.add(FetchWaiters.key(name, p.partition()));
            }
        }
        return waiters.await(context.client().connectionId(), keys, request.maxWaitMs(),
                () -> {
                    Read r = read(request, byId);
                    return r.bytes >= request.minBytes() || r.hasErrors ? r : null;
                },
                () -> read(request, byId))
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

    private Read read(FetchRequestData request, boolean byId) {
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
                    total += readPartition(topic.get().name(), wantedPartition, budget, total == 0, out);
                }
                errors |= out.errorCode() != Errors.NONE.code();
                topicResponse.partitions().add(out);
            }
            response.responses().add(topicResponse);
        }
        return new Read(response, total, errors);
    }

    private int readPartition(String topic, FetchPartition wanted, int maxBytes, boolean minOneBatch,
                              PartitionData out) {
        Log log;
        try {
            log = topics.log(topic, wanted.partition());
        } catch (ApiException e) {
            out.setErrorCode(Errors.forException(e).code());
            return 0;
        }
        try {
            ReadResult r = log.read(wanted.fetchOffset(), maxBytes, minOneBatch);
            out.setHighWatermark(r.logEndOffset())
                    .setLastStableOffset(r.logEndOffset())
                    .setLogStartOffset(r.logStartOffset());
            if (r.sizeInBytes() > 0) {
                out.setRecords(new FileSliceRecords(r.channel(), r.position(), r.sizeInBytes()));
            }
            return r.sizeInBytes();
        } catch (ApiException e) {
            out.setErrorCode(Errors.forException(e).code())
                    .setHighWatermark(log.logEndOffset())
                    .setLastStableOffset(log.logEndOffset())
                    .setLogStartOffset(log.logStartOffset());
            return 0;
        }
    }
}
