package io.samsa.broker.handler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;
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
import io.samsa.broker.replica.VerificationErrors;
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
 * gets no response, and a failure then closes the connection so that the client notices. The producer byte-rate
 * quota is not applied here: the dispatcher records the whole request's size once it is answered (after the
 * append, acks=0 included) and throttles its response ({@code io.samsa.broker.quota.RequestThrottler}).
 *
 * <p>A transactional batch is verified first (KIP-890, {@link ReplicaManager#verifyTransaction}): the first batch
 * of a transaction on a partition asks the transactional id's coordinator whether the partition is in the
 * producer's ongoing transaction (from v12, transaction version 2, asks it to add the partition: the producer sends
 * no AddPartitionsToTxn), and is refused with its answer ({@link VerificationErrors}); later batches of
 * that transaction, and every non-transactional batch, are appended at once as before. A request with batches to
 * verify is answered once they are all verified and appended, on the thread of the last verification answer.
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

    /** A transactional batch waiting for its verification (KIP-890) before it is appended. */
    private record Unverified(TopicInfo topic, PartitionProduceData data, ByteBuffer records,
                              CompletableFuture<Errors> verified, PartitionProduceResponse out) {
    }

    @Override
    public CompletionStage<ProduceResponseData> handle(RequestContext context, ProduceRequestData request) {
        short acks = request.acks();
        boolean validAcks = acks == 0 || acks == 1 || acks == -1;
        boolean byId = context.apiVersion() >= 13;
        Outcome outcome = new Outcome(context.apiVersion(), acks);
        List<Unverified> unverified = null; // allocated only for a transactional batch that must be verified
        if (request.transactionalId() != null
                && !context.authorize(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, request.transactionalId())) {
            throw new TransactionalIdAuthorizationException("Transactional id " + request.transactionalId()
                    + " is not authorized");
        }
        for (TopicProduceData topicData : request.topicData()) {
            Optional<TopicInfo> topic = byId ? topics.get(topicData.topicId()) : topics.get(topicData.name());
            // As Kafka: a topic named but not allowed is TOPIC_AUTHORIZATION_FAILED whether it exists or not.
            String name = byId ? topic.map(TopicInfo::name).orElse(null) : topicData.name();
            boolean authorized = name == null || context.authorize(AclOperation.WRITE, ResourceType.TOPIC, name);
            TopicProduceResponse topicResponse = new TopicProduceResponse()
                    .setName(byId ? "" : topicData.name())
                    .setTopicId(byId ? topicData.topicId() : Uuid.ZERO_UUID);
            for (PartitionProduceData partitionData : topicData.partitionData()) {
                PartitionProduceResponse pr = new PartitionProduceResponse().setIndex(partitionData.index());
                topicResponse.partitionResponses().add(pr);
                if (!validAcks) {
                    pr.setErrorCode(Errors.INVALID_REQUIRED_ACKS.code());
                } else if (!authorized) {
                    pr.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
                } else if (topic.isEmpty()) {
                    pr.setErrorCode((byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION).code());
                } else if (TopicNames.isInternal(topic.get().name()) && !ADMIN_CLIENT_ID.equals(context.clientId())) {
                    // Kafka's rule: only the broker's own writers (and its admin tools) append to __consumer_offsets.
                    pr.setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code())
                            .setErrorMessage("Cannot append to internal topic " + topic.get().name());
                } else {
                    ByteBuffer records;
                    try {
                        records = WireCodec.recordsBuffer(partitionData.records());
                    } catch (ApiException e) {
                        outcome.failed(pr, e);
                        continue;
                    }
                    Unverified waiting = ReplicaManager.isTransactional(records)
                            ? verify(topic.get(), partitionData, records, request.transactionalId(),
                                    context.apiVersion() >= 12, pr) : null;
                    if (waiting != null) {
                        unverified = unverified == null ? new ArrayList<>() : unverified;
                        unverified.add(waiting);
                        continue;
                    }
                    if (pr.errorCode() == Errors.NONE.code()) {
                        outcome.appended(pr, append(topic.get(), partitionData.index(), records, acks, pr));
                    }
                }
                outcome.answered(pr);
            }
            outcome.response.responses().add(topicResponse);
        }
        if (unverified == null) {
            return outcome.complete(request.timeoutMs());
        }
        List<Unverified> toAppend = unverified;
        return CompletableFuture.allOf(toAppend.stream().map(Unverified::verified).toArray(CompletableFuture[]::new))
                .thenCompose(ignored -> {
                    // All verified (or refused): append in request order, on the thread of the last answer.
                    for (Unverified u : toAppend) {
                        Errors error = u.verified().join();
                        if (error == Errors.NONE) {
                            outcome.appended(u.out(), append(u.topic(), u.data().index(), u.records(), acks, u.out()));
                        } else {
                            outcome.failed(u.out(), VerificationErrors.forProduce(error,
                                    new TopicPartition(u.topic().name(), u.data().index())));
                        }
                        outcome.answered(u.out());
                    }
                    return outcome.complete(request.timeoutMs());
                });
    }

    /**
     * Starts the verification of a transactional batch; null when it needs none (its transaction is open in the
     * log already) or the partition is refused now (the error is in {@code out}).
     */
    private Unverified verify(TopicInfo topic, PartitionProduceData data, ByteBuffer records, String transactionalId,
                              boolean add, PartitionProduceResponse out) {
        try {
            Partition partition = replicas.partition(topic, data.index());
            CompletionStage<Errors> verified = replicas.verifyTransaction(partition, topic, transactionalId, records,
                    add);
            return verified == null ? null
                    : new Unverified(topic, data, records, verified.toCompletableFuture(), out);
        } catch (ApiException e) {
            out.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
            return null;
        }
    }

    /**
     * The response being built and the acks=all partitions it waits for. Filled by the request's thread, then (for
     * verified transactional batches) by the thread of the last verification answer — never by both at once.
     */
    private final class Outcome {
        final ProduceResponseData response = new ProduceResponseData();
        final List<PartitionAck> awaited = new ArrayList<>();
        final List<PartitionProduceResponse> awaitedResponses = new ArrayList<>();
        final short apiVersion;
        final short acks;
        boolean anyError;

        Outcome(short apiVersion, short acks) {
            this.apiVersion = apiVersion;
            this.acks = acks;
        }

        void failed(PartitionProduceResponse pr, ApiException e) {
            pr.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
        }

        void appended(PartitionProduceResponse pr, PartitionAck ack) {
            if (ack != null && acks == -1) {
                awaited.add(ack);
                awaitedResponses.add(pr);
            }
        }

        void answered(PartitionProduceResponse pr) {
            if (apiVersion < 8) {
                pr.setErrorMessage(null);
            }
            anyError |= pr.errorCode() != Errors.NONE.code();
        }

        CompletionStage<ProduceResponseData> complete(int timeoutMs) {
            if (acks == 0) {
                if (anyError) {
                    throw new CloseConnectionException("acks=0 produce failed");
                }
                return CompletableFuture.completedFuture(null);
            }
            if (awaited.isEmpty()) {
                return CompletableFuture.completedFuture(response);
            }
            return purgatory.await(new DelayedProduce(awaited), timeoutMs).thenApply(outcomes -> {
                for (int i = 0; i < outcomes.size(); i++) {
                    Errors e = outcomes.get(i);
                    if (e != Errors.NONE) {
                        awaitedResponses.get(i).setErrorCode(e.code());
                    }
                }
                return response;
            });
        }
    }

    /**
     * Appends as leader; returns the partition and the high watermark that acknowledges the records (the offset
     * after the last; for an idempotent duplicate, after the original), or null when the append failed.
     */
    private PartitionAck append(TopicInfo topic, int index, ByteBuffer records, short acks,
                                PartitionProduceResponse out) {
        try {
            Partition partition = replicas.partition(topic, index);
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
