package io.samsa.broker.replica;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;

import io.samsa.log.AppendResult;
import io.samsa.log.FetchIsolation;
import io.samsa.log.Log;
import io.samsa.log.ReadResult;

/**
 * One partition as this broker holds it: its log, its role ({@link PartitionRole}), the leader, leader epoch,
 * replicas and in-sync replicas ({@link LeaderAndIsr}), and — as leader — the follower log end offsets and the
 * high watermark. Handlers ask it "am I the leader, at which epoch" and append and read through it, so the
 * single-node facts (this node leads at epoch 0, ISR = {this node}) live only in the assignment it was given.
 *
 * <p>High watermark: the smallest log end offset over the ISR, moved only forward. With ISR = {this node} it is
 * the log end offset after every append, as before; with followers it waits for their fetches
 * ({@link #updateFollowerFetchState}). Whoever advances it tells the {@link PartitionListener} (the purgatories).
 *
 * <p>Thread-safe: request handler threads append and read concurrently (the log serialises appends). The
 * assignment is an immutable snapshot read once per operation; the high watermark and follower offsets are
 * atomics. Listeners are called on the advancing thread with no lock held.
 */
public final class Partition {
    /** Kafka's "no epoch given": a request without currentLeaderEpoch skips the epoch check. */
    public static final int NO_LEADER_EPOCH = -1;

    private final PartitionKey key;
    private final String topic;
    private final int localNodeId;
    private final Log log;
    private final PartitionListener listener;
    private volatile LeaderAndIsr state;
    /** Log end offset of each follower as of its last fetch; a follower not heard from yet counts as 0. */
    private final Map<Integer, Long> followerLogEndOffsets = new ConcurrentHashMap<>();

    public Partition(PartitionKey key, String topic, int localNodeId, LeaderAndIsr state, Log log,
                     PartitionListener listener) {
        this.key = key;
        this.topic = topic;
        this.localNodeId = localNodeId;
        this.state = state;
        this.log = log;
        this.listener = listener;
        // The partition, not each append, moves the log's high watermark: it knows the ISR.
        log.setHighWatermarkFollowsLogEnd(false);
        advanceHighWatermarkTo(computeHighWatermark(state));
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
        LeaderAndIsr s = state;
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
        if (s.leaderId() != localNodeId) {
            throw new NotLeaderOrFollowerException("Broker " + localNodeId + " is not the leader of " + this
                    + " (leader: " + s.leaderId() + ")");
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
     * log end and (when the ISR allows) the high watermark advanced. Called on a request handler thread.
     */
    public AppendResult appendAsLeader(ByteBuffer records) {
        LeaderAndIsr s = state;
        if (s.leaderId() != localNodeId) {
            throw new NotLeaderOrFollowerException("Broker " + localNodeId + " is not the leader of " + this);
        }
        AppendResult result = log.appendAsLeader(records, s.leaderEpoch());
        if (!result.duplicate()) {
            listener.onLogEndAdvanced(key);
            maybeAdvanceHighWatermark();
        }
        return result;
    }

    /**
     * Reads for a fetch: consumers see records below the high watermark only (at or beyond it, up to the log
     * end, an empty read; past the log end OFFSET_OUT_OF_RANGE), follower replicas everything up to the log end.
     */
    public PartitionRead read(long offset, int maxBytes, boolean minOneBatch, FetchIsolation isolation) {
        if (isolation == FetchIsolation.HIGH_WATERMARK) {
            maybeAdvanceHighWatermark();
        }
        ReadResult r = log.read(offset, maxBytes, minOneBatch, isolation);
        return new PartitionRead(r, r.highWatermark(), r.highWatermark(), r.logStartOffset());
    }

    /**
     * A follower fetched from {@code fetchOffset}: everything below it is on the follower, so its log end offset
     * is that; the high watermark may advance. Called on the request handler thread of the follower's fetch.
     */
    public void updateFollowerFetchState(int followerId, long fetchOffset) {
        if (!isFollower(followerId)) {
            throw new NotLeaderOrFollowerException("Node " + followerId + " is not a replica of " + this);
        }
        followerLogEndOffsets.merge(followerId, fetchOffset, Math::max);
        maybeAdvanceHighWatermark();
    }

    /** Recomputes the high watermark from the ISR's log end offsets; tells the listener when it moved. */
    private void maybeAdvanceHighWatermark() {
        LeaderAndIsr s = state;
        if (s.leaderId() == localNodeId && advanceHighWatermarkTo(computeHighWatermark(s))) {
            listener.onHighWatermarkAdvanced(key);
        }
    }

    /** The smallest log end offset over the ISR (ours included). */
    private long computeHighWatermark(LeaderAndIsr s) {
        long min = log.logEndOffset();
        for (int replica : s.isr()) {
            if (replica != localNodeId) {
                min = Math.min(min, followerLogEndOffsets.getOrDefault(replica, 0L));
            }
        }
        return min;
    }

    /** Moves the log's high watermark forward to {@code candidate}; true if it moved. Never moves it back. */
    private boolean advanceHighWatermarkTo(long candidate) {
        long before = log.highWatermark();
        return candidate > before && log.updateHighWatermark(candidate) > before;
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
