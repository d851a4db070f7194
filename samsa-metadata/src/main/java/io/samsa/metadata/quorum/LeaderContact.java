package io.samsa.metadata.quorum;

import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;

/**
 * When this node last heard from the quorum leader it followed, sampled every {@value #SAMPLE_MS} ms from Ratis's
 * follower state (the time since the leader's last RPC). A node that wins an election uses it for the former
 * leader: in a combined node the broker and the voter are one process, so the new controller knows that broker has
 * been silent since then, and its session need not start afresh at the election (which cost a killed
 * controller's partitions an extra election timeout or more before their failover). Pre-vote keeps this sound: a
 * node wins only if a majority had stopped hearing from the old leader too.
 * <p>
 * Times are monotonic milliseconds ({@code System.nanoTime() / 1e6}), the controller's session clock; a sample may
 * lag the true last contact by up to the sample interval. Thread: {@code samsa-quorum-watch-<id>}; the readings
 * are volatile.
 */
final class LeaderContact implements AutoCloseable {
    static final long SAMPLE_MS = 100;

    private final Supplier<DivisionInfo> division;
    private final ScheduledExecutorService thread;
    private volatile int leaderId = -1;
    private volatile long lastContactMs;

    LeaderContact(Supplier<DivisionInfo> division, int nodeId) {
        this.division = division;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "samsa-quorum-watch-" + nodeId);
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::sample, SAMPLE_MS, SAMPLE_MS, TimeUnit.MILLISECONDS);
    }

    private void sample() {
        try {
            DivisionInfo info = division.get();
            if (info == null || !info.isFollower()) {
                return;
            }
            RoleInfoProto role = info.getRoleInfoProto();
            if (!role.hasFollowerInfo() || !role.getFollowerInfo().hasLeaderInfo()) {
                return;
            }
            ServerRpcProto leader = role.getFollowerInfo().getLeaderInfo();
            if (!leader.hasId() || leader.getId().getId().isEmpty()) {
                return;
            }
            int id = Integer.parseInt(RaftPeerId.valueOf(leader.getId().getId()).toString());
            lastContactMs = System.nanoTime() / 1_000_000 - leader.getLastRpcElapsedTimeMs();
            leaderId = id;
        } catch (RuntimeException e) {
            // closing, or a state between roles: the next sample tries again
        }
    }

    /** When this node last heard from {@code nodeId} as its leader, if that node is the last leader it followed. */
    OptionalLong lastContactMs(int nodeId) {
        return leaderId == nodeId ? OptionalLong.of(lastContactMs) : OptionalLong.empty();
    }

    /** The last leader this node followed, -1 if none yet. */
    int lastLeaderId() {
        return leaderId;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
