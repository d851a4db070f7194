package io.samsa.broker.lifecycle;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.protocol.Errors;

import io.samsa.broker.group.OffsetsTopic;
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
 * UnknownTopicOrPartitionException, which the coordinator skips. A marker for a {@code __consumer_offsets} partition
 * goes through the group coordinator ({@link GroupMarkers}), which writes it in order with its own writes and then
 * commits or drops the producer's transactional offsets there. Thread-safe.
 */
public final class LocalMarkerWriter implements MarkerWriter {
    /** Writes a marker to a {@code __consumer_offsets} partition through the group coordinator. */
    public interface GroupMarkers {
        CompletionStage<Void> write(int partition, long producerId, short producerEpoch, boolean commit,
                                    int coordinatorEpoch);
    }

    private final TopicRegistry topics;
    private final ReplicaManager replicas;
    private final ProducePurgatory purgatory;
    private final long timeoutMs;
    private final GroupMarkers groupMarkers;

    public LocalMarkerWriter(TopicRegistry topics, ReplicaManager replicas, ProducePurgatory purgatory, long timeoutMs,
                             GroupMarkers groupMarkers) {
        this.topics = topics;
        this.replicas = replicas;
        this.purgatory = purgatory;
        this.timeoutMs = timeoutMs;
        this.groupMarkers = groupMarkers;
    }

    @Override
    public CompletionStage<Void> write(TopicPartition tp, long producerId, short producerEpoch, boolean commit,
                                       int coordinatorEpoch) {
        if (tp.topic().equals(OffsetsTopic.NAME)) {
            return groupMarkers.write(tp.partition(), producerId, producerEpoch, commit, coordinatorEpoch);
        }
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
            return null;
        });
    }
}
