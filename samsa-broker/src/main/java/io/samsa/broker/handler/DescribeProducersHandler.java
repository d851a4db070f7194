package io.samsa.broker.handler;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersRequestData.TopicRequest;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.message.DescribeProducersResponseData.PartitionResponse;
import org.apache.kafka.common.message.DescribeProducersResponseData.ProducerState;
import org.apache.kafka.common.message.DescribeProducersResponseData.TopicResponse;
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
import io.samsa.log.ActiveProducer;

/**
 * DescribeProducers (v0, KIP-664), answered by each partition's leader: the idempotent producers its log holds
 * state for — id, epoch, last sequence, last timestamp, the coordinator epoch of its last transaction marker and the
 * first offset of its open transaction (-1 for none). Not the leader → NOT_LEADER_OR_FOLLOWER; unknown →
 * UNKNOWN_TOPIC_OR_PARTITION.
 */
public final class DescribeProducersHandler implements ApiHandler<DescribeProducersRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.DESCRIBE_PRODUCERS, 0, 0);

    private final TopicRegistry topics;
    private final ReplicaManager replicas;

    public DescribeProducersHandler(TopicRegistry topics, ReplicaManager replicas) {
        this.topics = topics;
        this.replicas = replicas;
    }

    @Override
    public CompletionStage<DescribeProducersResponseData> handle(RequestContext context,
                                                                 DescribeProducersRequestData request) {
        DescribeProducersResponseData response = new DescribeProducersResponseData();
        for (TopicRequest topic : request.topics()) {
            TopicResponse out = new TopicResponse().setName(topic.name());
            boolean authorized = context.authorize(AclOperation.READ, ResourceType.TOPIC, topic.name());
            for (int index : topic.partitionIndexes()) {
                out.partitions().add(authorized ? describe(topic.name(), index) : new PartitionResponse()
                        .setPartitionIndex(index).setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()));
            }
            response.topics().add(out);
        }
        return CompletableFuture.completedFuture(response);
    }

    private PartitionResponse describe(String name, int index) {
        PartitionResponse out = new PartitionResponse().setPartitionIndex(index);
        try {
            TopicInfo info = topics.get(name).orElseThrow(() -> new UnknownTopicOrPartitionException(
                    "This server does not host this topic-partition: " + name + "-" + index));
            Partition partition = replicas.leaderPartition(info, index, Partition.NO_LEADER_EPOCH);
            for (ActiveProducer p : partition.log().activeProducers()) {
                out.activeProducers().add(new ProducerState()
                        .setProducerId(p.producerId())
                        .setProducerEpoch(p.epoch())
                        .setLastSequence(p.lastSequence())
                        .setLastTimestamp(p.lastTimestamp())
                        .setCoordinatorEpoch(p.coordinatorEpoch())
                        .setCurrentTxnStartOffset(p.currentTxnStartOffset()));
            }
            return out;
        } catch (ApiException e) {
            return out.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
        }
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
