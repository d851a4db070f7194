package io.samsa.clients.consumer.fetch;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

import io.samsa.clients.metadata.MetadataCache;

/**
 * Which node each partition is fetched from (fetch from follower, KIP-392, as kafka-clients does): its leader, or
 * the replica the leader named as {@code preferredReadReplica} in a fetch response. A named replica is used until
 * its lease ends ({@code metadata.max.age.ms} after it was named), the partition's leader epoch in the metadata
 * changes, the node is missing from the metadata, or a fetch of the partition from it fails or answers with an
 * error ({@link #clear}); then the leader again, which may name it anew.
 *
 * <p>I/O thread only (the {@link Fetcher}'s), so unsynchronized.
 */
final class ReadReplicas {
    /** A replica the leader of {@code leaderEpoch} named, usable until {@code expiresAtMs}. */
    private record Preferred(int nodeId, int leaderEpoch, long expiresAtMs) {
    }

    private final MetadataCache metadata;
    private final long leaseMs;
    private final Map<TopicPartition, Preferred> preferred = new HashMap<>();

    ReadReplicas(MetadataCache metadata, long leaseMs) {
        this.metadata = metadata;
        this.leaseMs = leaseMs;
    }

    /** The node to fetch {@code tp} from now: a valid preferred read replica, else the leader (-1: unknown). */
    int nodeFor(TopicPartition tp, long nowMs) {
        int leader = metadata.leaderFor(tp);
        Preferred p = preferred.get(tp);
        if (p == null) {
            return leader;
        }
        if (leader < 0 || nowMs >= p.expiresAtMs() || metadata.leaderEpoch(tp) != p.leaderEpoch()) {
            preferred.remove(tp);
            return leader;
        }
        if (metadata.node(p.nodeId()) == null) {
            // Stale or offline: kafka-clients drops it and refreshes the metadata.
            preferred.remove(tp);
            metadata.requestUpdate();
            return leader;
        }
        return p.nodeId();
    }

    /** The leader named {@code nodeId} as the partition's preferred read replica ({@code nowMs}: when answered). */
    void named(TopicPartition tp, int nodeId, long nowMs) {
        preferred.put(tp, new Preferred(nodeId, metadata.leaderEpoch(tp), nowMs + leaseMs));
    }

    /** Back to the leader for {@code tp}; returns whether a preferred read replica was set. */
    boolean clear(TopicPartition tp) {
        return preferred.remove(tp) != null;
    }

    /** The preferred read replica in use for {@code tp}, or -1 for the leader (as kafka-clients' metric). */
    int preferredReadReplica(TopicPartition tp) {
        Preferred p = preferred.get(tp);
        return p == null ? -1 : p.nodeId();
    }
}
