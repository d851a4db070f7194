package io.samsa.broker.replica.selector;

import java.util.Comparator;

/**
 * One replica a consumer could read from, as a {@link ReplicaSelector} sees it (Kafka's {@code ReplicaView}): its
 * broker, that broker's rack (null: none), its log end offset as the leader knows it, and how long ago it was last
 * caught up with the leader (0 for the leader itself). Immutable.
 */
public record ReplicaView(int brokerId, String rack, long logEndOffset, long timeSinceLastCaughtUpMs) {

    /** Kafka's order of "more caught up": a larger log end offset, then a more recent catch-up. */
    public static final Comparator<ReplicaView> MOST_CAUGHT_UP = Comparator
            .comparingLong(ReplicaView::logEndOffset)
            .thenComparing(Comparator.comparingLong(ReplicaView::timeSinceLastCaughtUpMs).reversed());
}
