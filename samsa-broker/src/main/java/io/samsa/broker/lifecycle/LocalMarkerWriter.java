package io.samsa.broker.lifecycle;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.broker.purgatory.DelayedProduce;
import io.samsa.broker.purgatory.ProducePurgatory;
import io.samsa.broker.replica.Partition;
import io.samsa.broker.replica.ReplicaManager;
import io.samsa.broker.topic.TopicInfo;
import io.samsa.broker.topic.TopicRegistry;
import io.samsa.broker.txn.MarkerWriter;
import io.samsa.log.AppendResult;

/**
 * The transaction coordinator's markers for partitions this broker leads: appended as leader and committed as an
 * acks=all write is (the produce purgatory waits for the high watermark, at most {@code timeoutMs}). A partition
 * led elsewhere fails with NotLeaderOrFollowerException, retried by the coordinator (WriteTxnMarkers to other
 * brokers is not built yet, so transactions are served on a single node only); a deleted topic fails with
 * UnknownTopicOrPartitionException, which the coordinator skips. {@code onWritten} hears of each committed marker
 * (the group coordinator settles transactional offsets of {@code __consumer_offsets} with it). Thread-safe.
 */
public final class LocalMarkerWriter implements MarkerWriter {
    /** Told of a committed marker: the partition, the producer, and whether it committed. */
    public interface Listener {
        void onMarker(TopicPartition partition, long producerId, boolean commit);
    }

    private final TopicRegistry topics;
    private final ReplicaManager replicas;
    private final ProducePurgatory purgatory;
    private final long timeoutMs;
    private final Listener listener;

    public LocalMarkerWriter(TopicRegistry topics, ReplicaManager replicas, ProducePurgatory purgatory, long timeoutMs,
                             Listener listener) {
        this.topics = topics;
        this.replicas = replicas;
        this.purgatory = purgatory;
        this.timeoutMs = timeoutMs;
        this.listener = listener;
    }

    @Override
    public CompletionStage<Void> write(TopicPartition tp, long producerId, short producerEpoch, boolean commit,
                                       int coordinatorEpoch) {
        Partition partition;
        TopicInfo topic;
        AppendResult appended;
        try {
            topic = topics.get(tp.topic()).orElseThrow(() -> new UnknownTopicOrPartitionException(
                    "Topic " + tp.topic() + " no longer exists"));
            partition = replicas.partition(topic, tp.partition()); // opened if nothing was written to it yet
            appended = replicas.appendControlMarker(partition, producerId, producerEpoch, commit, coordinatorEpoch);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        DelayedProduce.PartitionAck ack = new DelayedProduce.PartitionAck(partition, appended.lastOffset() + 1,
                topics.minInsyncReplicas(topic));
        return purgatory.await(new DelayedProduce(List.of(ack)), timeoutMs).thenApply(outcomes -> {
            Errors e = outcomes.get(0);
            if (e != Errors.NONE) {
                throw e.exception("Marker for producer " + producerId + " on " + tp + " not committed");
            }
            listener.onMarker(tp, producerId, commit);
            return null;
        });
    }

    /** A listener that does nothing (no transactional offsets yet). */
    public static Listener ignoring() {
        return (tp, producerId, commit) -> { };
    }
}
