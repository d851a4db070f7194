package io.samsa.broker.handler;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.replica.Partition;
import io.samsa.broker.replica.ReplicaManager;
import io.samsa.broker.topic.TopicInfo;
import io.samsa.broker.topic.TopicNames;
import io.samsa.broker.topic.TopicRegistry;

/**
 * DeleteRecords (v0–2), answered by each partition's leader: moves the log start to the requested offset (-1: the
 * high watermark), deleting the segments wholly below it, and answers the new log start as the low watermark.
 * Errors as Kafka's: an internal topic → INVALID_TOPIC_EXCEPTION; unknown → UNKNOWN_TOPIC_OR_PARTITION; not the
 * leader → NOT_LEADER_OR_FOLLOWER; a log whose {@code cleanup.policy} lacks {@code delete} → POLICY_VIOLATION;
 * an offset above the high watermark → OFFSET_OUT_OF_RANGE.
 *
 * <p>Answered as soon as the leader moved: Kafka's leader waits (up to the request's timeout) until every follower
 * has caught up with the new log start and answers the smallest; here followers take it from the leader's next
 * fetch response, so a reply names the leader's log start, which every replica reaches shortly after.
 */
public final class DeleteRecordsHandler implements ApiHandler<DeleteRecordsRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.DELETE_RECORDS, 0, 2);

    private final TopicRegistry topics;
    private final ReplicaManager replicas;

    public DeleteRecordsHandler(TopicRegistry topics, ReplicaManager replicas) {
        this.topics = topics;
        this.replicas = replicas;
    }

    @Override
    public CompletionStage<DeleteRecordsResponseData> handle(RequestContext context, DeleteRecordsRequestData request) {
        DeleteRecordsResponseData response = new DeleteRecordsResponseData();
        for (DeleteRecordsTopic topic : request.topics()) {
            DeleteRecordsTopicResult result = response.topics().find(topic.name());
            if (result == null) {
                result = new DeleteRecordsTopicResult().setName(topic.name());
                response.topics().add(result);
            }
            boolean authorized = context.authorize(AclOperation.DELETE, ResourceType.TOPIC, topic.name());
            for (DeleteRecordsPartition p : topic.partitions()) {
                DeleteRecordsPartitionResult r = new DeleteRecordsPartitionResult()
                        .setPartitionIndex(p.partitionIndex()).setLowWatermark(-1L);
                try {
                    if (!authorized) {
                        throw new TopicAuthorizationException(Set.of(topic.name()));
                    }
                    r.setLowWatermark(delete(topic.name(), p));
                } catch (ApiException e) {
                    r.setErrorCode(Errors.forException(e).code());
                }
                result.partitions().mustAdd(r);
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    private long delete(String name, DeleteRecordsPartition p) {
        if (TopicNames.isInternal(name)) {
            throw new InvalidTopicException("Cannot delete records of internal topic " + name);
        }
        TopicInfo info = topics.get(name).orElseThrow(() -> new UnknownTopicOrPartitionException(
                "This server does not host this topic-partition: " + name + "-" + p.partitionIndex()));
        Partition partition = replicas.leaderPartition(info, p.partitionIndex(), -1);
        if (!partition.log().config().delete()) { // cleanup.policy (or log.cleanup.policy) lacks delete
            throw new PolicyViolationException("Records of partition " + name + "-" + p.partitionIndex()
                    + " can not be deleted due to the configured policy");
        }
        return partition.deleteRecordsOnLeader(p.offset());
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
