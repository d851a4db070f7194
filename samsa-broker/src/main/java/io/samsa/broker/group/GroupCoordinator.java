package io.samsa.broker.group;

import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.Predicate;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;

/**
 * The group coordinator's API, as the group handlers call it: a thin facade that finds the group's
 * {@link CoordinatorShard} ({@link ShardRouter}) and submits each call to the shard's {@link CoordinatorRuntime}
 * as an operation of the state machine ({@link JoinOperations}, {@link MembershipOperations},
 * {@link OffsetOperations}, {@link AdminOperations}), handing back a future. There is one shard per
 * {@code __consumer_offsets} partition this broker leads ({@link #replicated}; a single node leads them all), and a
 * group of any other partition fails its future with NOT_COORDINATOR (COORDINATOR_LOAD_IN_PROGRESS while its
 * shard loads), which the handlers answer. Tests also run one shard over a log of their own ({@link #start}).
 * Thread-safe: called on request handler threads; everything behind it runs on the coordinator thread. A
 * future completes once the operation's records (if any) are committed; JoinGroup and SyncGroup futures stay
 * pending until the rebalance (or the leader's assignment) completes.
 */
public final class GroupCoordinator implements Closeable {
    private final ShardRouter shards;
    private final ReplicatedShards replicated; // null on a single node

    private GroupCoordinator(ShardRouter shards, ReplicatedShards replicated) {
        this.shards = shards;
        this.replicated = replicated;
    }

    /**
     * Groups live in the {@code __consumer_offsets} partitions (on a single node as in a cluster); no shard until
     * the broker is told it leads one ({@link #onLeader}).
     */
    public static GroupCoordinator replicated(GroupCoordinatorConfig config, OffsetsTopic topic,
                                              OffsetsPartitions partitions, Clock clock) {
        ReplicatedShards shards = ReplicatedShards.over(topic, partitions, config, clock);
        return new GroupCoordinator(shards, shards);
    }

    /** Tests: a clustered coordinator over shards made by {@code shards}. */
    static GroupCoordinator replicated(ReplicatedShards shards) {
        return new GroupCoordinator(shards, shards);
    }

    /**
     * Tests: one shard over the runtime's log holding every group; loads it and starts the offset-retention pass
     * (tests pass a mock timer).
     */
    static GroupCoordinator start(CoordinatorRuntime runtime, CoordinatorTimer timer, GroupCoordinatorConfig config,
                                  Clock clock) throws IOException {
        CoordinatorShard shard = new CoordinatorShard(runtime, timer, config, clock);
        GroupCoordinator c = new GroupCoordinator(ShardRouter.single(shard), null);
        try {
            shard.load().get();
        } catch (Exception e) {
            c.close();
            throw new IOException("Could not load the group metadata log", e);
        }
        return c;
    }

    // ---------------------------------------------------------------- shards

    /**
     * This broker leads {@code __consumer_offsets} partition {@code partition} at {@code leaderEpoch}: its groups
     * are loaded (from the local replica) and served from here on. Ignored by a test's single shard. Metadata
     * thread.
     */
    public void onLeader(int partition, int leaderEpoch) {
        if (replicated != null) {
            replicated.becomeLeader(partition, leaderEpoch);
        }
    }

    /** This broker no longer leads the partition: its groups are unloaded and answer NOT_COORDINATOR. */
    public void onNotLeader(int partition) {
        if (replicated != null) {
            replicated.resign(partition);
        }
    }

    /** The {@code __consumer_offsets} partition of the group (AddOffsetsToTxn adds it to the transaction). */
    public int partitionFor(String groupId) {
        return replicated == null ? 0 : replicated.partitionFor(groupId);
    }

    /** The partitions whose groups this broker has (loaded or loading); empty for a test's single shard. */
    public List<Integer> coordinatedPartitions() {
        return replicated == null ? List.of() : replicated.partitions();
    }

    /**
     * Completes once every shard this broker has now is loaded (or failed to load): a single node waits for it at
     * start, so its groups answer from the first request on, as they did when they had a log of their own.
     */
    public CompletableFuture<Void> loaded() {
        return replicated == null ? CompletableFuture.completedFuture(null) : replicated.loaded();
    }

    /** Runs {@code operation} on the group's shard, or fails with the routing error (NOT_COORDINATOR, ...). */
    private <T> CompletableFuture<T> onShard(String groupId, Function<CoordinatorShard, CompletableFuture<T>> operation) {
        CoordinatorShard shard;
        try {
            shard = shards.shardFor(groupId);
        } catch (ApiException e) {
            return CompletableFuture.failedFuture(e);
        }
        return operation.apply(shard);
    }

    /** Runs {@code operation} on every loaded shard; combines their answers. */
    private <T> CompletableFuture<T> onEveryShard(Function<CoordinatorShard, CompletableFuture<T>> operation,
                                                  T empty, BinaryOperator<T> combine) {
        CompletableFuture<T> all = CompletableFuture.completedFuture(empty);
        for (CoordinatorShard shard : shards.activeShards()) {
            CompletableFuture<T> one = operation.apply(shard);
            if (replicated != null) {
                // A shard unloaded meanwhile has nothing to add: its groups are another broker's now.
                one = one.exceptionally(e -> {
                    if (CoordinatorResult.writeError(e) == Errors.NOT_COORDINATOR) {
                        return empty;
                    }
                    throw e instanceof java.util.concurrent.CompletionException c ? c
                            : new java.util.concurrent.CompletionException(e);
                });
            }
            all = all.thenCombine(one, combine);
        }
        return all;
    }

    // ---------------------------------------------------------------- membership

    public CompletableFuture<JoinResult> joinGroup(JoinRequest request) {
        return onShard(request.groupId(), s -> s.runtime.submit(() -> s.joins.join(request))).thenCompose(f -> f);
    }

    public CompletableFuture<SyncResult> syncGroup(SyncRequest request) {
        return onShard(request.groupId(), s -> s.runtime.submit(() -> s.membership.sync(request))).thenCompose(f -> f);
    }

    public CompletableFuture<Errors> heartbeat(String groupId, String memberId, String groupInstanceId,
                                               int generationId) {
        return onShard(groupId, s -> s.runtime.submit(
                () -> s.membership.heartbeat(groupId, memberId, groupInstanceId, generationId)));
    }

    /** Removes the members named (by member id, or by group.instance.id with an empty member id). */
    public CompletableFuture<LeaveResult> leaveGroup(String groupId, List<MemberIdentity> leaving) {
        return onShard(groupId, s -> s.runtime.submit(() -> s.membership.leave(groupId, leaving)));
    }

    /** A LeaveGroup's answer: a group-level error, and one per member. */
    public record LeaveResult(Errors error, List<MemberIdentity> members) {
    }

    // ---------------------------------------------------------------- offsets

    /**
     * Commits offsets (the caller has already dropped partitions of unknown topics). Group-level failures
     * (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS, ...) are reported for every partition.
     *
     * @param groupIdNotFoundIfUnknown OffsetCommit v9+: a member commit to an unknown group is GROUP_ID_NOT_FOUND
     */
    public CompletableFuture<Map<TopicPartition, Errors>> commitOffsets(String groupId, String memberId,
            String groupInstanceId, int generationId, Map<TopicPartition, CommittedOffset> toCommit,
            boolean groupIdNotFoundIfUnknown) {
        return onShard(groupId, s -> s.runtime.submit(() -> s.offsets.commit(groupId, memberId, groupInstanceId,
                generationId, toCommit, groupIdNotFoundIfUnknown)));
    }

    /**
     * TxnOffsetCommit: commits offsets inside the producer's transaction; they count once the transaction commits
     * ({@link #completeTransaction}). Group-level failures are reported for every partition.
     */
    public CompletableFuture<Map<TopicPartition, Errors>> commitTransactionalOffsets(String groupId, long producerId,
            short producerEpoch, String memberId, String groupInstanceId, int generationId,
            Map<TopicPartition, CommittedOffset> toCommit) {
        return onShard(groupId, s -> s.runtime.submit(() -> s.offsets.commitTransactional(groupId, producerId,
                producerEpoch, memberId, groupInstanceId, generationId, toCommit)));
    }

    /**
     * Writes the transaction coordinator's marker to {@code __consumer_offsets} partition {@code partition} (this
     * broker leads it) through that partition's shard, in order with its other writes; once committed, the
     * producer's transactional offsets there are committed or dropped. Fails with NOT_COORDINATOR,
     * COORDINATOR_LOAD_IN_PROGRESS or a write error, and the transaction coordinator retries.
     */
    public CompletableFuture<Void> completeTransaction(int partition, long producerId, short producerEpoch,
                                                       boolean commit, int coordinatorEpoch) {
        CoordinatorShard shard;
        try {
            shard = shards.shardForPartition(partition);
        } catch (ApiException e) {
            return CompletableFuture.failedFuture(e);
        }
        CoordinatorResult.Marker marker = new CoordinatorResult.Marker(producerId, producerEpoch, commit,
                coordinatorEpoch);
        return shard.runtime.submit(() -> shard.offsets.completeTransaction(marker));
    }

    /** An OffsetFetch's answer: the committed offsets, and the partitions an open transaction is about to change. */
    public record FetchedOffsets(Map<TopicPartition, CommittedOffset> committed, Set<TopicPartition> unstable) {
    }

    /**
     * Committed offsets of the group (of {@code partitions}, or all when null; missing ones are absent); with
     * {@code requireStable}, also the partitions with transactional offsets not committed yet.
     */
    public CompletableFuture<FetchedOffsets> fetchOffsets(String groupId, Collection<TopicPartition> partitions,
                                                          boolean requireStable) {
        return onShard(groupId, s -> s.runtime.submit(() -> s.offsets.fetch(groupId, partitions, requireStable)));
    }

    /** Committed offsets of the group: of {@code partitions}, or all when null. Missing ones are absent. */
    public CompletableFuture<Map<TopicPartition, CommittedOffset>> fetchOffsets(String groupId,
            Collection<TopicPartition> partitions) {
        return onShard(groupId, s -> s.runtime.submit(() -> s.offsets.fetch(groupId, partitions)));
    }

    /** OffsetDelete: a group-level error, or per-partition errors. */
    public record OffsetDeleteResult(Errors error, Map<TopicPartition, Errors> partitions) {
    }

    public CompletableFuture<OffsetDeleteResult> deleteOffsets(String groupId, Collection<TopicPartition> partitions) {
        return onShard(groupId, s -> s.runtime.submit(() -> s.offsets.delete(groupId, partitions)));
    }

    // ---------------------------------------------------------------- administration

    public CompletableFuture<List<GroupOverview>> listGroups() {
        return onEveryShard(s -> s.runtime.submit(s.admin::list), List.of(), (a, b) -> {
            List<GroupOverview> both = new ArrayList<>(a);
            both.addAll(b);
            return both;
        });
    }

    /** Empty when the group does not exist. */
    public CompletableFuture<Optional<GroupSnapshot>> describeGroup(String groupId) {
        return onShard(groupId, s -> s.runtime.submit(() -> s.admin.describe(groupId)));
    }

    public CompletableFuture<Map<String, Errors>> deleteGroups(Collection<String> groupIds) {
        if (replicated == null) {
            return onShard("", s -> s.runtime.submit(() -> s.admin.delete(groupIds)));
        }
        // Each group on its shard; a group this broker does not coordinate gets its routing error.
        Map<String, CompletableFuture<Map<String, Errors>>> each = new LinkedHashMap<>();
        for (String id : groupIds) {
            each.put(id, onShard(id, s -> s.runtime.submit(() -> s.admin.delete(List.of(id)))));
        }
        return CompletableFuture.allOf(each.values().toArray(CompletableFuture[]::new)).handle((v, ignored) -> {
            Map<String, Errors> out = new LinkedHashMap<>();
            each.forEach((id, f) -> out.put(id, f.handle((m, e) -> e == null ? m.get(id)
                    : CoordinatorResult.writeError(e)).join()));
            return out;
        });
    }

    /**
     * Removes the committed offsets of deleted topics from every group, as Kafka's coordinator does when
     * partitions are deleted: tombstones go through the group log first, so the removal survives a restart, and
     * a group reading a re-created topic of the same name starts from {@code auto.offset.reset}. An Empty group
     * left without offsets is deleted. Completes with the number of offsets removed once they are written.
     */
    public CompletableFuture<Integer> onTopicsDeleted(Collection<String> topics) {
        Set<String> deleted = Set.copyOf(topics);
        return onEveryShard(s -> s.runtime.submit(() -> s.offsets.removeOffsetsOfTopics(deleted::contains)), 0,
                Integer::sum);
    }

    /**
     * At start: removes offsets of topics that do not exist (a deletion cut short between the topic and its
     * offsets; commits are only accepted for existing topics, so no other offsets can name a missing topic).
     */
    public CompletableFuture<Integer> removeOffsetsOfMissingTopics(Predicate<String> topicExists) {
        return onEveryShard(s -> s.runtime.submit(() -> s.offsets.removeOffsetsOfTopics(topicExists.negate())), 0,
                Integer::sum);
    }

    /** Runs one offset-retention pass now (normally every offsets.retention.check.interval.ms). */
    public CompletableFuture<Integer> cleanupExpiredOffsets() {
        return onEveryShard(s -> s.runtime.submit(s.offsets::expireOffsets), 0, Integer::sum);
    }

    /** Stops the coordinator thread and closes the log; later calls fail with COORDINATOR_NOT_AVAILABLE. */
    @Override
    public void close() throws IOException {
        shards.close();
    }
}
