package io.samsa.broker.replica;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.samsa.log.AppendOrigin;
import io.samsa.log.AppendResult;
import io.samsa.log.EpochEndOffset;
import io.samsa.log.FetchIsolation;
import io.samsa.log.Log;
import io.samsa.log.ReadResult;

/**
 * One partition as this broker holds it: its log, its role ({@link PartitionRole}), the leader, leader epoch,
 * replicas and in-sync replicas ({@link LeaderAndIsr}), and — as leader — each follower's fetch state
 * ({@link FollowerState}), the high watermark and the ISR changes it asks the controller for.
 *
 * <p>State from the metadata: {@link #makeLeader} / {@link #makeFollower} take effect only for a newer leader epoch,
 * or a newer partition epoch at the same leader epoch (an ISR change). Becoming leader at a new epoch records the
 * epoch's start offset (the log end) in the leader-epoch cache and resets every follower's state (unknown offsets;
 * ISR members get a full lag time to fetch); the high watermark is kept. A follower accepts no produce.
 *
 * <p>High watermark: the smallest log end offset over the <em>maximal</em> ISR — the committed ISR plus a replica
 * being added while that change is in flight (KIP-497), so the high watermark never counts on a replica the
 * controller has not yet agreed to, nor drops one it has not yet removed. Moved only forward. With ISR = {this node}
 * it is the log end after every append. Whoever advances it tells the {@link PartitionListener}.
 *
 * <p>ISR: a follower outside the ISR joins when its log end reaches the high watermark and the start of this leader
 * epoch ({@link FollowerState#canJoinIsr}); an ISR member leaves when it has not been caught up for
 * {@code replica.lag.time.max.ms} ({@link #maybeShrinkIsr}, called periodically). Each change goes to the controller
 * through the {@link AlterPartitionSender}, one at a time; the committed state it returns is applied if newer; a
 * refused change is retried after a pause (or superseded by the metadata).
 *
 * <p>Thread-safe. Locks, always taken in this order: {@code stateLock} (read: appends, leader or follower; write:
 * state changes), then this object's monitor (follower states, high watermark, ISR proposals). Listeners and the
 * sender are called with no lock held.
 */
public final class Partition {
    /** Kafka's "no epoch given": a request without currentLeaderEpoch skips the epoch check. */
    public static final int NO_LEADER_EPOCH = -1;

    private static final Logger LOG = LoggerFactory.getLogger(Partition.class);

    /** What applying a state from the metadata did. */
    public enum StateChange {
        /** Not newer than the state held: nothing changed. */
        IGNORED,
        /** Same leader epoch, newer partition epoch: replicas or ISR changed. */
        UPDATED,
        /** A new leader epoch (or a new role) took effect. */
        NEW_LEADER_EPOCH
    }

    /** An ISR change sent to the controller and not answered yet. */
    private record Proposal(LeaderAndIsr base, List<Integer> newIsr) {
    }

    private final PartitionKey key;
    private final String topic;
    private final int localNodeId;
    private final Log log;
    private final PartitionListener listener;
    private final ReentrantReadWriteLock stateLock = new ReentrantReadWriteLock();
    private volatile IsrContext isr;
    private volatile LeaderAndIsr state;
    /** Guarded by this: the change in flight, or null. */
    private Proposal pending;
    /** Guarded by this: no new ISR change before this time (after a refused one). */
    private long retryAfterMs;
    private volatile long leaderEpochStartOffset;
    private final Map<Integer, FollowerState> followers = new ConcurrentHashMap<>();

    public Partition(PartitionKey key, String topic, int localNodeId, LeaderAndIsr state, Log log,
                     PartitionListener listener) {
        this(key, topic, localNodeId, state, log, listener, IsrContext.singleNode());
    }

    public Partition(PartitionKey key, String topic, int localNodeId, LeaderAndIsr state, Log log,
                     PartitionListener listener, IsrContext isr) {
        this.key = key;
        this.topic = topic;
        this.localNodeId = localNodeId;
        this.state = state;
        this.log = log;
        this.listener = listener;
        this.isr = isr;
        // The partition, not each append, moves the log's high watermark: it knows the ISR.
        log.setHighWatermarkFollowsLogEnd(false);
        if (state.leaderId() == localNodeId) {
            startLeaderEpoch(state);
        }
        advanceHighWatermarkTo(computeHighWatermark());
    }

    public PartitionKey key() {
        return key;
    }

    public String topic() {
        return topic;
    }

    public int index() {
        return key.partition();
    }

    public Log log() {
        return log;
    }

    public LeaderAndIsr leaderAndIsr() {
        return state;
    }

    public PartitionRole role() {
        return state.leaderId() == localNodeId ? PartitionRole.LEADER : PartitionRole.FOLLOWER;
    }

    public int leaderEpoch() {
        return state.leaderEpoch();
    }

    public long logStartOffset() {
        return log.logStartOffset();
    }

    public long logEndOffset() {
        return log.logEndOffset();
    }

    /** Where this node's current leader epoch began (the log end when it became leader). */
    public long leaderEpochStartOffset() {
        return leaderEpochStartOffset;
    }

    /** The ISR the high watermark and acks=all count on: the committed ISR plus a member being added. */
    public List<Integer> maximalIsr() {
        LeaderAndIsr s = state;
        Proposal p;
        synchronized (this) {
            p = pending;
        }
        if (p == null || p.base().partitionEpoch() != s.partitionEpoch()) {
            return s.isr();
        }
        Set<Integer> union = new LinkedHashSet<>(s.isr());
        union.addAll(p.newIsr());
        return List.copyOf(union);
    }

    /** The follower's state as this leader knows it, or null when it is not a follower of this leader epoch. */
    public FollowerState followerState(int followerId) {
        return followers.get(followerId);
    }

    void useIsrContext(IsrContext context) {
        this.isr = context;
    }

    /** Applies a state from the metadata: {@link #makeLeader} if it names this node the leader, else {@link #makeFollower}. */
    public StateChange applyState(LeaderAndIsr next) {
        return next.leaderId() == localNodeId ? makeLeader(next) : makeFollower(next);
    }

    /** This node leads (see the class comment); returns what changed. */
    public StateChange makeLeader(LeaderAndIsr next) {
        if (next.leaderId() != localNodeId) {
            throw new IllegalArgumentException(this + ": " + next + " does not name node " + localNodeId + " leader");
        }
        StateChange change;
        stateLock.writeLock().lock();
        try {
            LeaderAndIsr current = state;
            change = compare(current, next);
            if (change == StateChange.IGNORED) {
                return change;
            }
            boolean newTerm = change == StateChange.NEW_LEADER_EPOCH || current.leaderId() != localNodeId;
            if (newTerm) {
                change = StateChange.NEW_LEADER_EPOCH;
            }
            synchronized (this) {
                state = next;
                pending = null;
                retryAfterMs = 0;
                if (newTerm) {
                    startLeaderEpoch(next);
                } else {
                    followers.keySet().retainAll(next.replicas());
                    long now = isr.clockMs().getAsLong();
                    for (int r : next.replicas()) {
                        if (r != localNodeId) {
                            followers.putIfAbsent(r, FollowerState.reset(now, next.isr().contains(r)));
                        }
                    }
                }
            }
        } finally {
            stateLock.writeLock().unlock();
        }
        maybeAdvanceHighWatermark();
        listener.onStateChanged(key);
        return change;
    }

    /** Another broker leads (or nobody, leader -1): produce is refused from now on; returns what changed. */
    public StateChange makeFollower(LeaderAndIsr next) {
        if (next.leaderId() == localNodeId) {
            throw new IllegalArgumentException(this + ": " + next + " names this node leader");
        }
        StateChange change;
        stateLock.writeLock().lock();
        try {
            LeaderAndIsr current = state;
            change = compare(current, next);
            if (change == StateChange.IGNORED) {
                return change;
            }
            if (current.leaderId() == localNodeId) {
                change = StateChange.NEW_LEADER_EPOCH;
            }
            synchronized (this) {
                state = next;
                pending = null;
                followers.clear();
            }
        } finally {
            stateLock.writeLock().unlock();
        }
        listener.onStateChanged(key);
        return change;
    }

    /**
     * This broker's replica is being dropped (no longer assigned here): it stops leading or following at once, so
     * appends and acks=all waiters fail with NOT_LEADER_OR_FOLLOWER. Package-private: only the replica manager
     * removes partitions.
     */
    void stopReplica() {
        stateLock.writeLock().lock();
        try {
            LeaderAndIsr s = state;
            synchronized (this) {
                state = new LeaderAndIsr(LeaderAndIsr.NO_LEADER, s.leaderEpoch(), s.replicas(), s.isr(),
                        s.partitionEpoch());
                pending = null;
                followers.clear();
            }
        } finally {
            stateLock.writeLock().unlock();
        }
        listener.onStateChanged(key);
    }

    private static StateChange compare(LeaderAndIsr current, LeaderAndIsr next) {
        if (next.leaderEpoch() > current.leaderEpoch()) {
            return StateChange.NEW_LEADER_EPOCH;
        }
        if (next.leaderEpoch() == current.leaderEpoch() && next.partitionEpoch() > current.partitionEpoch()) {
            return StateChange.UPDATED;
        }
        return StateChange.IGNORED;
    }

    /** Becoming leader at {@code s}'s epoch: record where it starts, forget what the followers had. */
    private void startLeaderEpoch(LeaderAndIsr s) {
        try {
            leaderEpochStartOffset = log.assignEpochStartOffset(s.leaderEpoch());
        } catch (RuntimeException e) {
            // A log closed for deletion: appends fail anyway; the epoch starts at the log end as far as we know.
            LOG.warn("{}: could not record the start of leader epoch {}: {}", this, s.leaderEpoch(), e.toString());
            leaderEpochStartOffset = log.logEndOffset();
        }
        followers.clear();
        long now = isr.clockMs().getAsLong();
        for (int r : s.replicas()) {
            if (r != localNodeId) {
                followers.put(r, FollowerState.reset(now, s.isr().contains(r)));
            }
        }
    }

    /**
     * The high watermark, first brought up to date with the log end offsets known now — so records that reached
     * the log by another path than {@link #appendAsLeader} (none today) are not hidden.
     */
    public long highWatermark() {
        maybeAdvanceHighWatermark();
        return log.highWatermark();
    }

    /** Whether {@code nodeId} is a replica of this partition other than this node (a follower when we lead). */
    public boolean isFollower(int nodeId) {
        return nodeId != localNodeId && state.replicas().contains(nodeId);
    }

    /**
     * Kafka's leader check for a request naming the leader epoch it believes in: no epoch (-1) passes; an epoch
     * newer than ours → UNKNOWN_LEADER_EPOCH (we have not caught up), older → FENCED_LEADER_EPOCH (the client
     * has stale metadata); then a node that does not lead → NOT_LEADER_OR_FOLLOWER.
     */
    public void checkLeader(int currentLeaderEpoch) {
        checkEpoch(state, currentLeaderEpoch);
        if (state.leaderId() != localNodeId) {
            throw new NotLeaderOrFollowerException("Broker " + localNodeId + " is not the leader of " + this
                    + " (leader: " + state.leaderId() + ")");
        }
    }

    /**
     * The check of a consumer read that a follower may serve (fetch from follower, KIP-392): Kafka's epoch check as
     * in {@link #checkLeader}, then this node must hold a replica of a partition that has a leader, and a follower
     * must be in the ISR (else NOT_LEADER_OR_FOLLOWER, which sends the consumer back to the leader). The ISR rule is
     * Samsa's: Kafka's follower keeps serving after it fell out of sync, leaving its consumers on stale data until
     * their preferred replica's lease ends; the leader never names an out-of-sync replica anyway.
     */
    public void checkReplica(int currentLeaderEpoch) {
        LeaderAndIsr s = state;
        checkEpoch(s, currentLeaderEpoch);
        if (s.leaderId() == LeaderAndIsr.NO_LEADER || !s.replicas().contains(localNodeId)
                || (s.leaderId() != localNodeId && !s.isr().contains(localNodeId))) {
            throw new NotLeaderOrFollowerException("Broker " + localNodeId + " does not serve reads of " + this
                    + " (leader: " + s.leaderId() + ", ISR: " + s.isr() + ")");
        }
    }

    private void checkEpoch(LeaderAndIsr s, int currentLeaderEpoch) {
        if (currentLeaderEpoch != NO_LEADER_EPOCH) {
            if (currentLeaderEpoch > s.leaderEpoch()) {
                throw new UnknownLeaderEpochException("Leader epoch " + currentLeaderEpoch + " of the request is newer"
                        + " than " + s.leaderEpoch() + " of " + this);
            }
            if (currentLeaderEpoch < s.leaderEpoch()) {
                throw new FencedLeaderEpochException("Leader epoch " + currentLeaderEpoch + " of the request is older"
                        + " than " + s.leaderEpoch() + " of " + this);
            }
        }
    }

    /**
     * Refuses an append this leader cannot acknowledge as asked: not the leader → NOT_LEADER_OR_FOLLOWER; acks=all
     * with fewer in-sync replicas than {@code min.insync.replicas} → NOT_ENOUGH_REPLICAS, before anything is
     * written, as Kafka's leader does.
     */
    public void checkAppendable(short requiredAcks, int minInsyncReplicas) {
        LeaderAndIsr s = state;
        checkLeader(NO_LEADER_EPOCH);
        if (requiredAcks == -1 && s.isr().size() < minInsyncReplicas) {
            throw new NotEnoughReplicasException("The size of the current ISR " + s.isr().size()
                    + " is insufficient to satisfy the min.isr requirement of " + minInsyncReplicas
                    + " for partition " + this);
        }
    }

    /**
     * Appends as leader, stamping the batches with the current leader epoch, then tells the listener that the
     * log end and (when the ISR allows) the high watermark advanced. Called on a request handler thread; a change
     * of leadership waits for it to finish.
     */
    public AppendResult appendAsLeader(ByteBuffer records) {
        return appendAsLeader(records, AppendOrigin.CLIENT);
    }

    /** As {@link #appendAsLeader(ByteBuffer)}, for a client or a coordinator ({@link AppendOrigin}). */
    public AppendResult appendAsLeader(ByteBuffer records, AppendOrigin origin) {
        AppendResult result;
        stateLock.readLock().lock();
        try {
            LeaderAndIsr s = state;
            if (s.leaderId() != localNodeId) {
                throw new NotLeaderOrFollowerException("Broker " + localNodeId + " is not the leader of " + this);
            }
            result = log.appendAsLeader(records, s.leaderEpoch(), origin);
        } finally {
            stateLock.readLock().unlock();
        }
        if (!result.duplicate()) {
            listener.onLogEndAdvanced(key);
            maybeAdvanceHighWatermark();
        }
        return result;
    }

    /**
     * Appends a transaction's COMMIT or ABORT marker as leader (for the transaction coordinator), stamped with the
     * current leader epoch, then tells the listener as {@link #appendAsLeader} does: the marker ends the
     * producer's open transaction here, so read_committed fetches may move on once it is committed.
     */
    public AppendResult appendControlMarkerAsLeader(long producerId, short producerEpoch, boolean commit,
                                                    int coordinatorEpoch) {
        AppendResult result;
        stateLock.readLock().lock();
        try {
            LeaderAndIsr s = state;
            if (s.leaderId() != localNodeId) {
                throw new NotLeaderOrFollowerException("Broker " + localNodeId + " is not the leader of " + this);
            }
            result = log.appendControlMarkerAsLeader(producerId, producerEpoch, commit, coordinatorEpoch,
                    s.leaderEpoch());
        } finally {
            stateLock.readLock().unlock();
        }
        listener.onLogEndAdvanced(key);
        maybeAdvanceHighWatermark();
        return result;
    }

    /**
     * Reads for a fetch: consumers see records below the high watermark only (read_committed: below the last
     * stable offset; at or beyond it, up to the log end, an empty read; past the log end OFFSET_OUT_OF_RANGE),
     * follower replicas everything up to the log end.
     */
    public PartitionRead read(long offset, int maxBytes, boolean minOneBatch, FetchIsolation isolation) {
        if (isolation != FetchIsolation.LOG_END) {
            maybeAdvanceHighWatermark();
        }
        ReadResult r = log.read(offset, maxBytes, minOneBatch, isolation);
        return new PartitionRead(r, r.highWatermark(), r.highWatermark(), r.logStartOffset());
    }

    /**
     * Kafka's diverging-epoch check of a fetch that names the epoch of the last batch the fetcher has
     * ({@code lastFetchedEpoch}): when this leader's log ended that epoch earlier than the fetch offset, or does not
     * know it (it knows only older ones), the fetcher's tail diverges and it must truncate to the returned epoch's
     * end before fetching on; returns that, or null when the fetch may go on. OFFSET_OUT_OF_RANGE when the epoch
     * cannot be placed at all, or the fetch offset is below the log start.
     */
    public EpochEndOffset divergingEpoch(int lastFetchedEpoch, long fetchOffset) {
        EpochEndOffset end = log.endOffsetForEpoch(lastFetchedEpoch);
        if (end.endOffset() == EpochEndOffset.UNDEFINED_EPOCH_OFFSET
                || end.leaderEpoch() == EpochEndOffset.UNDEFINED_EPOCH) {
            throw new OffsetOutOfRangeException("Could not determine the end offset of the last fetched epoch "
                    + lastFetchedEpoch + " in " + this);
        }
        if (fetchOffset < log.logStartOffset()) {
            throw new OffsetOutOfRangeException("Fetch offset " + fetchOffset + " is below the log start "
                    + log.logStartOffset() + " of " + this);
        }
        return end.leaderEpoch() < lastFetchedEpoch || end.endOffset() < fetchOffset ? end : null;
    }

    /** The end offset of {@code epoch} in this replica's epoch cache (OffsetForLeaderEpoch; see {@link EpochEndOffset}). */
    public EpochEndOffset endOffsetForEpoch(int epoch) {
        return log.endOffsetForEpoch(epoch);
    }

    /**
     * A follower fetched from {@code fetchOffset}: everything below it is on the follower, so its log end offset
     * is that; the high watermark may advance and the follower may join the ISR. Called on the request handler
     * thread of the follower's fetch.
     */
    public void updateFollowerFetchState(int followerId, long fetchOffset) {
        if (!isFollower(followerId)) {
            throw new NotLeaderOrFollowerException("Node " + followerId + " is not a replica of " + this);
        }
        long now = isr.clockMs().getAsLong();
        long leaderEnd = log.logEndOffset();
        Proposal expand;
        synchronized (this) {
            FollowerState before = followers.get(followerId);
            if (before == null) {
                before = FollowerState.reset(now, state.isr().contains(followerId));
            }
            followers.put(followerId, before.afterFetch(fetchOffset, now, leaderEnd));
            expand = maybeExpandIsr(followerId, now);
        }
        maybeAdvanceHighWatermark();
        send(expand);
    }

    /** Guarded by this: proposes adding the follower to the ISR when it qualifies and no change is in flight. */
    private Proposal maybeExpandIsr(int followerId, long now) {
        LeaderAndIsr s = state;
        if (s.leaderId() != localNodeId || s.isr().contains(followerId) || pending != null || now < retryAfterMs) {
            return null;
        }
        FollowerState f = followers.get(followerId);
        if (f == null || !f.canJoinIsr(log.highWatermark(), leaderEpochStartOffset)) {
            return null;
        }
        List<Integer> newIsr = new ArrayList<>(s.isr());
        newIsr.add(followerId);
        pending = new Proposal(s, List.copyOf(newIsr));
        return pending;
    }

    /**
     * Proposes removing the ISR members that have not been caught up for {@code replica.lag.time.max.ms}; called
     * periodically (the replica manager's ISR check thread). The leader stays in the ISR. Returns whether it
     * proposed a change.
     */
    public boolean maybeShrinkIsr() {
        long now = isr.clockMs().getAsLong();
        long leaderEnd = log.logEndOffset();
        Proposal shrink;
        synchronized (this) {
            LeaderAndIsr s = state;
            if (s.leaderId() != localNodeId || pending != null || now < retryAfterMs) {
                return false;
            }
            List<Integer> newIsr = new ArrayList<>();
            for (int r : s.isr()) {
                FollowerState f = followers.get(r);
                if (r == localNodeId || (f != null && f.isCaughtUp(leaderEnd, now, isr.lagTimeMaxMs()))) {
                    newIsr.add(r);
                }
            }
            if (newIsr.size() == s.isr().size()) {
                return false;
            }
            pending = new Proposal(s, List.copyOf(newIsr));
            shrink = pending;
        }
        LOG.info("{}: shrinking the ISR from {} to {} (lagging more than {} ms)", this, shrink.base().isr(),
                shrink.newIsr(), isr.lagTimeMaxMs());
        send(shrink);
        return true;
    }

    private void send(Proposal proposal) {
        if (proposal == null) {
            return;
        }
        try {
            isr.sender().alterPartition(key, proposal.base(), proposal.newIsr())
                    .whenComplete((committed, error) -> alterPartitionDone(proposal, committed, error));
        } catch (RuntimeException e) {
            alterPartitionDone(proposal, null, e);
        }
    }

    /** The controller answered an ISR change: apply what it committed if newer, or pause before the next try. */
    private void alterPartitionDone(Proposal proposal, LeaderAndIsr committed, Throwable error) {
        boolean applied = false;
        stateLock.writeLock().lock();
        try {
            synchronized (this) {
                if (pending == proposal) {
                    pending = null;
                }
                LeaderAndIsr s = state;
                if (error != null) {
                    retryAfterMs = isr.clockMs().getAsLong() + isr.retryBackoffMs();
                    LOG.info("{}: ISR change to {} failed ({}); retrying later or on new metadata", this,
                            proposal.newIsr(), error.toString());
                } else if (committed != null && committed.leaderId() == localNodeId && s.leaderId() == localNodeId
                        && committed.leaderEpoch() == s.leaderEpoch()
                        && committed.partitionEpoch() > s.partitionEpoch()) {
                    state = committed;
                    applied = true;
                    if (committed.isr().size() < s.isr().size()) {
                        isr.metrics().recordShrink();
                    } else if (committed.isr().size() > s.isr().size()) {
                        isr.metrics().recordExpand();
                    }
                }
            }
        } finally {
            stateLock.writeLock().unlock();
        }
        if (applied) {
            LOG.info("{}: ISR now {} (partition epoch {})", this, committed.isr(), committed.partitionEpoch());
            maybeAdvanceHighWatermark();
            listener.onStateChanged(key);
        }
    }

    /**
     * Appends batches fetched from the leader of {@code leaderEpoch} as they are; refused (NOT_LEADER_OR_FOLLOWER)
     * when this replica no longer follows at that epoch. Called on the replica fetcher thread.
     */
    public AppendResult appendAsFollower(int leaderEpoch, ByteBuffer records) {
        return whileFollowing(leaderEpoch, () -> log.appendAsFollower(records));
    }

    /** A follower drops its tail from {@code offset} on (diverging epoch); see {@link Log#truncateTo}. */
    public boolean truncateTo(int leaderEpoch, long offset) {
        return whileFollowing(leaderEpoch, () -> log.truncateTo(offset));
    }

    /** A follower empties its log and restarts it at {@code offset} (the leader's log start is above our end). */
    public void truncateFullyAndStartAt(int leaderEpoch, long offset) {
        whileFollowing(leaderEpoch, () -> {
            log.truncateFullyAndStartAt(offset);
            return null;
        });
    }

    /** Runs a follower's change of the log while no state change can make this replica stop following. */
    private <T> T whileFollowing(int leaderEpoch, Supplier<T> change) {
        stateLock.readLock().lock();
        try {
            checkFollowing(leaderEpoch);
            return change.get();
        } finally {
            stateLock.readLock().unlock();
        }
    }

    /**
     * DeleteRecords on the leader (Kafka's {@code deleteRecordsOnLeader}): moves the log start to {@code offset}
     * ({@code -1}: the high watermark), deleting the segments wholly below it, and returns the log start after it.
     * An offset above the high watermark, or negative → OFFSET_OUT_OF_RANGE; below the log start: nothing moves.
     * Followers take the new log start from the leader's next fetch response ({@link #updateFollowerOffsets}).
     */
    public long deleteRecordsOnLeader(long offset) {
        stateLock.readLock().lock();
        try {
            checkLeader(NO_LEADER_EPOCH);
            long hw = highWatermark();
            long target = offset == -1L ? hw : offset;
            if (target < 0 || target > hw) {
                throw new OffsetOutOfRangeException("Cannot delete records of " + this + " before offset " + target
                        + ": it is " + (target < 0 ? "not valid" : "above the high watermark " + hw));
            }
            log.maybeIncrementLogStartOffset(target);
            return log.logStartOffset();
        } finally {
            stateLock.readLock().unlock();
        }
    }

    /**
     * A follower learned the leader's high watermark and log start from a fetch response: its own high watermark
     * becomes the smaller of the leader's and its log end (the bound of the consumer reads it serves), its log
     * start follows the leader's.
     */
    public void updateFollowerOffsets(long leaderHighWatermark, long leaderLogStartOffset) {
        if (role() != PartitionRole.FOLLOWER) {
            return;
        }
        long before = log.highWatermark();
        if (log.updateHighWatermark(Math.min(leaderHighWatermark, log.logEndOffset())) > before) {
            listener.onHighWatermarkAdvanced(key); // wakes consumer fetches this follower serves (KIP-392)
        }
        if (leaderLogStartOffset > log.logStartOffset()) {
            log.maybeIncrementLogStartOffset(leaderLogStartOffset);
        }
    }

    private void checkFollowing(int leaderEpoch) {
        LeaderAndIsr s = state;
        if (s.leaderId() == localNodeId || s.leaderEpoch() != leaderEpoch) {
            throw new NotLeaderOrFollowerException("Broker " + localNodeId + " no longer follows " + this
                    + " at leader epoch " + leaderEpoch + " (now " + s + ")");
        }
    }

    /** Recomputes the high watermark from the maximal ISR's log end offsets; tells the listener when it moved. */
    private void maybeAdvanceHighWatermark() {
        boolean moved;
        synchronized (this) {
            moved = state.leaderId() == localNodeId && advanceHighWatermarkTo(computeHighWatermark());
        }
        if (moved) {
            listener.onHighWatermarkAdvanced(key);
        }
    }

    /** The smallest log end offset over the maximal ISR (ours included); a follower not heard from counts as -1. */
    private long computeHighWatermark() {
        long min = log.logEndOffset();
        for (int replica : maximalIsr()) {
            if (replica != localNodeId) {
                FollowerState f = followers.get(replica);
                min = Math.min(min, f == null ? FollowerState.UNKNOWN_OFFSET : f.logEndOffset());
            }
        }
        return min;
    }

    /** Moves the log's high watermark forward to {@code candidate}; true if it moved. Never moves it back. */
    private boolean advanceHighWatermarkTo(long candidate) {
        long before = log.highWatermark();
        return candidate > before && log.updateHighWatermark(candidate) > before;
    }

    /** Whether this node leads and its ISR is smaller than its replica set (under-replicated). */
    public boolean isUnderReplicated() {
        LeaderAndIsr s = state;
        return s.leaderId() == localNodeId && s.isr().size() < s.replicas().size();
    }

    /** Replicas and ISR as Metadata lists them. */
    public List<Integer> replicas() {
        return state.replicas();
    }

    public List<Integer> isr() {
        return state.isr();
    }

    @Override
    public String toString() {
        return topic + "-" + key.partition();
    }
}
