package io.samsa.broker.replica.fetcher;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import io.samsa.broker.replica.Partition;
import io.samsa.broker.replica.PartitionKey;
import io.samsa.broker.replica.ReplicationSettings;

/**
 * The follower partitions of this broker, each assigned to the fetcher thread of its leader (Kafka's
 * {@code ReplicaFetcherManager}, one thread per source broker). A thread starts with its first partition and stops
 * when its last one leaves. Thread-safe (one monitor); a removal returns only once no fetch response is being
 * applied to the removed partitions.
 */
public final class ReplicaFetcherManager implements AutoCloseable {
    private final int localNodeId;
    private final ReplicationSettings settings;
    private final BrokerAddresses addresses;
    private final Function<PartitionKey, Optional<Partition>> partitions;
    private final Map<Integer, ReplicaFetcherThread> threads = new HashMap<>();
    private final Map<PartitionKey, Integer> leaderOf = new HashMap<>();
    private boolean closed;

    /**
     * @param partitions this broker's hosted partition for a key (the fetcher appends through it, which checks that
     *                   it still follows at the fetched epoch)
     */
    public ReplicaFetcherManager(int localNodeId, ReplicationSettings settings, BrokerAddresses addresses,
                                 Function<PartitionKey, Optional<Partition>> partitions) {
        this.localNodeId = localNodeId;
        this.settings = settings;
        this.addresses = addresses;
        this.partitions = partitions;
    }

    /**
     * Fetches each partition from its target's leader at its epoch; a partition already fetched from that leader at
     * that epoch keeps going as it is, one fetched elsewhere or at another epoch moves.
     */
    public synchronized void addPartitions(Map<PartitionKey, FetchTarget> targets) {
        if (closed) {
            return;
        }
        for (Map.Entry<PartitionKey, FetchTarget> e : targets.entrySet()) {
            PartitionKey key = e.getKey();
            FetchTarget target = e.getValue();
            Integer old = leaderOf.get(key);
            if (old != null && old != target.leaderId()) {
                removeFrom(old, key);
            }
            ReplicaFetcherThread t = threads.computeIfAbsent(target.leaderId(), leader -> {
                ReplicaFetcherThread created = new ReplicaFetcherThread(leader, localNodeId, settings, addresses,
                        partitions);
                created.start();
                return created;
            });
            t.addPartition(key, target);
            leaderOf.put(key, target.leaderId());
        }
    }

    /** Stops fetching the partitions; returns once none of them is being appended to or truncated. */
    public synchronized void removePartitions(Collection<PartitionKey> keys) {
        for (PartitionKey key : keys) {
            Integer leader = leaderOf.remove(key);
            if (leader != null) {
                removeFrom(leader, key);
            }
        }
    }

    private void removeFrom(int leader, PartitionKey key) {
        ReplicaFetcherThread t = threads.get(leader);
        if (t == null) {
            return;
        }
        t.removePartition(key);
        if (t.partitionCount() == 0) {
            threads.remove(leader);
            t.shutdown();
        }
    }

    /** The partitions fetched now, by leader. */
    public synchronized Map<PartitionKey, Integer> leaders() {
        return Map.copyOf(leaderOf);
    }

    /**
     * The largest lag, in messages, of any partition on each fetcher thread (leader's high watermark minus our log
     * end, as of the last response): Kafka's per-fetcher MaxLag.
     */
    public synchronized Map<Integer, Long> maxLagByLeader() {
        Map<Integer, Long> lags = new HashMap<>();
        threads.forEach((leader, t) -> lags.put(leader, t.maxLag()));
        return lags;
    }

    /** Stops every fetcher thread and waits for it. */
    @Override
    public synchronized void close() {
        closed = true;
        for (ReplicaFetcherThread t : threads.values()) {
            t.shutdown();
        }
        threads.clear();
        leaderOf.clear();
    }
}
