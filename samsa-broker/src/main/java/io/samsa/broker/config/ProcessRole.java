package io.samsa.broker.config;

/** A value of {@code process.roles}: what a node of a cluster does (KRaft's names, lower-case in the file). */
public enum ProcessRole {
    /** Serves clients and holds partition replicas. */
    BROKER,
    /** Votes in the metadata quorum; the quorum's leader is the active controller. */
    CONTROLLER
}
