package io.samsa.metadata.quorum;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link QuorumStatus} in the reply to a STATUS request ({@link QuorumMessages}), so an observer can report the
 * quorum as its leader sees it. Big-endian:
 * <pre>
 * leaderId:int32  leaderEpoch:int64  highWatermark:int64
 * voterCount:int32 voters...  observerCount:int32 observers...
 *   each: replicaId:int32  logEndOffset:int64  lastFetchTimestampMs:int64  lastCaughtUpTimestampMs:int64
 * </pre>
 */
final class QuorumStatusCodec {
    private static final int REPLICA_BYTES = 4 + 8 + 8 + 8;

    private QuorumStatusCodec() {
    }

    static byte[] encode(QuorumStatus status) {
        ByteBuffer buf = ByteBuffer.allocate(4 + 8 + 8 + 4 + 4
                + REPLICA_BYTES * (status.voters().size() + status.observers().size()));
        buf.putInt(status.leaderId()).putLong(status.leaderEpoch()).putLong(status.highWatermark());
        put(buf, status.voters());
        put(buf, status.observers());
        return buf.array();
    }

    private static void put(ByteBuffer buf, List<QuorumStatus.ReplicaState> replicas) {
        buf.putInt(replicas.size());
        for (QuorumStatus.ReplicaState r : replicas) {
            buf.putInt(r.replicaId()).putLong(r.logEndOffset()).putLong(r.lastFetchTimestampMs())
                    .putLong(r.lastCaughtUpTimestampMs());
        }
    }

    static QuorumStatus decode(byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        int leaderId = buf.getInt();
        long epoch = buf.getLong();
        long highWatermark = buf.getLong();
        List<QuorumStatus.ReplicaState> voters = get(buf);
        List<QuorumStatus.ReplicaState> observers = get(buf);
        return new QuorumStatus(leaderId, epoch, highWatermark, voters, observers);
    }

    private static List<QuorumStatus.ReplicaState> get(ByteBuffer buf) {
        int count = buf.getInt();
        List<QuorumStatus.ReplicaState> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(new QuorumStatus.ReplicaState(buf.getInt(), buf.getLong(), buf.getLong(), buf.getLong()));
        }
        return out;
    }
}
