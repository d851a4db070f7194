package io.samsa.broker.replica;

import java.util.List;

import io.samsa.metadata.PartitionRecord;

/**
 * Who leads a partition, at which leader epoch, with which replicas and which of them are in sync, and the
 * partition epoch of that state (it changes with every change of the partition's record; an AlterPartition names
 * it so the controller can refuse a change made against a stale state). What the metadata assigns, and what
 * Metadata answers about the partition. A leader of -1 means none (offline).
 */
public record LeaderAndIsr(int leaderId, int leaderEpoch, List<Integer> replicas, List<Integer> isr,
                           int partitionEpoch) {

    /** No leader: every replica in the ISR is fenced or gone. */
    public static final int NO_LEADER = -1;

    public LeaderAndIsr {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
    }

    public LeaderAndIsr(int leaderId, int leaderEpoch, List<Integer> replicas, List<Integer> isr) {
        this(leaderId, leaderEpoch, replicas, isr, 0);
    }

    /** The assignment a metadata {@link PartitionRecord} states. */
    public static LeaderAndIsr of(PartitionRecord record) {
        return new LeaderAndIsr(record.leader(), record.leaderEpoch(), record.replicas(), record.isr(),
                record.partitionEpoch());
    }

    /** A single node's assignment: it is the only replica, in sync, leading at epoch 0. */
    public static LeaderAndIsr singleNode(int nodeId) {
        return new LeaderAndIsr(nodeId, 0, List.of(nodeId), List.of(nodeId), 0);
    }
}
