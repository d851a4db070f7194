package io.samsa.broker.replica;

import org.apache.kafka.common.Uuid;

/**
 * A partition by topic id and index: survives a rename and tells a re-created topic of the same name apart
 * from the deleted one, so a waiter or a cached {@link Partition} never crosses over to the new topic.
 */
public record PartitionKey(Uuid topicId, int partition) {
}
