package io.samsa.clients.consumer;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.LeaderNotAvailableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

import io.samsa.clients.consumer.fetch.ListOffsetsClient;
import io.samsa.clients.consumer.io.ConsumerIo;
import io.samsa.clients.consumer.io.Waiter;
import io.samsa.clients.metadata.MetadataCache;
import io.samsa.clients.metadata.TopicMetadata;

/**
 * The consumer's one-off lookups: topic metadata ({@code partitionsFor}, {@code listTopics}) and offsets by time
 * or at the log's edges ({@code offsetsForTimes}, {@code beginningOffsets}, {@code endOffsets}). Each blocks
 * until its answer or the timeout. Application thread only (under {@link ConsumerGuard}).
 */
final class ConsumerLookups {
    private final ConsumerIo io;
    private final MetadataCache metadata;
    private final ListOffsetsClient listOffsets;
    private final Waiter waiter;
    private final DeadlineRetry retry;

    ConsumerLookups(ConsumerIo io, ListOffsetsClient listOffsets, DeadlineRetry retry) {
        this.io = io;
        this.metadata = io.metadata();
        this.listOffsets = listOffsets;
        this.waiter = io.waiter();
        this.retry = retry;
    }

    /**
     * A one-off Metadata request for {@code topics} (null: all; internal topics left out), asked again while a
     * leader is not available yet, until the deadline (then what was found).
     */
    Map<String, List<PartitionInfo>> topics(List<String> topics, Duration timeout) {
        long deadline = DeadlineRetry.deadline(System.currentTimeMillis(), timeout);
        TopicMetadata.Answer[] last = new TopicMetadata.Answer[1];
        try {
            return retry.until(deadline, DeadlineRetry.OnTimeout.RETRY, () -> {
                last[0] = null;
                MetadataResponseData data = (MetadataResponseData) waiter.get(io.request(ConsumerIo.ANY_NODE,
                        ApiKeys.METADATA, v -> TopicMetadata.request(topics)), deadline, "fetching topic metadata")
                        .body();
                last[0] = TopicMetadata.parse(data, topics == null);
                if (last[0].leaderNotAvailable() && System.currentTimeMillis() < deadline) {
                    throw new LeaderNotAvailableException("a leader is not available yet");
                }
                return last[0].topics();
            }, () -> new TimeoutException("Timeout expired while fetching topic metadata"));
        } catch (TimeoutException e) {
            if (last[0] != null) {
                return last[0].topics(); // the deadline passed while waiting for a leader: what was found
            }
            throw e;
        }
    }

    Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> timestamps, Duration timeout) {
        for (Map.Entry<TopicPartition, Long> e : timestamps.entrySet()) {
            if (e.getValue() < 0) {
                throw new IllegalArgumentException("The target time for partition " + e.getKey() + " is "
                        + e.getValue() + ". The target time cannot be negative.");
            }
        }
        Map<TopicPartition, ListOffsetsClient.Found> found = lookup(timestamps, timeout);
        Map<TopicPartition, OffsetAndTimestamp> out = new HashMap<>();
        for (TopicPartition tp : timestamps.keySet()) {
            ListOffsetsClient.Found f = found.get(tp);
            out.put(tp, f == null || f.offset() < 0 ? null : new OffsetAndTimestamp(f.offset(), f.timestamp(),
                    f.leaderEpoch() >= 0 ? Optional.of(f.leaderEpoch()) : Optional.empty()));
        }
        return out;
    }

    /** The earliest ({@code timestamp} -2) or latest (-1) offsets. */
    Map<TopicPartition, Long> edgeOffsets(Collection<TopicPartition> partitions, long timestamp, Duration timeout) {
        Map<TopicPartition, Long> ask = new LinkedHashMap<>();
        partitions.forEach(tp -> ask.put(tp, timestamp));
        Map<TopicPartition, ListOffsetsClient.Found> found = lookup(ask, timeout);
        Map<TopicPartition, Long> out = new HashMap<>();
        found.forEach((tp, f) -> out.put(tp, f.offset()));
        return out;
    }

    private Map<TopicPartition, ListOffsetsClient.Found> lookup(Map<TopicPartition, Long> timestamps,
                                                                Duration timeout) {
        if (timestamps.isEmpty()) {
            return Map.of();
        }
        long deadline = DeadlineRetry.deadline(System.currentTimeMillis(), timeout);
        for (TopicPartition tp : timestamps.keySet()) {
            metadata.wantedTopics().add(tp.topic());
        }
        return retry.until(deadline, DeadlineRetry.OnTimeout.GIVE_UP,
                () -> waiter.get(listOffsets.lookup(timestamps), deadline, "listing offsets"),
                () -> new TimeoutException("Failed to get offsets by times in " + timeout.toMillis() + "ms"));
    }
}
