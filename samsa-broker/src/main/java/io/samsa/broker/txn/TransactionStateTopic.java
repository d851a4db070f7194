package io.samsa.broker.txn;

import java.util.Map;

/**
 * The internal topic {@value #NAME} that holds the transaction coordinator's state, with Kafka's broker keys and
 * defaults. A transactional id lives in partition {@code partitionFor(id)} (Kafka's placement, the same function
 * as for groups); the leader of that partition is its coordinator.
 *
 * @param numPartitions     transaction.state.log.num.partitions (50); fixed once the topic exists
 * @param replicationFactor transaction.state.log.replication.factor (3; a single node uses 1)
 * @param minInsyncReplicas transaction.state.log.min.isr (2)
 * @param segmentBytes      transaction.state.log.segment.bytes (104857600)
 */
public record TransactionStateTopic(int numPartitions, short replicationFactor, int minInsyncReplicas,
                                    int segmentBytes) {
    public static final String NAME = "__transaction_state";

    public static final TransactionStateTopic DEFAULTS = new TransactionStateTopic(50, (short) 3, 2, 104_857_600);

    /** Kafka's topic configs for it: compacted, uncompressed, its own segment size and min.insync.replicas. */
    public Map<String, String> topicConfigs() {
        return Map.of("cleanup.policy", "compact", "compression.type", "uncompressed",
                "segment.bytes", String.valueOf(segmentBytes), "min.insync.replicas", String.valueOf(minInsyncReplicas),
                "unclean.leader.election.enable", "false");
    }
}
