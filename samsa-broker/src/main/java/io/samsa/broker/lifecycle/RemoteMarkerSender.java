package io.samsa.broker.lifecycle;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarker;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarkerTopic;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.broker.replica.fetcher.BrokerAddresses;
import io.samsa.network.client.ResponseHandler;

/**
 * Sends the transaction coordinator's markers to partitions other brokers lead: one WriteTxnMarkers request per
 * marker, as Kafka's TransactionMarkerChannelManager sends them (it batches per broker; not yet here), on thread
 * {@code samsa-txn-marker-sender} ({@link InterBrokerSender}). {@link #send} (any thread) answers a future that
 * completes once the leader has the marker written (acks=all), or fails with the error the leader answered, or a
 * retriable one (the leader unreachable within {@code requestTimeoutMs}). The coordinator retries failures; a marker
 * is idempotent for the log, so a retry after a lost answer is harmless.
 */
final class RemoteMarkerSender extends InterBrokerSender<RemoteMarkerSender.Marker> {
    static final String THREAD_NAME = "samsa-txn-marker-sender";

    record Marker(int broker, TopicPartition partition, WritableTxnMarker marker, CompletableFuture<Void> done) {
    }

    RemoteMarkerSender(BrokerAddresses addresses, long requestTimeoutMs) {
        super(THREAD_NAME, addresses, requestTimeoutMs);
        start();
    }

    /** Queues the marker for {@code partition} to its leader {@code broker}. Any thread. */
    CompletableFuture<Void> send(int broker, TopicPartition partition, long producerId, short producerEpoch,
                                 boolean commit, int coordinatorEpoch) {
        WritableTxnMarker marker = new WritableTxnMarker().setProducerId(producerId).setProducerEpoch(producerEpoch)
                .setTransactionResult(commit).setCoordinatorEpoch(coordinatorEpoch)
                .setTopics(List.of(new WritableTxnMarkerTopic().setName(partition.topic())
                        .setPartitionIndexes(List.of(partition.partition()))));
        Marker m = new Marker(broker, partition, marker, new CompletableFuture<>());
        if (!enqueue(m)) {
            fail(m, Failure.CLOSED);
        }
        return m.done();
    }

    @Override
    protected int destination(Marker m) {
        return m.broker();
    }

    @Override
    protected void send(int broker, List<Marker> markers, long now) {
        for (Marker m : markers) {
            io.send(broker, ApiKeys.WRITE_TXN_MARKERS, new WriteTxnMarkersRequestData().setMarkers(List.of(m.marker())),
                    true, new ResponseHandler() {
                        @Override
                        public void onResponse(ApiMessage body) {
                            Errors error = partitionError((WriteTxnMarkersResponseData) body, m.partition());
                            if (error == Errors.NONE) {
                                m.done().complete(null);
                            } else {
                                m.done().completeExceptionally(error.exception("Broker " + broker + " answered "
                                        + error + " for the marker of " + m.partition()));
                            }
                        }

                        @Override
                        public void onFailure(RuntimeException error) {
                            m.done().completeExceptionally(error);
                        }
                    }, now);
        }
        markers.clear();
    }

    @Override
    protected void fail(Marker m, Failure why) {
        m.done().completeExceptionally(why == Failure.CLOSED
                ? new CoordinatorNotAvailableException("The broker is shutting down")
                : new NetworkException("Broker " + m.broker() + " not reachable for the marker of " + m.partition()));
    }

    private static Errors partitionError(WriteTxnMarkersResponseData response, TopicPartition tp) {
        for (var marker : response.markers()) {
            for (var topic : marker.topics()) {
                if (topic.name().equals(tp.topic())) {
                    for (var partition : topic.partitions()) {
                        if (partition.partitionIndex() == tp.partition()) {
                            return Errors.forCode(partition.errorCode());
                        }
                    }
                }
            }
        }
        return Errors.UNKNOWN_SERVER_ERROR; // a leader that left the partition out
    }
}
