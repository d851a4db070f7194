package io.samsa.broker.handler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.CloseConnectionException;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.topic.TopicInfo;
import io.samsa.broker.topic.TopicRegistry;
import io.samsa.log.AppendResult;
import io.samsa.log.Log;
import io.samsa.protocol.WireCodec;
import io.samsa.protocol.records.RecordBatchHeader;

/**
 * Produce: appends each partition's batches to its log (validation, offsets and idempotence are the
 * log's) and answers per partition with the base offset or Kafka's error code. On a single node an
 * append is acknowledged by the only replica, so acks=1 and acks=all answer alike — unless the topic's
 * {@code min.insync.replicas} exceeds that one replica: then acks=all is refused with NOT_ENOUGH_REPLICAS, as
 * Kafka refuses it. acks=0 gets no response, and a failure then closes the connection so that the client notices.
 */
public final class ProduceHandler implements ApiHandler<ProduceRequestData> {
    private static final Logger log = LoggerFactory.getLogger(ProduceHandler.class);
    /** A single node is the only replica of every partition. */
    private static final int IN_SYNC_REPLICAS = 1;

    private final TopicRegistry topics;
    private final FetchWaiters fetchWaiters;
    private final BrokerStats stats;

    public ProduceHandler(TopicRegistry topics, FetchWaiters fetchWaiters, BrokerStats stats) {
        this.topics = topics;
        this.fetchWaiters = fetchWaiters;
        this.stats = stats;
    }

    @Override
    public CompletionStage<ProduceResponseData> handle(RequestContext context, ProduceRequestData request) {
        short acks = request.acks();
        boolean validAcks = acks == 0 || acks == 1 || acks == -1;
        boolean byId = context.apiVersion() >= 13;
        boolean anyError = false;
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
                } else if (acks == -1 && topics.minInsyncReplicas(topic.get()) > IN_SYNC_REPLICAS) {
                    // As Kafka's leader with an ISR smaller than min.insync.replicas: refuse before appending.
                    pr.setErrorCode(Errors.NOT_ENOUGH_REPLICAS.code()).setErrorMessage("The size of the current ISR "
                            + IN_SYNC_REPLICAS + " is insufficient to satisfy the min.isr requirement of "
                            + topics.minInsyncReplicas(topic.get()) + " for partition " + topic.get().name() + "-"
                            + partitionData.index());
                } else {
                    append(topic.get(), partitionData, pr);
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
        return CompletableFuture.completedFuture(response);
    }

    private void append(TopicInfo topic, PartitionProduceData data, PartitionProduceResponse out) {
        int partition = data.index();
        try {
            Log partitionLog = topics.log(topic.name(), partition);
            ByteBuffer records = WireCodec.recordsBuffer(data.records());
            // The first batch decides: the log's validation rejects a request with more than one batch.
            if (records.remaining() > RecordBatchHeader.ATTRIBUTES + 1
                    && RecordBatchHeader.isTransactional(records, records.position())) {
                throw new InvalidTxnStateException("Samsa does not support transactions yet");
            }
            int bytes = records.remaining();
            AppendResult result = partitionLog.appendAsLeader(records, 0);
            out.setBaseOffset(result.firstOffset())
                    .setLogAppendTimeMs(result.logAppendTime())
                    .setLogStartOffset(result.logStartOffset());
            if (!result.duplicate()) {
                stats.recordAppend(bytes, result.recordCount());
                fetchWaiters.onAppend(topic.name(), partition);
            }
        } catch (ApiException e) {
            out.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
        } catch (RuntimeException e) {
            log.error("Append to {}-{} failed", topic.name(), partition, e);
            Errors error = e.getCause() instanceof IOException ? Errors.KAFKA_STORAGE_ERROR : Errors.UNKNOWN_SERVER_ERROR;
            out.setErrorCode(error.code()).setErrorMessage(e.getMessage());
        }
    }

}
