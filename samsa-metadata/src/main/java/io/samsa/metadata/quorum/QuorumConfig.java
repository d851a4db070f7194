package io.samsa.metadata.quorum;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

import org.apache.ratis.protocol.RaftGroupId;

/**
 * How this node takes part in the metadata quorum.
 *
 * @param nodeId this node's {@code node.id}; must be one of the voters
 * @param voters {@code controller.quorum.voters}: id → the CONTROLLER listener's address; this node's Raft server
 *               binds to its own entry
 * @param storageDir the Raft log, its metadata and the snapshots ({@code <log.dirs>/__samsa_meta/quorum})
 * @param electionTimeoutMin lower bound of the randomised election timeout (Ratis {@code raft.server.rpc.timeout.min});
 *               the leader heartbeats at half of it
 * @param electionTimeoutMax upper bound ({@code raft.server.rpc.timeout.max})
 * @param snapshotThreshold applied entries after which a snapshot is taken and the log purged up to it
 *               ({@code raft.server.snapshot.auto.trigger.threshold})
 * @param logSegmentBytes Raft log segment size; the log is purged by whole closed segments
 * @param bindHost the host the quorum's server binds (the CONTROLLER listener's, e.g. {@code 0.0.0.0}); null: this
 *               node's own voter address
 * @param tls TLS of the quorum's server and clients (a CONTROLLER listener mapped to SSL); null: plaintext
 */
public record QuorumConfig(int nodeId, Map<Integer, InetSocketAddress> voters, Path storageDir,
                           Duration electionTimeoutMin, Duration electionTimeoutMax, long snapshotThreshold,
                           long logSegmentBytes, String bindHost, QuorumTls tls) {
    /**
     * Election timeout 500–1000 ms: a follower notices a dead leader after at most 1 s and a pre-vote plus a vote
     * over loopback or a LAN add tens of ms, so a new leader is in place 0.6–1.2 s after the old one died. Below
     * ~500 ms, a GC pause or a busy 2-core machine starts needless elections (heartbeats go every 250 ms).
     */
    public static final Duration DEFAULT_ELECTION_TIMEOUT_MIN = Duration.ofMillis(500);
    public static final Duration DEFAULT_ELECTION_TIMEOUT_MAX = Duration.ofMillis(1000);
    /** About 1–10 MB of log between snapshots at the controller's batch sizes; a snapshot is the image, small. */
    public static final long DEFAULT_SNAPSHOT_THRESHOLD = 10_000;
    public static final long DEFAULT_LOG_SEGMENT_BYTES = 8L << 20;

    /**
     * The one Raft group of the metadata quorum, the same on every node and in every cluster (a node serves one
     * cluster; the group id names the storage directory).
     */
    public static final RaftGroupId GROUP_ID = RaftGroupId.valueOf(
            UUID.nameUUIDFromBytes("samsa-metadata-quorum".getBytes(StandardCharsets.UTF_8)));

    public QuorumConfig {
        Objects.requireNonNull(storageDir, "storageDir");
        voters = Map.copyOf(new TreeMap<>(voters));
        if (!voters.containsKey(nodeId)) {
            throw new IllegalArgumentException("node.id " + nodeId + " is not in controller.quorum.voters " + voters);
        }
        if (electionTimeoutMin.isNegative() || electionTimeoutMax.compareTo(electionTimeoutMin) < 0) {
            throw new IllegalArgumentException("Election timeout range " + electionTimeoutMin + ".."
                    + electionTimeoutMax);
        }
        if (snapshotThreshold < 1 || logSegmentBytes < 1024) {
            throw new IllegalArgumentException("snapshotThreshold " + snapshotThreshold + ", logSegmentBytes "
                    + logSegmentBytes);
        }
    }

    /** The defaults above. */
    public static QuorumConfig of(int nodeId, Map<Integer, InetSocketAddress> voters, Path storageDir) {
        return new QuorumConfig(nodeId, voters, storageDir, DEFAULT_ELECTION_TIMEOUT_MIN,
                DEFAULT_ELECTION_TIMEOUT_MAX, DEFAULT_SNAPSHOT_THRESHOLD, DEFAULT_LOG_SEGMENT_BYTES, null, null);
    }

    public QuorumConfig withSnapshots(long threshold, long segmentBytes) {
        return new QuorumConfig(nodeId, voters, storageDir, electionTimeoutMin, electionTimeoutMax, threshold,
                segmentBytes, bindHost, tls);
    }

    /** Binds {@code host} instead of the voter address's host (the port stays the voter's). */
    public QuorumConfig withBindHost(String host) {
        return new QuorumConfig(nodeId, voters, storageDir, electionTimeoutMin, electionTimeoutMax, snapshotThreshold,
                logSegmentBytes, host, tls);
    }

    /** With TLS on the quorum's traffic (null: plaintext). */
    public QuorumConfig withTls(QuorumTls quorumTls) {
        return new QuorumConfig(nodeId, voters, storageDir, electionTimeoutMin, electionTimeoutMax, snapshotThreshold,
                logSegmentBytes, bindHost, quorumTls);
    }

    /** This node's address as the other voters reach it. */
    public InetSocketAddress address() {
        return voters.get(nodeId);
    }

    /** The host the server binds. */
    public String bindHostOrDefault() {
        return bindHost != null ? bindHost : address().getHostString();
    }
}
