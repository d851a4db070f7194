package io.samsa.clients.admin;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeQuorumRequestData;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * The cluster side of {@link SamsaAdmin}: DescribeCluster (brokers, racks, controller) and DescribeQuorum (the
 * metadata quorum, Kafka's partition {@code __cluster_metadata-0}), each to any broker. Not thread-safe;
 * {@link SamsaAdmin} serializes calls.
 */
final class ClusterCalls {
    static final String METADATA_TOPIC = "__cluster_metadata";

    private final AdminChannel channel;

    ClusterCalls(AdminChannel channel) {
        this.channel = channel;
    }

    ClusterDescription describeCluster(long deadlineMs) {
        DescribeClusterResponseData r = channel.call(ApiKeys.DESCRIBE_CLUSTER,
                v -> new DescribeClusterRequestData().setIncludeClusterAuthorizedOperations(false), deadlineMs);
        check(r.errorCode(), r.errorMessage());
        List<ClusterDescription.Broker> brokers = new ArrayList<>();
        r.brokers().forEach(b -> brokers.add(new ClusterDescription.Broker(b.brokerId(), b.host(), b.port(),
                b.rack())));
        brokers.sort((a, b) -> Integer.compare(a.id(), b.id()));
        return new ClusterDescription(r.clusterId(), r.controllerId(), brokers);
    }

    QuorumDescription describeQuorum(long deadlineMs) {
        DescribeQuorumResponseData r = channel.call(ApiKeys.DESCRIBE_QUORUM, v -> {
            DescribeQuorumRequestData request = new DescribeQuorumRequestData();
            DescribeQuorumRequestData.TopicData topic = new DescribeQuorumRequestData.TopicData()
                    .setTopicName(METADATA_TOPIC);
            topic.partitions().add(new DescribeQuorumRequestData.PartitionData().setPartitionIndex(0));
            request.topics().add(topic);
            return request;
        }, deadlineMs);
        check(r.errorCode(), r.errorMessage());
        if (r.topics().isEmpty() || r.topics().get(0).partitions().isEmpty()) {
            throw Errors.UNKNOWN_SERVER_ERROR.exception("DescribeQuorum answered without the metadata partition");
        }
        DescribeQuorumResponseData.PartitionData p = r.topics().get(0).partitions().get(0);
        check(p.errorCode(), p.errorMessage());
        return new QuorumDescription(p.leaderId(), p.leaderEpoch(), p.highWatermark(), replicas(p.currentVoters()),
                replicas(p.observers()));
    }

    private static List<QuorumDescription.Replica> replicas(List<DescribeQuorumResponseData.ReplicaState> states) {
        return states.stream().map(s -> new QuorumDescription.Replica(s.replicaId(), s.logEndOffset(),
                s.lastFetchTimestamp(), s.lastCaughtUpTimestamp())).toList();
    }

    private static void check(short errorCode, String message) {
        Errors error = Errors.forCode(errorCode);
        if (error != Errors.NONE) {
            throw error.exception(message == null || message.isBlank() ? error.message() : message);
        }
    }
}
