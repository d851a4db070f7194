package io.samsa.clients.admin;

import java.util.List;

import org.apache.kafka.common.TopicPartition;

/**
 * A transactional id as its coordinator describes it (DescribeTransactions): producer id and epoch, state, the
 * transaction timeout, when the open transaction started ({@code startTimeMs} -1 when none is open) and the
 * partitions it has written to, sorted.
 */
public record TransactionDescription(int coordinatorId, String transactionalId, long producerId, short producerEpoch,
                                     String state, int timeoutMs, long startTimeMs, List<TopicPartition> partitions) {
}
