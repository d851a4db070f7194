package io.samsa.metadata;

import java.util.List;
import java.util.Objects;

import org.apache.kafka.common.Uuid;

/**
 * One partition of a topic, as Kafka's {@code PartitionRecord}: its replicas, in-sync replicas, leader and the
 * two epochs (the leader epoch changes with the leader, the partition epoch with any change of the record). A
 * later record for the same partition replaces the earlier one.
 */
public record PartitionRecord(Uuid topicId, int partition, List<Integer> replicas, List<Integer> isr, int leader,
                              int leaderEpoch, int partitionEpoch) implements MetadataRecord {
    public PartitionRecord {
        Objects.requireNonNull(topicId, "topicId");
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
    }

    /** A new partition held by one node, as a single-node broker creates it: leader epoch and partition epoch 0. */
    public static PartitionRecord singleNode(Uuid topicId, int partition, int nodeId) {
        return new PartitionRecord(topicId, partition, List.of(nodeId), List.of(nodeId), nodeId, 0, 0);
    }
}
