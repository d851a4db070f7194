package io.samsa.clients.admin;

import org.apache.kafka.common.TopicPartition;

/** One partition of an offset reset: the committed offset before (-1 when none) and the new one. */
public record OffsetChange(TopicPartition partition, long currentOffset, long newOffset) {
}
