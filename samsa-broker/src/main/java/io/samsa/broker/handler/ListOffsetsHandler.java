package io.samsa.broker.handler;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsTopic;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.topic.TopicRegistry;
import io.samsa.log.Log;
import io.samsa.log.TimestampAndOffset;

/**
 * ListOffsets: the earliest (-2, and -4 "earliest local": all data is local) or latest (-1) offset, the
 * record with the largest timestamp (-3), or the first offset at or after a timestamp.
 */
public final class ListOffsetsHandler implements ApiHandler<ListOffsetsRequestData> {
    static final long LATEST = -1L;
    static final long EARLIEST = -2L;
    static final long MAX_TIMESTAMP = -3L;
    static final long EARLIEST_LOCAL = -4L;

    private final TopicRegistry topics;

    public ListOffsetsHandler(TopicRegistry topics) {
        this.topics = topics;
    }

    @Override
    public CompletionStage<ListOffsetsResponseData> handle(RequestContext context, ListOffsetsRequestData request) {
        ListOffsetsResponseData response = new ListOffsetsResponseData();
        for (ListOffsetsTopic topic : request.topics()) {
            ListOffsetsTopicResponse topicResponse = new ListOffsetsTopicResponse().setName(topic.name());
            for (ListOffsetsPartition p : topic.partitions()) {
                ListOffsetsPartitionResponse found = lookup(topic.name(), p);
                if (context.apiVersion() < 4) {
                    found.setLeaderEpoch(-1); // the field exists from v4 on
                }
                topicResponse.partitions().add(found);
            }
            response.topics().add(topicResponse);
        }
        return CompletableFuture.completedFuture(response);
    }

    private ListOffsetsPartitionResponse lookup(String topic, ListOffsetsPartition p) {
        ListOffsetsPartitionResponse out = new ListOffsetsPartitionResponse()
                .setPartitionIndex(p.partitionIndex())
                .setTimestamp(-1L)
                .setOffset(-1L)
                .setLeaderEpoch(-1);
        try {
            Log log = topics.log(topic, p.partitionIndex());
            long ts = p.timestamp();
            if (ts == LATEST) {
                return out.setOffset(log.logEndOffset()).setLeaderEpoch(0);
            }
            if (ts == EARLIEST || ts == EARLIEST_LOCAL) {
                return out.setOffset(log.logStartOffset()).setLeaderEpoch(0);
            }
            Optional<TimestampAndOffset> found = ts == MAX_TIMESTAMP ? log.maxTimestamp()
                    : ts >= 0 ? log.offsetForTimestamp(ts) : Optional.empty();
            found.ifPresent(f -> out.setTimestamp(f.timestamp()).setOffset(f.offset()).setLeaderEpoch(f.leaderEpoch()));
            return out;
        } catch (ApiException e) {
            return out.setErrorCode(Errors.forException(e).code());
        }
    }
}
