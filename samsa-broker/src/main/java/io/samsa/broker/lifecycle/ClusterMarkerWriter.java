package io.samsa.broker.lifecycle;

import java.io.Closeable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.ToIntFunction;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import io.samsa.broker.replica.fetcher.BrokerAddresses;
import io.samsa.broker.txn.MarkerWriter;

/**
 * The transaction coordinator's markers in a cluster: a partition this broker leads gets its marker appended here
 * ({@link LocalMarkerWriter}), any other is sent to its leader as WriteTxnMarkers ({@link RemoteMarkerSender}). The
 * leader is looked up per marker in the current metadata, so a retry after a leadership change goes to the new
 * leader. No leader (yet) → NotLeaderOrFollowerException, retried by the coordinator; a deleted topic →
 * UnknownTopicOrPartitionException, which it skips. Thread-safe.
 */
public final class ClusterMarkerWriter implements MarkerWriter, Closeable {
    /** The leader of a partition in the current metadata: -1 when it has none, -2 when the topic is unknown. */
    public static final int NO_LEADER = -1;
    public static final int UNKNOWN_TOPIC = -2;

    private final int localNodeId;
    private final MarkerWriter local;
    private final ToIntFunction<TopicPartition> leaderOf;
    private final RemoteMarkerSender remote;

    public ClusterMarkerWriter(int localNodeId, MarkerWriter local, ToIntFunction<TopicPartition> leaderOf,
                               BrokerAddresses addresses, long requestTimeoutMs) {
        this.localNodeId = localNodeId;
        this.local = local;
        this.leaderOf = leaderOf;
        this.remote = new RemoteMarkerSender(addresses, requestTimeoutMs);
    }

    @Override
    public CompletionStage<Void> write(TopicPartition tp, long producerId, short producerEpoch, boolean commit,
                                       int coordinatorEpoch) {
        int leader = leaderOf.applyAsInt(tp);
        if (leader == UNKNOWN_TOPIC) {
            return CompletableFuture.failedFuture(new UnknownTopicOrPartitionException(tp + " no longer exists"));
        }
        if (leader < 0) {
            return CompletableFuture.failedFuture(new NotLeaderOrFollowerException(tp + " has no leader"));
        }
        if (leader == localNodeId) {
            return local.write(tp, producerId, producerEpoch, commit, coordinatorEpoch);
        }
        return remote.send(leader, tp, producerId, producerEpoch, commit, coordinatorEpoch);
    }

    @Override
    public void close() {
        remote.close();
    }
}
