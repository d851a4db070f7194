package io.samsa.broker.handler;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsTopic;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
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
import io.samsa.log.Log;
import io.samsa.log.TimestampAndOffset;

/**
 * ListOffsets, answered by the partition's leader (the currentLeaderEpoch check from v4, as Kafka): the earliest
 * (-2, and -4 "earliest local": all data is local) or latest (-1: the high watermark for a read_uncommitted
 * consumer, the last stable offset for a read_committed one (isolation_level 1, v2+), the log end for a replica)
 * offset, the record with the largest timestamp (-3), or the first offset at or after a timestamp.
 */
public final class ListOffsetsHandler implements ApiHandler<ListOffsetsRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.LIST_OFFSETS, 1, 11);

    static final long LATEST = -1L;
    static final long EARLIEST = -2L;
    static final long MAX_TIMESTAMP = -3L;
    static final long EARLIEST_LOCAL = -4L;

    /** ListOffsets' replica id of a consumer; a follower sends its node id. */
    private static final int CONSUMER_REPLICA_ID = -1;

    /** ListOffsets' and Fetch's isolation_level of a read_committed consumer. */
    private static final byte READ_COMMITTED = 1;

    private final TopicRegistry topics;
    private final ReplicaManager replicas;

    public ListOffsetsHandler(TopicRegistry topics, ReplicaManager replicas) {
        this.topics = topics;
        this.replicas = replicas;
    }

    @Override
    public CompletionStage<ListOffsetsResponseData> handle(RequestContext context, ListOffsetsRequestData request) {
        ListOffsetsResponseData response = new ListOffsetsResponseData();
        for (ListOffsetsTopic topic : request.topics()) {
            ListOffsetsTopicResponse topicResponse = new ListOffsetsTopicResponse().setName(topic.name());
            boolean authorized = context.authorize(AclOperation.DESCRIBE, ResourceType.TOPIC, topic.name());
            for (ListOffsetsPartition p : topic.partitions()) {
                ListOffsetsPartitionResponse found = authorized ? lookup(topic.name(), p, request.replicaId(),
                        context.apiVersion() >= 2 && request.isolationLevel() == READ_COMMITTED)
                        : new ListOffsetsPartitionResponse().setPartitionIndex(p.partitionIndex()).setTimestamp(-1L)
                                .setOffset(-1L).setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
                if (context.apiVersion() < 4) {
                    found.setLeaderEpoch(-1); // the field exists from v4 on
                }
                topicResponse.partitions().add(found);
            }
            response.topics().add(topicResponse);
        }
        return CompletableFuture.completedFuture(response);
    }

    private ListOffsetsPartitionResponse lookup(String topic, ListOffsetsPartition p, int replicaId,
                                                boolean readCommitted) {
        ListOffsetsPartitionResponse out = new ListOffsetsPartitionResponse()
                .setPartitionIndex(p.partitionIndex())
                .setTimestamp(-1L)
                .setOffset(-1L)
                .setLeaderEpoch(-1);
        try {
            TopicInfo info = topics.get(topic).orElseThrow(() -> new UnknownTopicOrPartitionException(
                    "This server does not host this topic-partition: " + topic + "-" + p.partitionIndex()));
            Partition partition = replicas.leaderPartition(info, p.partitionIndex(), p.currentLeaderEpoch());
            Log log = partition.log();
            long ts = p.timestamp();
            if (ts == LATEST) {
                long latest = replicaId != CONSUMER_REPLICA_ID ? partition.logEndOffset()
                        : readCommitted ? Math.min(log.lastStableOffset(), partition.highWatermark())
                        : partition.highWatermark();
                return out.setOffset(latest).setLeaderEpoch(partition.leaderEpoch());
            }
            if (ts == EARLIEST || ts == EARLIEST_LOCAL) {
                return out.setOffset(partition.logStartOffset()).setLeaderEpoch(partition.leaderEpoch());
            }
            Optional<TimestampAndOffset> found = ts == MAX_TIMESTAMP ? log.maxTimestamp()
                    : ts >= 0 ? log.offsetForTimestamp(ts) : Optional.empty();
            found.ifPresent(f -> out.setTimestamp(f.timestamp()).setOffset(f.offset()).setLeaderEpoch(f.leaderEpoch()));
            return out;
        } catch (ApiException e) {
            return out.setErrorCode(Errors.forException(e).code());
        }
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
