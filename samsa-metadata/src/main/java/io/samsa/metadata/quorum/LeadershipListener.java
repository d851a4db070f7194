package io.samsa.metadata.quorum;

/**
 * Told when this node becomes the active controller and when it stops being it. Called on the quorum's event
 * thread ({@code samsa-quorum-events}), one call at a time and in order; a call may block it briefly, never
 * for long (it delays the next event, not the quorum).
 */
public interface LeadershipListener {
    /**
     * This node leads the quorum in {@code term} (Kafka: the leader epoch) and has applied everything committed
     * before it: the metadata image is complete, and writes may start.
     */
    void onBecomeActive(long term);

    /** This node no longer leads (another leader, lost its majority, or closing): stop writing. */
    void onResign();
}
