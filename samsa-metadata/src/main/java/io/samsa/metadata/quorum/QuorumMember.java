package io.samsa.metadata.quorum;

import io.samsa.metadata.MetadataLog;

/**
 * A node's part in the metadata quorum, as the broker side sees it: the log its image follows, the channel to the
 * active controller, and what it knows of the quorum. A voter ({@link RatisMetadataLog}, a node with the
 * controller role) takes part in Raft; an observer ({@link QuorumObserver}, a broker-only node) only learns the
 * committed batches from the voters and never leads.
 */
public interface QuorumMember extends MetadataLog, ControllerChannel {
    /** Whether this node is the active controller (never true for an observer). */
    boolean isActive();

    /** The quorum leader's node id, -1 while none is known. */
    int leaderId();

    /** The quorum as this node sees it. */
    QuorumStatus status();
}
