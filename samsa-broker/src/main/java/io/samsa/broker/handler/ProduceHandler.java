package io.samsa.broker.handler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.CloseConnectionException;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.metrics.BrokerStats;
import io.samsa.broker.purgatory.DelayedProduce;
import io.samsa.broker.purgatory.DelayedProduce.PartitionAck;
import io.samsa.broker.purgatory.ProducePurgatory;
import io.samsa.broker.replica.Partition;
import io.samsa.broker.replica.ReplicaManager;
import io.samsa.broker.topic.TopicInfo;
import io.samsa.broker.topic.TopicNames;
import io.samsa.broker.topic.TopicRegistry;
import io.samsa.log.AppendResult;
import io.samsa.protocol.WireCodec;

/**
 * Produce: appends each partition's batches as its leader ({@link ReplicaManager}: validation, offsets and
 * idempotence are the log's) and answers per partition with the base offset or Kafka's error code. acks=1
 * answers once the leader has appended; acks=all once each partition's high watermark passes the appended
 * records ({@link ProducePurgatory}, REQUEST_TIMED_OUT after the request's timeout) — on a single node, the only
 * replica's append advances the high watermark, so it answers at once — and is refused with NOT_ENOUGH_REPLICAS
 * when the ISR is smaller than the topic's {@code min.insync.replicas}, as Kafka refuses it; a waiting acks=all
 * gets NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR shrank below it meanwhile, NOT_LEADER_OR_FOLLOWER if this
 * broker stopped leading. An internal topic ({@code __consumer_offsets}) is refused with INVALID_TOPIC_EXCEPTION
 * unless the client id is Kafka's admin one, as Kafka refuses it: the group coordinator is its only writer. acks=0
 * gets no response, and a failure then closes the connection so that the client notices.
 */
public final class ProduceHandler implements ApiHandler<ProduceRequestData> {
    /**
     * Produce is advertised from v0 although v3 is the oldest that parses (KAFKA-18659: librdkafka only
     * enables gzip/snappy/lz4 when v0 is in range); older requests are refused by the parser.
     */
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.PRODUCE, 0, 13);
    private static final Logger log = LoggerFactory.getLogger(ProduceHandler.class);
    /** The client id of Kafka's admin tools, which Kafka lets append to internal topics. */
    static final String ADMIN_CLIENT_ID = "__admin_client";

    private final TopicRegistry topics;
    private final ReplicaManager replicas;
    private final ProducePurgatory purgatory;
    private final BrokerStats stats;

    public ProduceHandler(TopicRegistry topics, ReplicaManager replicas, ProducePurgatory purgatory,
                          BrokerStats stats) {
        this.topics = topics;
        this.replicas = replicas;
        this.purgatory = purgatory;
        this.stats = stats;
    }

    @Override
    public CompletionStage<ProduceResponseData> handle(RequestContext context, ProduceRequestData request) {
        short acks = request.acks();
        boolean validAcks = acks == 0 || acks == 1 || acks == -1;
        boolean byId = context.apiVersion() >= 13;
        boolean anyError = false;
        List<PartitionAck> awaited = new ArrayList<>();
        List<PartitionProduceResponse> awaitedResponses = new ArrayList<>();
        ProduceResponseData response = new ProduceResponseData();
        for (TopicProduceData topicData : request.topicData()) {
            Optional<TopicInfo> topic = byId ? topics.get(topicData.topicId()) : topics.get(topicData.name());
            TopicProduceResponse topicResponse = new TopicProduceResponse()
                    .setName(byId ? "" : topicData.name())
                    .setTopicId(byId ? topicData.topicId() : Uuid.ZERO_UUID);
            for (PartitionProduceData partitionData : topicData.partitionData()) {
                PartitionProduceResponse pr = new PartitionProduceResponse().setIndex(partitionData.index());
                if (!validAcks) {
                    pr.setErrorCode(Errors.INVALID_REQUIRED_ACKS.code());
                } else if (topic.isEmpty()) {
                    pr.setErrorCode((byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION).code());
                } else if (TopicNames.isInternal(topic.get().name()) && !ADMIN_CLIENT_ID.equals(context.clientId())) {
                    // Kafka's rule: only the broker's own writers (and its admin tools) append to __consumer_offsets.
                    pr.setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code())
                            .setErrorMessage("Cannot append to internal topic " + topic.get().name());
                } else {
                    PartitionAck appended = append(topic.get(), partitionData, acks, pr);
                    if (appended != null && acks == -1) {
                        awaited.add(appended);
                        awaitedResponses.add(pr);
                    }
                }
                if (context.apiVersion() < 8) {
                    pr.setErrorMessage(null);
                }
                anyError |= pr.errorCode() != Errors.NONE.code();
                topicResponse.partitionResponses().add(pr);
            }
            response.responses().add(topicResponse);
        }
        if (acks == 0) {
            if (anyError) {
                throw new CloseConnectionException("acks=0 produce failed");
            }
            return CompletableFuture.completedFuture(null);
        }
        if (awaited.isEmpty()) {
            return CompletableFuture.completedFuture(response);
        }
        return purgatory.await(new DelayedProduce(awaited), request.timeoutMs()).thenApply(outcomes -> {
            for (int i = 0; i < outcomes.size(); i++) {
                Errors e = outcomes.get(i);
                if (e != Errors.NONE) {
                    awaitedResponses.get(i).setErrorCode(e.code());
                }
            }
            return response;
        });
    }

    /**
     * Appends as leader; returns the partition and the high watermark that acknowledges the records (the offset
     * after the last; for an idempotent duplicate, after the original), or null when the append failed.
     */
    private PartitionAck append(TopicInfo topic, PartitionProduceData data, short acks, PartitionProduceResponse out) {
        int index = data.index();
        try {
            Partition partition = replicas.partition(topic, index);
            ByteBuffer records = WireCodec.recordsBuffer(data.records());
            int bytes = records.remaining();
            AppendResult result = replicas.appendAsLeader(partition, topic, records, acks);
            out.setBaseOffset(result.firstOffset())
                    .setLogAppendTimeMs(result.logAppendTime())
                    .setLogStartOffset(result.logStartOffset());
            if (!result.duplicate()) {
                stats.recordAppend(bytes, result.recordCount());
            }
            return new PartitionAck(partition, result.lastOffset() + 1, topics.minInsyncReplicas(topic));
        } catch (ApiException e) {
            out.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
        } catch (RuntimeException e) {
            log.error("Append to {}-{} failed", topic.name(), index, e);
            Errors error = e.getCause() instanceof IOException ? Errors.KAFKA_STORAGE_ERROR : Errors.UNKNOWN_SERVER_ERROR;
            out.setErrorCode(error.code()).setErrorMessage(e.getMessage());
        }
        return null;
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
