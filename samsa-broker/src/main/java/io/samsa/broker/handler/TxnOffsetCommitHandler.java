package io.samsa.broker.handler;

import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.group.CommittedOffset;
import io.samsa.broker.group.GroupCoordinator;
import io.samsa.broker.group.OffsetsTopic;
import io.samsa.broker.topic.TopicInfo;
import io.samsa.broker.topic.TopicRegistry;

/**
 * TxnOffsetCommit: a transactional producer's {@code sendOffsetsToTransaction}, sent to the group's coordinator.
 * Partitions of unknown topics get UNKNOWN_TOPIC_OR_PARTITION; the rest go to the group coordinator, which writes
 * them in the producer's transaction (they count once it commits) after checking the member and generation the
 * consumer had (KIP-447, v3+). Up to v4 (transaction version 1) the producer has added the group's
 * {@code __consumer_offsets} partition with AddOffsetsToTxn; from v5 (version 2, KIP-890) there is no
 * AddOffsetsToTxn and the group's coordinator adds it here, through {@link TransactionAdder}, whose error every
 * partition then answers.
 */
public final class TxnOffsetCommitHandler implements ApiHandler<TxnOffsetCommitRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.TXN_OFFSET_COMMIT, 0, 5);

    /** Adds a partition to the producer's transaction at its coordinator (AddPartitionsToTxn on its behalf). */
    @FunctionalInterface
    public interface TransactionAdder {
        CompletionStage<Errors> add(String transactionalId, long producerId, short producerEpoch,
                                    TopicPartition partition);
    }

    private final GroupCoordinator coordinator;
    private final TopicRegistry topics;
    private final Clock clock;
    private final TransactionAdder transactions;

    public TxnOffsetCommitHandler(GroupCoordinator coordinator, TopicRegistry topics, Clock clock,
                                  TransactionAdder transactions) {
        this.coordinator = coordinator;
        this.topics = topics;
        this.clock = clock;
        this.transactions = transactions;
    }

    @Override
    public CompletionStage<TxnOffsetCommitResponseData> handle(RequestContext context,
                                                               TxnOffsetCommitRequestData request) {
        context.require(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, request.transactionalId());
        context.require(AclOperation.READ, ResourceType.GROUP, request.groupId());
        Set<String> denied = new HashSet<>();
        request.topics().forEach(t -> {
            if (!context.authorize(AclOperation.READ, ResourceType.TOPIC, t.name())) {
                denied.add(t.name());
            }
        });
        return commitAllowed(context, request, denied).thenApply(response -> {
            response.topics().stream().filter(t -> denied.contains(t.name())).forEach(t -> t.partitions()
                    .forEach(p -> p.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())));
            return response;
        });
    }

    /** The request without the topics the principal may not READ ({@code denied}: answered by the caller). */
    private CompletionStage<TxnOffsetCommitResponseData> commitAllowed(RequestContext context,
                                                                       TxnOffsetCommitRequestData request,
                                                                       Set<String> denied) {
        short v = context.apiVersion();
        long now = clock.millis();
        Map<TopicPartition, CommittedOffset> valid = new LinkedHashMap<>();
        for (TxnOffsetCommitRequestTopic t : request.topics()) {
            TopicInfo info = denied.contains(t.name()) ? null : topics.get(t.name()).orElse(null);
            for (TxnOffsetCommitRequestPartition p : t.partitions()) {
                if (info != null && p.partitionIndex() >= 0 && p.partitionIndex() < info.partitions()) {
                    valid.put(new TopicPartition(t.name(), p.partitionIndex()), new CommittedOffset(
                            p.committedOffset(), v >= 2 ? p.committedLeaderEpoch() : -1, p.committedMetadata(), now,
                            -1L));
                }
            }
        }
        String memberId = v >= 3 ? request.memberId() : "";
        String instanceId = v >= 3 ? request.groupInstanceId() : null;
        int generationId = v >= 3 ? request.generationIdOrMemberEpoch() : -1;
        if (v < 5 || valid.isEmpty()) {
            return commit(request, memberId, instanceId, generationId, valid);
        }
        TopicPartition offsets = new TopicPartition(OffsetsTopic.NAME, coordinator.partitionFor(request.groupId()));
        return transactions.add(request.transactionalId(), request.producerId(), request.producerEpoch(), offsets)
                .thenCompose(error -> {
                    if (error != Errors.NONE) {
                        Map<TopicPartition, Errors> all = new LinkedHashMap<>();
                        valid.keySet().forEach(tp -> all.put(tp, error));
                        return CompletableFuture.completedFuture(response(request, valid, all));
                    }
                    return commit(request, memberId, instanceId, generationId, valid);
                });
    }

    private CompletionStage<TxnOffsetCommitResponseData> commit(TxnOffsetCommitRequestData request, String memberId,
            String instanceId, int generationId, Map<TopicPartition, CommittedOffset> valid) {
        return coordinator.commitTransactionalOffsets(request.groupId(), request.producerId(), request.producerEpoch(),
                memberId, instanceId, generationId, valid).thenApply(errors -> response(request, valid, errors));
    }

    /**
     * Every requested partition's error: UNKNOWN_TOPIC_OR_PARTITION when it was not valid, else the coordinator's.
     * A routing failure (NOT_COORDINATOR, ...) fails the future instead, and the dispatcher answers it for every
     * partition.
     */
    private static TxnOffsetCommitResponseData response(TxnOffsetCommitRequestData request,
            Map<TopicPartition, CommittedOffset> valid, Map<TopicPartition, Errors> errors) {
        TxnOffsetCommitResponseData response = new TxnOffsetCommitResponseData();
        for (TxnOffsetCommitRequestTopic t : request.topics()) {
            TxnOffsetCommitResponseTopic rt = new TxnOffsetCommitResponseTopic().setName(t.name());
            for (TxnOffsetCommitRequestPartition p : t.partitions()) {
                TopicPartition tp = new TopicPartition(t.name(), p.partitionIndex());
                Errors e = valid.containsKey(tp) ? errors.getOrDefault(tp, Errors.NONE)
                        : Errors.UNKNOWN_TOPIC_OR_PARTITION;
                rt.partitions().add(new TxnOffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex())
                        .setErrorCode(e.code()));
            }
            response.topics().add(rt);
        }
        return response;
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
