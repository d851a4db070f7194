package io.samsa.broker.replica;

import java.util.List;

import io.samsa.metadata.PartitionRecord;

/**
 * Who leads a partition, at which leader epoch, with which replicas and which of them are in sync: what the
 * metadata (today: this single node) assigns, and what Metadata answers about the partition.
 */
public record LeaderAndIsr(int leaderId, int leaderEpoch, List<Integer> replicas, List<Integer> isr) {

    public LeaderAndIsr {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
    }

    /** The assignment a metadata {@link PartitionRecord} states. */
    public static LeaderAndIsr of(PartitionRecord record) {
        return new LeaderAndIsr(record.leader(), record.leaderEpoch(), record.replicas(), record.isr());
    }

    /** A single node's assignment: it is the only replica, in sync, leading at epoch 0. */
    public static LeaderAndIsr singleNode(int nodeId) {
        return new LeaderAndIsr(nodeId, 0, List.of(nodeId), List.of(nodeId));
    }
}
