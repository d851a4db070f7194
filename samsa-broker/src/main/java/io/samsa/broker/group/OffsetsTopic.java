package io.samsa.broker.group;

import java.util.Map;

/**
 * The internal topic {@value #NAME} that holds the groups (on a single node as in a cluster), with Kafka's broker
 * keys and defaults.
 * Each group lives in partition {@link #partitionFor}; the leader of that partition is the group's coordinator.
 *
 * @param numPartitions     offsets.topic.num.partitions (50); fixed once the topic exists
 * @param replicationFactor offsets.topic.replication.factor (3; 1 on a single node); until that many brokers are
 *                          registered the topic cannot be created and FindCoordinator answers
 *                          COORDINATOR_NOT_AVAILABLE, as in Kafka
 * @param segmentBytes      offsets.topic.segment.bytes (104857600)
 * @param commitTimeoutMs   offsets.commit.timeout.ms (5000): how long a write waits for every in-sync replica
 *                          (offsets.commit.required.acks is acks=all, as Kafka has it since 3.x)
 */
public record OffsetsTopic(int numPartitions, short replicationFactor, int segmentBytes, int commitTimeoutMs) {
    public static final String NAME = "__consumer_offsets";

    public static final OffsetsTopic DEFAULTS = new OffsetsTopic(50, (short) 3, 104_857_600, 5000);

    /**
     * Kafka's placement: {@code Utils.abs(groupId.hashCode()) % numPartitions}, where Kafka's {@code Utils.abs} is
     * {@code Math.abs} with {@code Integer.MIN_VALUE} mapped to 0 (not {@code & 0x7fffffff}, which places
     * negative hash codes elsewhere), so a group lands in the same partition as on Kafka.
     */
    public static int partitionFor(String groupId, int numPartitions) {
        int h = groupId.hashCode();
        return (h == Integer.MIN_VALUE ? 0 : Math.abs(h)) % numPartitions;
    }

    /** The same topic with {@code n} partitions (the count an existing topic was created with). */
    public OffsetsTopic withNumPartitions(int n) {
        return new OffsetsTopic(n, replicationFactor, segmentBytes, commitTimeoutMs);
    }

    public int partitionFor(String groupId) {
        return partitionFor(groupId, numPartitions);
    }

    /**
     * The topic's configs as Kafka sets them: compacted (the log cleaner keeps each group's and each committed
     * offset's newest record; time and size retention do not apply to a compact-only topic), the offsets segment
     * size.
     */
    public Map<String, String> topicConfigs() {
        return Map.of("cleanup.policy", "compact", "compression.type", "producer",
                "segment.bytes", String.valueOf(segmentBytes));
    }
}
