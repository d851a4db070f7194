package io.samsa.broker.group;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's shards: one per {@code __consumer_offsets} partition this broker leads (a single node leads
 * every partition). When it
 * becomes leader (at a leader epoch) the partition's shard is created and loaded from the local replica of the log
 * on the coordinator thread — meanwhile its groups answer COORDINATOR_LOAD_IN_PROGRESS —; when it stops leading,
 * or leads again at a newer epoch, the shard is unloaded (a newer epoch loads afresh). Groups of a partition
 * without a shard here answer NOT_COORDINATOR, and the clients look their coordinator up again.
 *
 * <p>Threads: {@link #becomeLeader} and {@link #resign} come from the metadata apply thread (serialised by this
 * object's lock); {@link #shardFor} from request handler threads (a concurrent map of immutable entries plus a
 * volatile "loaded" flag); every shard runs on the one shared coordinator thread.
 */
final class ReplicatedShards implements ShardRouter {
    private static final Logger log = LoggerFactory.getLogger(ReplicatedShards.class);

    private final int numPartitions;
    private final ScheduledThreadPoolExecutor thread;
    private final ShardFactory factory;
    private final Map<Integer, Entry> shards = new ConcurrentHashMap<>();
    private boolean closed; // guarded by this

    /** Creates the (not yet loaded) shard of a partition at a leader epoch, on the given shared thread. */
    @FunctionalInterface
    interface ShardFactory {
        CoordinatorShard create(int partition, int leaderEpoch, ScheduledThreadPoolExecutor thread);
    }

    private static final class Entry {
        final int leaderEpoch;
        final CoordinatorShard shard;
        volatile boolean loaded;
        volatile CompletableFuture<Void> loading = CompletableFuture.completedFuture(null);

        Entry(int leaderEpoch, CoordinatorShard shard) {
            this.leaderEpoch = leaderEpoch;
            this.shard = shard;
        }
    }

    ReplicatedShards(int numPartitions, ScheduledThreadPoolExecutor thread, ShardFactory factory) {
        this.numPartitions = numPartitions;
        this.thread = thread;
        this.factory = factory;
    }

    /** Production: shards over the broker's replicas of the partitions. */
    static ReplicatedShards over(OffsetsTopic topic, OffsetsPartitions partitions, GroupCoordinatorConfig config,
                                 Clock clock) {
        return new ReplicatedShards(topic.numPartitions(), CoordinatorRuntime.newThread(),
                factory(partitions, config, clock));
    }

    /** Shards whose log is their partition of {@code partitions}, with timers on the shared thread. */
    static ShardFactory factory(OffsetsPartitions partitions, GroupCoordinatorConfig config, Clock clock) {
        return (p, epoch, t) -> {
            CoordinatorRuntime runtime = CoordinatorRuntime.onSharedThread(t,
                    new ReplicatedCoordinatorLog(partitions, p, epoch, clock));
            return new CoordinatorShard(runtime, new ScheduledCoordinatorTimer(t, runtime::runTimer), config, clock);
        };
    }

    int partitionFor(String groupId) {
        return OffsetsTopic.partitionFor(groupId, numPartitions);
    }

    @Override
    public CoordinatorShard shardFor(String groupId) {
        return shardForPartition(partitionFor(groupId == null ? "" : groupId));
    }

    @Override
    public CoordinatorShard shardForPartition(int p) {
        Entry e = shards.get(p);
        if (e == null) {
            throw new NotCoordinatorException("This broker does not lead " + OffsetsTopic.NAME + "-" + p);
        }
        if (!e.loaded) {
            throw new CoordinatorLoadInProgressException("Loading " + OffsetsTopic.NAME + "-" + p);
        }
        return e.shard;
    }

    @Override
    public List<CoordinatorShard> activeShards() {
        List<CoordinatorShard> out = new ArrayList<>();
        shards.values().forEach(e -> {
            if (e.loaded) {
                out.add(e.shard);
            }
        });
        return out;
    }

    /** This broker leads {@code partition} at {@code leaderEpoch}: loads its shard unless it has it at that epoch. */
    synchronized void becomeLeader(int partition, int leaderEpoch) {
        if (closed) {
            return; // the broker is stopping; metadata may still arrive
        }
        Entry current = shards.get(partition);
        if (current != null && current.leaderEpoch == leaderEpoch) {
            return;
        }
        if (current != null) {
            unload(partition, current);
        }
        Entry e = new Entry(leaderEpoch, factory.create(partition, leaderEpoch, thread));
        shards.put(partition, e);
        log.info("Loading the groups of {}-{} (leader epoch {})", OffsetsTopic.NAME, partition, leaderEpoch);
        e.loading = e.shard.load().handle((v, error) -> {
            if (error == null) {
                e.loaded = true;
                log.info("Coordinating the groups of {}-{} (leader epoch {})", OffsetsTopic.NAME, partition,
                        leaderEpoch);
            } else if (!e.shard.runtime.isStopped()) {
                log.error("Could not load the groups of {}-{}; its groups answer NOT_COORDINATOR", OffsetsTopic.NAME,
                        partition, error);
                synchronized (this) {
                    shards.remove(partition, e);
                }
                e.shard.unload(thread);
            }
            return null;
        });
    }

    /** Completes once the shards there are now have loaded (or failed to). */
    CompletableFuture<Void> loaded() {
        return CompletableFuture.allOf(shards.values().stream().map(e -> e.loading)
                .toArray(CompletableFuture[]::new));
    }

    /** This broker no longer leads {@code partition}: its shard, if any, is unloaded. */
    synchronized void resign(int partition) {
        Entry e = shards.remove(partition);
        if (e != null) {
            unload(partition, e);
        }
    }

    /** The partitions that have a shard here (loaded or loading), for tests and the publisher. */
    List<Integer> partitions() {
        return List.copyOf(shards.keySet());
    }

    private void unload(int partition, Entry e) {
        shards.remove(partition, e);
        e.shard.unload(thread);
        log.info("Unloaded the groups of {}-{} (leader epoch {})", OffsetsTopic.NAME, partition, e.leaderEpoch);
    }

    @Override
    public synchronized void close() throws IOException {
        for (Integer p : List.copyOf(shards.keySet())) {
            resign(p);
        }
        closed = true;
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
