package io.samsa.clients.admin;

import java.util.List;
import java.util.function.Function;

import org.apache.kafka.common.errors.LeaderNotAvailableException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * DeleteRecords of one partition, sent to its leader (as metadata names it): the records before an offset go, and
 * the partition's new log start (low watermark) comes back. A leader that moved or cannot be reached is looked up
 * again until the deadline. Runs on the admin's calling thread, through {@link AdminChannel}.
 */
final class RecordDeletion {

    private RecordDeletion() {
    }

    /**
     * Deletes the records of {@code topic}-{@code partition} before {@code offset} (-1: the high watermark); returns
     * the low watermark. Kafka's errors as exceptions: OffsetOutOfRangeException (above the high watermark),
     * PolicyViolationException (a compacted topic), UnknownTopicException.
     */
    static long deleteBefore(AdminChannel channel, String topic, int partition, long offset, long timeoutMs,
                             long deadlineMs, Function<List<String>, MetadataResponseData> metadata) {
        return LeaderRetries.untilDeadline(deadlineMs, () -> {
            int leader = leader(metadata.apply(List.of(topic)), topic, partition);
            DeleteRecordsRequestData request = new DeleteRecordsRequestData().setTimeoutMs((int) timeoutMs);
            request.topics().add(new DeleteRecordsRequestData.DeleteRecordsTopic().setName(topic).setPartitions(
                    List.of(new DeleteRecordsRequestData.DeleteRecordsPartition().setPartitionIndex(partition)
                            .setOffset(offset))));
            DeleteRecordsResponseData response = channel.call(leader, ApiKeys.DELETE_RECORDS, v -> request,
                    deadlineMs);
            DeleteRecordsResponseData.DeleteRecordsPartitionResult r = response.topics().find(topic).partitions()
                    .find(partition);
            Errors error = Errors.forCode(r.errorCode());
            if (error == Errors.NONE) {
                return r.lowWatermark();
            }
            if (error == Errors.UNKNOWN_TOPIC_OR_PARTITION) {
                throw new UnknownTopicException(topic);
            }
            throw error.exception("Topic '" + topic + "' partition " + partition + ": " + error.message());
        });
    }

    /**
     * The partition's leader as {@code metadata} names it: UnknownTopicException for an unknown topic,
     * UnknownTopicOrPartitionException for a partition it does not have, LeaderNotAvailableException for none.
     */
    static int leader(MetadataResponseData metadata, String topic, int partition) {
        MetadataResponseTopic t = metadata.topics().find(topic);
        if (t == null || t.errorCode() == Errors.UNKNOWN_TOPIC_OR_PARTITION.code()) {
            throw new UnknownTopicException(topic);
        }
        for (MetadataResponsePartition p : t.partitions()) {
            if (p.partitionIndex() == partition) {
                if (p.leaderId() < 0) {
                    throw new LeaderNotAvailableException("Partition " + partition + " of topic '" + topic
                            + "' has no leader right now");
                }
                return p.leaderId();
            }
        }
        throw new UnknownTopicOrPartitionException("Topic '" + topic + "' has no partition " + partition + " (it has "
                + t.partitions().size() + ")");
    }
}
