package io.samsa.clients.consumer.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.MetadataResponseData;
import org.junit.jupiter.api.Test;

import io.samsa.clients.metadata.MetadataCache;

/**
 * Where the consumer fetches a partition from (KIP-392, as kafka-clients): the named preferred read replica until
 * its lease ends, the leader epoch changes, the node leaves the metadata or it is cleared; else the leader.
 */
class ReadReplicasTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final long LEASE_MS = 1000;
    private final Uuid topicId = Uuid.randomUuid();
    private final MetadataCache metadata = new MetadataCache(() -> { });
    private final ReadReplicas replicas = new ReadReplicas(metadata, LEASE_MS);

    @Test
    void theLeaderUntilOneIsNamedThenTheNamedReplicaUntilCleared() {
        metadata.update(response(1, 5, 3), 0);
        assertThat(replicas.nodeFor(TP, 10)).isEqualTo(1);
        replicas.named(TP, 2, 10);
        assertThat(replicas.nodeFor(TP, 20)).isEqualTo(2);
        assertThat(replicas.preferredReadReplica(TP)).isEqualTo(2);
        assertThat(replicas.clear(TP)).isTrue();
        assertThat(replicas.clear(TP)).as("nothing left to clear").isFalse();
        assertThat(replicas.nodeFor(TP, 30)).isEqualTo(1);
        assertThat(replicas.preferredReadReplica(TP)).isEqualTo(-1);
    }

    @Test
    void theNamedReplicaLastsForTheLeaseOnly() {
        metadata.update(response(1, 5, 3), 0);
        replicas.named(TP, 2, 100);
        assertThat(replicas.nodeFor(TP, 100 + LEASE_MS - 1)).isEqualTo(2);
        assertThat(replicas.nodeFor(TP, 100 + LEASE_MS)).isEqualTo(1);
        assertThat(replicas.nodeFor(TP, 100)).as("forgotten once expired").isEqualTo(1);
    }

    @Test
    void aNewLeaderEpochOrAMissingNodeMeansTheLeaderAgain() {
        metadata.update(response(1, 5, 3), 0);
        replicas.named(TP, 2, 0);
        metadata.update(response(3, 6, 3), 1);
        assertThat(replicas.nodeFor(TP, 10)).isEqualTo(3);

        replicas.named(TP, 2, 10);
        metadata.update(response(3, 6, 1), 2); // node 2 is gone from the metadata
        assertThat(replicas.nodeFor(TP, 20)).isEqualTo(3);
        assertThat(metadata.updateRequested()).isTrue();
    }

    /** Partition t-0 led by {@code leader} at {@code epoch}; brokers 1..{@code brokers}, leader always listed. */
    private MetadataResponseData response(int leader, int epoch, int brokers) {
        MetadataResponseData r = new MetadataResponseData().setClusterId("c");
        for (int n = 1; n <= 3; n++) {
            if (n <= brokers || n == leader) {
                r.brokers().add(new MetadataResponseData.MetadataResponseBroker().setNodeId(n).setHost("h")
                        .setPort(n));
            }
        }
        MetadataResponseData.MetadataResponseTopic t = new MetadataResponseData.MetadataResponseTopic()
                .setName("t").setTopicId(topicId);
        t.partitions().add(new MetadataResponseData.MetadataResponsePartition().setPartitionIndex(0)
                .setLeaderId(leader).setLeaderEpoch(epoch).setReplicaNodes(List.of(1, 2, 3))
                .setIsrNodes(List.of(1, 2, 3)));
        r.topics().add(t);
        return r;
    }
}
