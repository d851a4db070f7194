package io.samsa.broker.group;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's state: every group by id, with the clock, the timer and the settings the operations
 * share. Committed records enter the state only through {@link #replay}, both when the log is loaded at start
 * and after each committed write, so the persisted part of the state is always what the log holds. Owned by the
 * coordinator thread.
 */
final class GroupStore implements CoordinatorRuntime.StateMachine {
    private static final Logger log = LoggerFactory.getLogger(GroupStore.class);

    final GroupCoordinatorConfig config;
    final CoordinatorTimer timer;
    private final Clock clock;
    private final Map<String, ClassicGroup> groups = new HashMap<>();
    /** Offsets of transactions not committed yet; see {@link PendingTransactionalOffsets}. */
    final PendingTransactionalOffsets pendingTxnOffsets = new PendingTransactionalOffsets();

    GroupStore(GroupCoordinatorConfig config, Clock clock, CoordinatorTimer timer) {
        this.config = config;
        this.clock = clock;
        this.timer = timer;
    }

    long now() {
        return clock.millis();
    }

    ClassicGroup get(String groupId) {
        return groups.get(groupId);
    }

    /** A group that lives only in memory (joins and heartbeats create groups; records do not have to). */
    ClassicGroup create(String groupId) {
        ClassicGroup g = new ClassicGroup(groupId, GroupState.EMPTY, now());
        groups.put(groupId, g);
        return g;
    }

    /** Whether {@code group} is still the live group of its id (timers of a deleted group check this). */
    boolean isLive(ClassicGroup group) {
        return groups.get(group.groupId) == group;
    }

    /** A snapshot of the groups (operations may delete while iterating it). */
    List<ClassicGroup> all() {
        return new ArrayList<>(groups.values());
    }

    Collection<ClassicGroup> view() {
        return groups.values();
    }

    /**
     * Committed records, in log order: an offset (a tombstone removes it) creates its group if needed (a "simple"
     * group, or one whose offsets outlive its metadata); a group record creates the group as the record
     * describes it if it is unknown (loading), else it becomes the group's persisted record.
     */
    void replay(List<GroupMetadataRecord> records) {
        replay(records, null);
    }

    /**
     * Committed records, in log order (see {@link #replay(List)}); those of a producer's transaction wait in
     * {@link #pendingTxnOffsets} for its marker.
     */
    @Override
    public void replay(List<GroupMetadataRecord> records, CoordinatorResult.Transaction transaction) {
        if (transaction != null) {
            for (GroupMetadataRecord r : records) {
                if (r instanceof GroupMetadataRecord.Offset o && o.offset() != null) {
                    pendingTxnOffsets.add(transaction.producerId(), o);
                }
            }
            return;
        }
        for (GroupMetadataRecord r : records) {
            ClassicGroup g = groups.get(r.groupId());
            if (r instanceof GroupMetadataRecord.Offset o) {
                if (g == null && o.offset() == null) {
                    continue;
                }
                if (g == null) {
                    g = create(o.groupId());
                }
                g.applyOffset(o.partition(), o.offset());
            } else if (r instanceof GroupMetadataRecord.Group gr) {
                if (g == null && gr.metadata() != null) {
                    groups.put(gr.groupId(), ClassicGroup.loaded(gr.groupId(), gr.metadata(), now()));
                } else if (g != null) {
                    g.applyPersisted(gr.metadata());
                }
            }
        }
    }

    /** The producer's transaction ended: a COMMIT makes its offsets the committed ones, an ABORT drops them. */
    @Override
    public void replayMarker(long producerId, boolean commit) {
        List<GroupMetadataRecord.Offset> offsets = pendingTxnOffsets.take(producerId);
        if (commit) {
            replay(new ArrayList<>(offsets));
        }
    }

    /**
     * Deletes {@code group}: tombstones for its offsets and its group record; once they are committed the group
     * is Dead, its timers cancelled and it is gone. A failed write leaves it as it was.
     */
    void delete(ClassicGroup group, CoordinatorResult.Builder writes, Runnable onCommit, Consumer<Throwable> onFailure) {
        List<GroupMetadataRecord> tombstones = new ArrayList<>();
        group.offsets().keySet().forEach(tp -> tombstones.add(new GroupMetadataRecord.Offset(group.groupId, tp, null)));
        if (group.persisted() != null) {
            tombstones.add(new GroupMetadataRecord.Group(group.groupId, null));
        }
        Runnable remove = () -> {
            if (!isLive(group)) {
                return;
            }
            timer.cancel(GroupTimers.join(group.groupId));
            timer.cancel(GroupTimers.pendingSync(group.groupId));
            group.takePendingSyncMembers();
            group.transitionTo(GroupState.DEAD, now());
            groups.remove(group.groupId);
            log.info("Group {} deleted", group.groupId);
            onCommit.run();
        };
        if (tombstones.isEmpty()) {
            remove.run(); // nothing was ever written for it
        } else {
            writes.write(tombstones, remove, onFailure);
        }
    }
}
