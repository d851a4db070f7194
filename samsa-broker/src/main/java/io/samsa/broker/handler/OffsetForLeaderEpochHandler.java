package io.samsa.broker.handler;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.replica.Partition;
import io.samsa.broker.replica.ReplicaManager;
import io.samsa.broker.topic.TopicInfo;
import io.samsa.broker.topic.TopicRegistry;

/**
 * OffsetForLeaderEpoch (API key 23): for each partition, the largest leader epoch at or below the requested one that
 * the partition's leader-epoch cache knows, and the offset where it ended (the start of the next epoch, or the log
 * end for the current one); epoch -1 and offset -1 when the cache cannot place it. A consumer validates its position
 * with it after a leader change (truncation detection, KIP-320); a follower may ask it too, though Samsa's followers
 * learn the same from Fetch's diverging epoch.
 *
 * <p>Answered by the leader, after the currentLeaderEpoch check (FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH,
 * NOT_LEADER_OR_FOLLOWER), as Kafka does; a request with the debugging replica id (-2, also the value of requests
 * before v3, which have no replica id) may be answered by any replica. Versions 2–4, those kafka-clients knows.
 * Runs on a request handler thread; reads only the epoch cache.
 */
public final class OffsetForLeaderEpochHandler implements ApiHandler<OffsetForLeaderEpochRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.OFFSET_FOR_LEADER_EPOCH, 2, 4);
    /** Kafka's {@code OffsetsForLeaderEpochRequest.DEBUGGING_REPLICA_ID}. */
    private static final int DEBUGGING_REPLICA_ID = -2;

    private final TopicRegistry topics;
    private final ReplicaManager replicas;

    public OffsetForLeaderEpochHandler(TopicRegistry topics, ReplicaManager replicas) {
        this.topics = topics;
        this.replicas = replicas;
    }

    @Override
    public CompletionStage<OffsetForLeaderEpochResponseData> handle(RequestContext context,
                                                                   OffsetForLeaderEpochRequestData request) {
        boolean leaderOnly = request.replicaId() != DEBUGGING_REPLICA_ID;
        OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData();
        // As Kafka: a broker allowed CLUSTER_ACTION (a follower) may ask for any topic, anyone else needs DESCRIBE.
        boolean replica = context.canSee(AclOperation.CLUSTER_ACTION, ResourceType.CLUSTER,
                RequestContext.CLUSTER_NAME);
        for (OffsetForLeaderTopic topic : request.topics()) {
            OffsetForLeaderTopicResult result = new OffsetForLeaderTopicResult().setTopic(topic.topic());
            Optional<TopicInfo> info = topics.get(topic.topic());
            boolean authorized = replica || context.authorize(AclOperation.DESCRIBE, ResourceType.TOPIC,
                    topic.topic());
            for (OffsetForLeaderPartition p : topic.partitions()) {
                result.partitions().add(authorized ? lookup(info, topic.topic(), p, leaderOnly)
                        : new EpochEndOffset().setPartition(p.partition())
                                .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                                .setLeaderEpoch(io.samsa.log.EpochEndOffset.UNDEFINED_EPOCH)
                                .setEndOffset(io.samsa.log.EpochEndOffset.UNDEFINED_EPOCH_OFFSET));
            }
            response.topics().add(result);
        }
        return CompletableFuture.completedFuture(response);
    }

    private EpochEndOffset lookup(Optional<TopicInfo> topic, String name, OffsetForLeaderPartition p,
                                  boolean leaderOnly) {
        EpochEndOffset out = new EpochEndOffset()
                .setPartition(p.partition())
                .setLeaderEpoch(io.samsa.log.EpochEndOffset.UNDEFINED_EPOCH)
                .setEndOffset(io.samsa.log.EpochEndOffset.UNDEFINED_EPOCH_OFFSET);
        try {
            TopicInfo info = topic.orElseThrow(() -> new UnknownTopicOrPartitionException(
                    "This server does not host this topic-partition: " + name + "-" + p.partition()));
            Partition partition;
            if (leaderOnly) {
                partition = replicas.leaderPartition(info, p.partition(), p.currentLeaderEpoch());
            } else {
                partition = replicas.partition(info, p.partition());
            }
            io.samsa.log.EpochEndOffset end = partition.endOffsetForEpoch(p.leaderEpoch());
            return out.setLeaderEpoch(end.leaderEpoch()).setEndOffset(end.endOffset());
        } catch (ApiException e) {
            return out.setErrorCode(Errors.forException(e).code());
        }
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
