package io.samsa.broker.handler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarker;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarkerTopic;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData.WritableTxnMarkerResult;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.broker.api.ApiHandler;
import io.samsa.broker.api.ApiVersionRange;
import io.samsa.broker.api.RequestContext;
import io.samsa.broker.txn.MarkerWriter;

/**
 * WriteTxnMarkers (v1–2; v0 is gone since Kafka 4.0): a transaction coordinator on another broker asks this one, as
 * leader, to end a producer's transaction on its partitions. Each marker is written as the local coordinator's own
 * are ({@code lifecycle.LocalMarkerWriter}: appended as leader, answered once committed, acks=all; a
 * {@code __consumer_offsets} partition through the group coordinator, which settles the producer's offsets there).
 * Each partition answers its own error: NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION, INVALID_PRODUCER_EPOCH,
 * TRANSACTION_COORDINATOR_FENCED (an older coordinator), NOT_COORDINATOR, and so on; the coordinator retries.
 */
public final class WriteTxnMarkersHandler implements ApiHandler<WriteTxnMarkersRequestData> {
    private static final ApiVersionRange VERSIONS = ApiVersionRange.of(ApiKeys.WRITE_TXN_MARKERS, 1, 2);

    private final MarkerWriter local;

    public WriteTxnMarkersHandler(MarkerWriter local) {
        this.local = local;
    }

    @Override
    public CompletionStage<WriteTxnMarkersResponseData> handle(RequestContext context,
                                                               WriteTxnMarkersRequestData request) {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        WriteTxnMarkersResponseData response = new WriteTxnMarkersResponseData();
        for (WritableTxnMarker marker : request.markers()) {
            WritableTxnMarkerResult result = new WritableTxnMarkerResult().setProducerId(marker.producerId());
            for (WritableTxnMarkerTopic topic : marker.topics()) {
                WritableTxnMarkerTopicResult topicResult = new WritableTxnMarkerTopicResult().setName(topic.name());
                for (int index : topic.partitionIndexes()) {
                    WritableTxnMarkerPartitionResult partition = new WritableTxnMarkerPartitionResult()
                            .setPartitionIndex(index);
                    topicResult.partitions().add(partition);
                    CompletableFuture<Void> written;
                    try {
                        written = local.write(new TopicPartition(topic.name(), index), marker.producerId(),
                                marker.producerEpoch(), marker.transactionResult(), marker.coordinatorEpoch())
                                .toCompletableFuture();
                    } catch (RuntimeException e) {
                        written = CompletableFuture.failedFuture(e);
                    }
                    all.add(written.handle((v, e) -> {
                        partition.setErrorCode(e == null ? Errors.NONE.code() : errorOf(e).code());
                        return null;
                    }));
                }
                result.topics().add(topicResult);
            }
            response.markers().add(result);
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> response);
    }

    private static Errors errorOf(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return cause instanceof ApiException ? Errors.forException(cause) : Errors.UNKNOWN_SERVER_ERROR;
    }

    @Override
    public ApiVersionRange versions() {
        return VERSIONS;
    }
}
