package io.samsa.broker.group;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Committed offsets: OffsetCommit, OffsetFetch, OffsetDelete, the offset-retention pass (KIP-211) and the
 * removal of offsets of deleted topics. Every change is a record: the offsets change when it is committed
 * (replayed by {@link GroupStore#replay}), and a failed write answers its error with nothing changed. Runs on
 * the coordinator thread.
 */
final class OffsetOperations {
    private static final Logger log = LoggerFactory.getLogger(OffsetOperations.class);

    private final GroupStore store;
    private final Rebalance rebalance;

    OffsetOperations(GroupStore store, Rebalance rebalance) {
        this.store = store;
        this.rebalance = rebalance;
    }

    CoordinatorResult<Map<TopicPartition, Errors>> commit(String groupId, String memberId, String groupInstanceId,
            int generationId, Map<TopicPartition, CommittedOffset> offsets, boolean groupIdNotFoundIfUnknown) {
        String member = memberId == null ? "" : memberId;
        if (groupId == null || groupId.isEmpty()) {
            return CoordinatorResult.of(all(offsets.keySet(), Errors.INVALID_GROUP_ID));
        }
        ClassicGroup group = store.get(groupId);
        if (group == null) {
            if (generationId >= 0 || !member.isEmpty() || groupInstanceId != null) {
                return CoordinatorResult.of(all(offsets.keySet(),
                        groupIdNotFoundIfUnknown ? Errors.GROUP_ID_NOT_FOUND : Errors.ILLEGAL_GENERATION));
            }
            // A consumer that assigns partitions itself and keeps its offsets here ("simple" group): the group
            // comes into being with its first committed offset (replay creates it).
        } else {
            Errors error = validateOffsetCommit(group, member, groupInstanceId, generationId, false);
            if (error != Errors.NONE) {
                return CoordinatorResult.of(all(offsets.keySet(), error));
            }
            ClassicGroupMember m = group.member(member);
            if (m != null && (group.is(GroupState.STABLE) || group.is(GroupState.PREPARING_REBALANCE))) {
                rebalance.scheduleHeartbeatExpiry(group, m);
            }
        }
        Map<TopicPartition, Errors> result = new LinkedHashMap<>();
        List<GroupMetadataRecord.Offset> records = offsetRecords(groupId, offsets, result);
        if (group == null && records.isEmpty()) {
            store.create(groupId); // every offset refused: the group exists, with nothing to write (as in Kafka)
        }
        CoordinatorResult.Builder writes = new CoordinatorResult.Builder();
        writes.write(records, () -> { }, e -> { });
        return writes.respond(() -> result, e -> all(offsets.keySet(), CoordinatorResult.writeError(e)));
    }

    /**
     * TxnOffsetCommit: offsets of a producer's transaction, written as its transactional batch and pending until the
     * transaction coordinator's marker ({@link #completeTransaction}). Checked as Kafka checks them: an unknown group
     * takes them only without a generation (a producer that does not consume in a group); a member (KIP-447, v3+)
     * must be current, but a rebalance in progress or an old client without member id does not refuse them. A
     * fenced producer epoch fails the write (INVALID_PRODUCER_EPOCH), as does a partition the producer did not add
     * to its transaction with AddOffsetsToTxn (INVALID_TXN_STATE).
     */
    CoordinatorResult<Map<TopicPartition, Errors>> commitTransactional(String groupId, long producerId,
            short producerEpoch, String memberId, String groupInstanceId, int generationId,
            Map<TopicPartition, CommittedOffset> offsets) {
        String member = memberId == null ? "" : memberId;
        if (groupId == null || groupId.isEmpty()) {
            return CoordinatorResult.of(all(offsets.keySet(), Errors.INVALID_GROUP_ID));
        }
        ClassicGroup group = store.get(groupId);
        if (group == null && generationId >= 0) {
            return CoordinatorResult.of(all(offsets.keySet(), Errors.ILLEGAL_GENERATION));
        }
        if (group != null) {
            Errors error = validateOffsetCommit(group, member, groupInstanceId, generationId, true);
            if (error != Errors.NONE) {
                return CoordinatorResult.of(all(offsets.keySet(), error));
            }
        }
        Map<TopicPartition, Errors> result = new LinkedHashMap<>();
        List<GroupMetadataRecord.Offset> records = offsetRecords(groupId, offsets, result);
        CoordinatorResult.Builder writes = new CoordinatorResult.Builder()
                .inTransaction(new CoordinatorResult.Transaction(producerId, producerEpoch));
        writes.write(records, () -> { }, e -> { });
        return writes.respond(() -> result, e -> all(offsets.keySet(), CoordinatorResult.writeError(e)));
    }

    /**
     * The transaction coordinator ends a producer's transaction on this partition: its marker is written here, in
     * order with the coordinator's other writes, and once committed the producer's pending offsets become committed
     * (COMMIT) or are dropped (ABORT). A failed write fails the future, and the transaction coordinator retries.
     */
    CoordinatorResult<Void> completeTransaction(CoordinatorResult.Marker marker) {
        CoordinatorResult.Builder writes = new CoordinatorResult.Builder();
        writes.writeMarker(marker, () -> { }, e -> { });
        return writes.respond(() -> null, e -> {
            throw new java.util.concurrent.CompletionException(e);
        });
    }

    /** The records of the offsets to commit; {@code result} gets each one's answer (too long metadata refused). */
    private List<GroupMetadataRecord.Offset> offsetRecords(String groupId, Map<TopicPartition, CommittedOffset> offsets,
                                                           Map<TopicPartition, Errors> result) {
        List<GroupMetadataRecord.Offset> records = new ArrayList<>();
        for (Map.Entry<TopicPartition, CommittedOffset> e : offsets.entrySet()) {
            String md = e.getValue().metadata();
            if (md != null && md.length() > store.config.offsetMetadataMaxBytes()) {
                result.put(e.getKey(), Errors.OFFSET_METADATA_TOO_LARGE);
            } else {
                result.put(e.getKey(), Errors.NONE);
                records.add(new GroupMetadataRecord.Offset(groupId, e.getKey(), e.getValue()));
            }
        }
        return records;
    }

    private static Errors validateOffsetCommit(ClassicGroup group, String memberId, String groupInstanceId,
                                               int generationId, boolean transactional) {
        if (group.is(GroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        if (generationId < 0 && group.is(GroupState.EMPTY)) {
            return Errors.NONE; // admin tools and consumers without group management
        }
        if (generationId >= 0 || !memberId.isEmpty() || groupInstanceId != null) {
            Errors e = group.validateMember(memberId, groupInstanceId);
            if (e != Errors.NONE) {
                return e;
            }
            if (generationId != group.generationId()) {
                return Errors.ILLEGAL_GENERATION;
            }
        } else if (!transactional && !group.is(GroupState.EMPTY)) {
            // Only members may commit to a group with members; transactional commits of clients older than
            // KIP-447 carry no member.
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (!transactional && group.is(GroupState.COMPLETING_REBALANCE)) {
            // A valid member that has not synced yet: let it finish the rebalance first.
            return Errors.REBALANCE_IN_PROGRESS;
        }
        return Errors.NONE;
    }

    static Map<TopicPartition, Errors> all(Collection<TopicPartition> partitions, Errors error) {
        Map<TopicPartition, Errors> out = new LinkedHashMap<>();
        partitions.forEach(tp -> out.put(tp, error));
        return out;
    }

    /**
     * Committed offsets of the group (of {@code partitions}, or all when null); with {@code requireStable} (a
     * read_committed consumer, OffsetFetch v7+) the partitions an open transaction holds an offset of are named
     * unstable, and the consumer asks again later (UNSTABLE_OFFSET_COMMIT).
     */
    CoordinatorResult<GroupCoordinator.FetchedOffsets> fetch(String groupId, Collection<TopicPartition> partitions,
                                                             boolean requireStable) {
        Map<TopicPartition, CommittedOffset> committed = fetch(groupId, partitions).committed();
        java.util.Set<TopicPartition> unstable = new java.util.HashSet<>();
        if (requireStable) {
            Collection<TopicPartition> asked = partitions == null ? committed.keySet() : partitions;
            for (TopicPartition tp : asked) {
                if (store.pendingTxnOffsets.isPending(groupId, tp)) {
                    unstable.add(tp);
                }
            }
        }
        return CoordinatorResult.of(new GroupCoordinator.FetchedOffsets(committed, unstable));
    }

    /** Committed offsets of the group: of {@code partitions}, or all when null. Missing ones are absent. */
    CoordinatorResult<Map<TopicPartition, CommittedOffset>> fetch(String groupId, Collection<TopicPartition> partitions) {
        ClassicGroup group = store.get(groupId);
        Map<TopicPartition, CommittedOffset> out = new LinkedHashMap<>();
        if (group != null) {
            if (partitions == null) {
                out.putAll(group.offsets());
            } else {
                for (TopicPartition tp : partitions) {
                    CommittedOffset o = group.offset(tp);
                    if (o != null) {
                        out.put(tp, o);
                    }
                }
            }
        }
        return CoordinatorResult.of(out);
    }

    CoordinatorResult<GroupCoordinator.OffsetDeleteResult> delete(String groupId, Collection<TopicPartition> partitions) {
        ClassicGroup group = store.get(groupId);
        if (group == null || group.is(GroupState.DEAD)) {
            return CoordinatorResult.of(new GroupCoordinator.OffsetDeleteResult(Errors.GROUP_ID_NOT_FOUND, Map.of()));
        }
        if (!group.is(GroupState.EMPTY) && !group.usesConsumerProtocol()) {
            return CoordinatorResult.of(new GroupCoordinator.OffsetDeleteResult(Errors.NON_EMPTY_GROUP, Map.of()));
        }
        Map<TopicPartition, Errors> result = new LinkedHashMap<>();
        List<GroupMetadataRecord.Offset> tombstones = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            if (!group.is(GroupState.EMPTY) && group.isSubscribedToTopic(tp.topic())) {
                result.put(tp, Errors.GROUP_SUBSCRIBED_TO_TOPIC);
            } else {
                result.put(tp, Errors.NONE);
                if (group.offset(tp) != null) {
                    tombstones.add(new GroupMetadataRecord.Offset(groupId, tp, null));
                }
            }
        }
        CoordinatorResult.Builder writes = new CoordinatorResult.Builder();
        writes.write(tombstones, () -> { }, e -> { });
        return writes.respond(() -> new GroupCoordinator.OffsetDeleteResult(Errors.NONE, result),
                e -> new GroupCoordinator.OffsetDeleteResult(CoordinatorResult.writeError(e), Map.of()));
    }

    /**
     * Kafka's rule (KIP-211): offsets of an Empty consumer group expire once {@code offsets.retention.minutes}
     * passed since the group became empty; those of a group without a protocol (simple commits) or of a
     * Stable group's topics it no longer subscribes to, that long after their commit; an explicit expiry
     * time (OffsetCommit v2–4) wins. An Empty group left without offsets is deleted. Answers how many expired.
     */
    CoordinatorResult<Integer> expireOffsets() {
        long now = store.now();
        CoordinatorResult.Builder writes = new CoordinatorResult.Builder();
        AtomicInteger expired = new AtomicInteger();
        for (ClassicGroup group : store.all()) {
            boolean empty = group.is(GroupState.EMPTY);
            boolean simple = group.protocolType() == null || group.protocolType().isEmpty();
            boolean stableConsumer = group.usesConsumerProtocol() && group.is(GroupState.STABLE);
            List<GroupMetadataRecord.Offset> tombstones = new ArrayList<>();
            if (empty || simple || stableConsumer) {
                for (Map.Entry<TopicPartition, CommittedOffset> e : group.offsets().entrySet()) {
                    CommittedOffset o = e.getValue();
                    if (!empty && group.isSubscribedToTopic(e.getKey().topic())
                            || store.pendingTxnOffsets.isPending(group.groupId, e.getKey())) {
                        continue; // in use, or an open transaction is about to replace it
                    }
                    long base = empty && !simple ? group.stateTimestampMs() : o.commitTimestampMs();
                    boolean isExpired = o.expireTimestampMs() >= 0 ? now >= o.expireTimestampMs()
                            : now - base >= store.config.offsetsRetentionMs();
                    if (isExpired) {
                        tombstones.add(new GroupMetadataRecord.Offset(group.groupId, e.getKey(), null));
                    }
                }
            }
            removeOffsets(group, tombstones, "Expired", writes, expired);
        }
        return countOnCommit(writes, expired);
    }

    /** Runs {@link #expireOffsets} every {@code offsets.retention.check.interval.ms}, from now on. */
    void scheduleRetentionPass() {
        store.timer.schedule(GroupTimers.OFFSET_RETENTION, store.config.offsetsRetentionCheckIntervalMs(), () -> {
            scheduleRetentionPass();
            return expireOffsets().withoutResponse();
        });
    }

    /** Removes the offsets of topics that match {@code deleted} from every group; answers how many. */
    CoordinatorResult<Integer> removeOffsetsOfTopics(Predicate<String> deleted) {
        CoordinatorResult.Builder writes = new CoordinatorResult.Builder();
        AtomicInteger removed = new AtomicInteger();
        for (ClassicGroup group : store.all()) {
            List<GroupMetadataRecord.Offset> tombstones = new ArrayList<>();
            for (TopicPartition tp : group.offsets().keySet()) {
                if (deleted.test(tp.topic())) {
                    tombstones.add(new GroupMetadataRecord.Offset(group.groupId, tp, null));
                }
            }
            if (!tombstones.isEmpty()) {
                removeOffsets(group, tombstones, "Removed deleted topics'", writes, removed);
            }
        }
        return countOnCommit(writes, removed);
    }

    /**
     * Tombstones {@code tombstones}; an Empty group left without offsets (and without members on their way in)
     * is deleted along with them. {@code count} (a counter of the whole pass) grows once they are committed.
     */
    private void removeOffsets(ClassicGroup group, List<GroupMetadataRecord.Offset> tombstones, String what,
                               CoordinatorResult.Builder writes, AtomicInteger count) {
        int n = tombstones.size();
        Runnable counted = () -> {
            count.addAndGet(n);
            if (n > 0) {
                log.info("{} {} offsets of group {}", what, n, group.groupId);
            }
        };
        boolean leftWithout = n == group.offsets().size();
        if (group.is(GroupState.EMPTY) && leftWithout && !group.hasPendingMembers()) {
            store.delete(group, writes, counted, e -> { });
        } else if (n > 0) {
            writes.write(tombstones, counted, e -> { });
        }
    }

    private static CoordinatorResult<Integer> countOnCommit(CoordinatorResult.Builder writes, AtomicInteger count) {
        return writes.respond(count::get, e -> {
            throw new IllegalStateException("Could not write the offset tombstones", e);
        });
    }
}
