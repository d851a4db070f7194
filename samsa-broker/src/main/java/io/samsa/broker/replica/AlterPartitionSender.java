package io.samsa.broker.replica;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * How a partition leader asks the controller to change the ISR (Kafka's AlterPartition): shrink it when a follower
 * lags more than {@code replica.lag.time.max.ms}, expand it when a follower has caught up. The stage completes with
 * the state the controller committed (a new partition epoch), or fails with the controller's error (for instance
 * INVALID_UPDATE_VERSION or FENCED_LEADER_EPOCH when the leader's state was stale: it waits for the metadata).
 * On a single node there is nobody to ask and nothing ever calls this.
 */
@FunctionalInterface
public interface AlterPartitionSender {
    CompletionStage<LeaderAndIsr> alterPartition(PartitionKey partition, LeaderAndIsr current, List<Integer> newIsr);
}
