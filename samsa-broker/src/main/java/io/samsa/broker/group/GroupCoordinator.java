package io.samsa.broker.group;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * The group coordinator's API, as the group handlers call it: a thin facade that submits each call to the
 * {@link CoordinatorRuntime} as an operation of the state machine ({@link JoinOperations},
 * {@link MembershipOperations}, {@link OffsetOperations}, {@link AdminOperations}) and hands back a future.
 * Thread-safe: called on request handler threads; everything behind it runs on the coordinator thread. A
 * future completes once the operation's records (if any) are committed; JoinGroup and SyncGroup futures stay
 * pending until the rebalance (or the leader's assignment) completes.
 */
public final class GroupCoordinator implements Closeable {
    private final CoordinatorRuntime runtime;
    private final GroupStore store;
    private final Rebalance rebalance;
    private final JoinOperations joins;
    private final MembershipOperations membership;
    private final OffsetOperations offsets;
    private final AdminOperations admin;

    private GroupCoordinator(CoordinatorRuntime runtime, CoordinatorTimer timer, GroupCoordinatorConfig config,
                             Clock clock) {
        this.runtime = runtime;
        this.store = new GroupStore(config, clock, timer);
        this.rebalance = new Rebalance(store);
        this.joins = new JoinOperations(store, rebalance);
        this.membership = new MembershipOperations(store, rebalance);
        this.offsets = new OffsetOperations(store, rebalance);
        this.admin = new AdminOperations(store);
        runtime.bind(store);
    }

    /** Opens the metadata log under {@code metaDir}, reloads groups and offsets, and starts the timers. */
    public static GroupCoordinator open(Path metaDir, GroupCoordinatorConfig config, Clock clock) throws IOException {
        GroupMetadataLog store = GroupMetadataLog.open(metaDir, clock);
        CoordinatorRuntime runtime = CoordinatorRuntime.onOwnThread(
                new LocalCoordinatorLog(store, config.compactionMinRecords()));
        CoordinatorTimer timer = new ScheduledCoordinatorTimer(runtime.scheduler(), runtime::runTimer);
        return start(runtime, timer, config, clock);
    }

    /** Loads the state from the runtime's log and starts the offset-retention pass (tests pass a mock timer). */
    static GroupCoordinator start(CoordinatorRuntime runtime, CoordinatorTimer timer, GroupCoordinatorConfig config,
                                  Clock clock) throws IOException {
        GroupCoordinator c = new GroupCoordinator(runtime, timer, config, clock);
        try {
            c.runtime.submit(() -> {
                try {
                    GroupLoader.load(runtime.log(), c.store, c.rebalance);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                c.offsets.scheduleRetentionPass();
                return CoordinatorResult.of(null);
            }).get();
        } catch (Exception e) {
            c.close();
            throw new IOException("Could not load the group metadata log", e);
        }
        return c;
    }

    // ---------------------------------------------------------------- membership

    public CompletableFuture<JoinResult> joinGroup(JoinRequest request) {
        return runtime.submit(() -> joins.join(request)).thenCompose(f -> f);
    }

    public CompletableFuture<SyncResult> syncGroup(SyncRequest request) {
        return runtime.submit(() -> membership.sync(request)).thenCompose(f -> f);
    }

    public CompletableFuture<Errors> heartbeat(String groupId, String memberId, String groupInstanceId,
                                               int generationId) {
        return runtime.submit(() -> membership.heartbeat(groupId, memberId, groupInstanceId, generationId));
    }

    /** Removes the members named (by member id, or by group.instance.id with an empty member id). */
    public CompletableFuture<LeaveResult> leaveGroup(String groupId, List<MemberIdentity> leaving) {
        return runtime.submit(() -> membership.leave(groupId, leaving));
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
        return runtime.submit(() -> offsets.commit(groupId, memberId, groupInstanceId, generationId, toCommit,
                groupIdNotFoundIfUnknown));
    }

    /** Committed offsets of the group: of {@code partitions}, or all when null. Missing ones are absent. */
    public CompletableFuture<Map<TopicPartition, CommittedOffset>> fetchOffsets(String groupId,
            Collection<TopicPartition> partitions) {
        return runtime.submit(() -> offsets.fetch(groupId, partitions));
    }

    /** OffsetDelete: a group-level error, or per-partition errors. */
    public record OffsetDeleteResult(Errors error, Map<TopicPartition, Errors> partitions) {
    }

    public CompletableFuture<OffsetDeleteResult> deleteOffsets(String groupId, Collection<TopicPartition> partitions) {
        return runtime.submit(() -> offsets.delete(groupId, partitions));
    }

    // ---------------------------------------------------------------- administration

    public CompletableFuture<List<GroupOverview>> listGroups() {
        return runtime.submit(admin::list);
    }

    /** Empty when the group does not exist. */
    public CompletableFuture<Optional<GroupSnapshot>> describeGroup(String groupId) {
        return runtime.submit(() -> admin.describe(groupId));
    }

    public CompletableFuture<Map<String, Errors>> deleteGroups(Collection<String> groupIds) {
        return runtime.submit(() -> admin.delete(groupIds));
    }

    /**
     * Removes the committed offsets of deleted topics from every group, as Kafka's coordinator does when
     * partitions are deleted: tombstones go through the group log first, so the removal survives a restart, and
     * a group reading a re-created topic of the same name starts from {@code auto.offset.reset}. An Empty group
     * left without offsets is deleted. Completes with the number of offsets removed once they are written.
     */
    public CompletableFuture<Integer> onTopicsDeleted(Collection<String> topics) {
        Set<String> deleted = Set.copyOf(topics);
        return runtime.submit(() -> offsets.removeOffsetsOfTopics(deleted::contains));
    }

    /**
     * At start: removes offsets of topics that do not exist (a deletion cut short between the topic and its
     * offsets; commits are only accepted for existing topics, so no other offsets can name a missing topic).
     */
    public CompletableFuture<Integer> removeOffsetsOfMissingTopics(Predicate<String> topicExists) {
        return runtime.submit(() -> offsets.removeOffsetsOfTopics(topicExists.negate()));
    }

    /** Runs one offset-retention pass now (normally every offsets.retention.check.interval.ms). */
    public CompletableFuture<Integer> cleanupExpiredOffsets() {
        return runtime.submit(offsets::expireOffsets);
    }

    /** Stops the coordinator thread and closes the log; later calls fail with COORDINATOR_NOT_AVAILABLE. */
    @Override
    public void close() throws IOException {
        runtime.close();
    }
}
