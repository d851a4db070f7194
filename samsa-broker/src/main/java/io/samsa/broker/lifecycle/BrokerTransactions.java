package io.samsa.broker.lifecycle;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

import org.apache.kafka.common.TopicPartition;

import io.samsa.broker.group.GroupCoordinator;
import io.samsa.broker.handler.CoordinatorVerification;
import io.samsa.broker.purgatory.ProducePurgatory;
import io.samsa.broker.replica.ReplicaManager;
import io.samsa.broker.replica.TransactionVerifier;
import io.samsa.broker.replica.fetcher.BrokerAddresses;
import io.samsa.broker.topic.TopicRegistry;
import io.samsa.broker.txn.MarkerWriter;
import io.samsa.broker.txn.TransactionCoordinator;
import io.samsa.broker.txn.TxnStateMachine;

/**
 * A broker's part in transactions, wired once: its transaction coordinator (over the {@code __transaction_state}
 * partitions it leads, {@link ReplicatedTxnLog}), where the coordinator's markers go, and how a partition leader
 * checks (or, for transaction version 2, adds) a transactional batch's partition with the transactional id's
 * coordinator. A single node does all of it itself; in a cluster markers for partitions other brokers lead go out
 * as WriteTxnMarkers ({@link ClusterMarkerWriter}) and the checks as AddPartitionsToTxn v4+ to the id's coordinator
 * ({@link TxnVerificationSender}), each on a thread of its own that {@link #close} stops.
 */
public final class BrokerTransactions implements Closeable {
    /** What a cluster node adds: where brokers are, who leads a partition, who coordinates an id. */
    public record ClusterLinks(int nodeId, BrokerAddresses addresses, long requestTimeoutMs,
                               ToIntFunction<TopicPartition> leaderOf, ToIntFunction<String> coordinatorOf) {
    }

    public final TransactionCoordinator coordinator;
    /** Markers for partitions this broker leads: its own coordinator's, and WriteTxnMarkers from others'. */
    public final MarkerWriter localMarkers;
    public final TransactionVerifier verifier;
    private final List<Closeable> threads;

    private BrokerTransactions(TransactionCoordinator coordinator, MarkerWriter localMarkers,
                               TransactionVerifier verifier, List<Closeable> threads) {
        this.coordinator = coordinator;
        this.localMarkers = localMarkers;
        this.verifier = verifier;
        this.threads = threads;
    }

    /**
     * Starts the coordinator (it loads partitions once told it leads them) and enables transactional batches in
     * {@code replicas}; {@code cluster} is null on a single node.
     */
    public static BrokerTransactions start(TopicRegistry topics, ReplicaManager replicas, ProducePurgatory purgatory,
                                           GroupCoordinator groups, long writeTimeoutMs,
                                           TxnStateMachine.ProducerIds producerIds,
                                           TransactionCoordinator.Config config, ClusterLinks cluster) {
        List<Closeable> threads = new ArrayList<>();
        LocalMarkerWriter local = new LocalMarkerWriter(topics, replicas, purgatory, writeTimeoutMs,
                groups::completeTransaction);
        MarkerWriter markers = local;
        if (cluster != null) {
            ClusterMarkerWriter remote = new ClusterMarkerWriter(cluster.nodeId(), local, cluster.leaderOf(),
                    cluster.addresses(), cluster.requestTimeoutMs());
            threads.add(remote);
            markers = remote;
        }
        TransactionCoordinator coordinator = new TransactionCoordinator(
                new ReplicatedTxnLog(topics, replicas, purgatory, writeTimeoutMs, System::currentTimeMillis),
                markers, producerIds, System::currentTimeMillis, config);
        TransactionVerifier verifier;
        if (cluster == null) {
            verifier = new CoordinatorVerification(coordinator);
        } else {
            TxnVerificationSender sender = new TxnVerificationSender(cluster.coordinatorOf(),
                    cluster.addresses(), cluster.requestTimeoutMs());
            threads.add(sender);
            verifier = sender;
        }
        replicas.enableTransactions(verifier);
        return new BrokerTransactions(coordinator, local, verifier, threads);
    }

    /** Stops the coordinator, then the marker and verification threads. */
    @Override
    public void close() {
        coordinator.close();
        for (Closeable t : threads) {
            try {
                t.close();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
